#include "tests/support/httpreceiver.h"

#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>
#include <algorithm>

namespace sd::test {

HttpReceiver::HttpReceiver(QObject *parent)
    : QTcpServer(parent)
    , m_http(new RecordingHttpServer([this](const ReceivedHttpRequest &request,
                                            HttpReply reply) { onRequest(request, std::move(reply)); },
                                     this))
{
    qRegisterMetaType<sd::test::ReceivedRequest>();
}

HttpReceiver::~HttpReceiver()
{
    for (const auto &s : std::as_const(m_sockets)) {
        if (s)
            s->abort();
    }
}

bool HttpReceiver::start(const QHostAddress &address, quint16 port)
{
    if (!listen(address, port))
        return false;
    m_http->serve(this);
    return true;
}

void HttpReceiver::enableTls(const QByteArray &certPem, const QByteArray &keyPem)
{
    m_tls = true;
    m_cert = certPem;
    m_key = keyPem;
}

QString HttpReceiver::url(const QString &path) const
{
    return (m_tls ? QStringLiteral("https://") : QStringLiteral("http://")) + serverAddress().toString() +
           QLatin1Char(':') + QString::number(serverPort()) + path;
}

int HttpReceiver::countWebhookId(const QByteArray &id) const
{
    return static_cast<int>(
        std::count_if(m_requests.cbegin(), m_requests.cend(),
                      [&id](const ReceivedRequest &r) { return r.headers.value("webhook-id") == id; }));
}

// Each connection is handed to Qt HTTP Server (through addPendingConnection); over TLS once it is set up.
void HttpReceiver::incomingConnection(qintptr handle)
{
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSocketDescriptor(handle);
        ssl->setLocalCertificate(QSslCertificate(m_cert));
        ssl->setPrivateKey(QSslKey(m_key, QSsl::Rsa));
        ssl->startServerEncryption();
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
        socket->setSocketDescriptor(handle);
    }
    m_sockets << socket;
    addPendingConnection(socket);
}

void HttpReceiver::onRequest(const ReceivedHttpRequest &received, HttpReply reply)
{
    ReceivedRequest request;
    request.method = received.method;
    request.path = received.path;
    for (const auto &[name, value] : received.headers)
        request.headers.insert(name.toLower(), value);
    request.body = received.body;
    request.at = received.receivedAt;
    m_requests << request;
    const Script script = m_scripts.isEmpty() ? m_default : m_scripts.dequeue();
    Q_EMIT requestReceived(request);
    if (script.delayMs > 0) {
        QTimer::singleShot(script.delayMs, this, [this, reply, script] { answer(reply, script); });
    } else {
        answer(reply, script);
    }
}

void HttpReceiver::answer(HttpReply reply, const Script &script)
{
    QTcpSocket *socket = reply.socket();
    if (!socket)
        return; // the sender gave up
    switch (script.mode) {
    case Mode::Hang:
        return;
    case Mode::CloseWithoutResponse:
        socket->disconnectFromHost();
        return;
    case Mode::ResetAfterRequest:
        socket->abort(); // RST
        return;
    case Mode::Raw:
        socket->write(script.raw);
        socket->disconnectFromHost(); // after the bytes are written
        return;
    case Mode::RawThenReset:
        socket->write(script.raw);
        resetSoon(socket);
        return;
    case Mode::ResetMidResponse: {
        auto headers = script.headers;
        headers.append({QByteArrayLiteral("Content-Length"), QByteArrayLiteral("1000")});
        reply.sendHead(script.status, headers, script.reason);
        reply.sendBody(QByteArray(10, 'x'));
        resetSoon(socket);
        return;
    }
    case Mode::HugeBody:
        streamHugeBody(reply, script);
        return;
    case Mode::Respond:
        reply.send(script.status, script.headers, script.body, script.reason);
        if (script.closeAfterAnswer)
            socket->disconnectFromHost(); // after the answer is written
        return;
    }
}

void HttpReceiver::resetSoon(QTcpSocket *socket)
{
    socket->flush(); // what was written goes out first
    QPointer<QTcpSocket> guard(socket);
    QTimer::singleShot(50, this, [guard] {
        if (guard)
            guard->abort(); // RST
    });
}

// Script::hugeBytes of body, written as the peer drains it, so neither side holds the whole body.
void HttpReceiver::streamHugeBody(HttpReply reply, const Script &script)
{
    auto headers = script.headers;
    headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/octet-stream")});
    headers.append({QByteArrayLiteral("Content-Length"), QByteArray::number(script.hugeBytes)});
    reply.sendHead(script.status, headers, script.reason);
    auto remaining = std::make_shared<qint64>(script.hugeBytes);
    QTcpSocket *socket = reply.socket();
    auto pump = [this, reply, socket, remaining]() mutable {
        while (*remaining > 0 && socket->bytesToWrite() < 256 * 1024) {
            const qint64 n = std::min<qint64>(*remaining, 64 * 1024);
            reply.sendBody(QByteArray(static_cast<int>(n), 'z'));
            *remaining -= n;
            m_hugeSent += n;
        }
    };
    connect(socket, &QTcpSocket::bytesWritten, this, pump);
    pump();
}

} // namespace sd::test
