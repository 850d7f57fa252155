#include "tests/support/httpreceiver.h"

#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>
#include <algorithm>

namespace sd::test {

HttpReceiver::HttpReceiver(QObject *parent) : QTcpServer(parent)
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

bool HttpReceiver::start(const QHostAddress &address, quint16 port) { return listen(address, port); }

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
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        m_buffers.remove(socket);
        socket->deleteLater();
    });
}

void HttpReceiver::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const int headerEnd = static_cast<int>(buffer.indexOf("\r\n\r\n"));
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        ReceivedRequest request;
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        for (int i = 1; i < lines.size(); ++i) {
            const int colon = static_cast<int>(lines.at(i).indexOf(':'));
            if (colon > 0)
                request.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
        }
        const int length = request.headers.value("content-length", "0").toInt();
        if (buffer.size() < headerEnd + 4 + length)
            return;
        request.body = buffer.mid(headerEnd + 4, length);
        request.at = QDateTime::currentDateTimeUtc();
        buffer.remove(0, headerEnd + 4 + length);
        m_requests << request;
        const Script script = m_scripts.isEmpty() ? m_default : m_scripts.dequeue();
        Q_EMIT requestReceived(request);
        if (script.delayMs > 0) {
            QPointer<QTcpSocket> guard(socket);
            QTimer::singleShot(script.delayMs, this, [this, guard, script] {
                if (guard)
                    answer(guard, script);
            });
        } else {
            answer(socket, script);
        }
    }
}

void HttpReceiver::answer(QTcpSocket *socket, const Script &script)
{
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
    default:
        break;
    }
    QByteArray head = "HTTP/1.1 " + QByteArray::number(script.status) + ' ' + script.reason + "\r\n";
    for (const auto &h : script.headers)
        head += h.first + ": " + h.second + "\r\n";
    if (script.mode == Mode::ResetMidResponse) {
        head += "Content-Length: 1000\r\n\r\n";
        socket->write(head + QByteArray(10, 'x'));
        socket->flush();
        QPointer<QTcpSocket> guard(socket);
        QTimer::singleShot(50, this, [guard] {
            if (guard)
                guard->abort(); // RST
        });
        return;
    }
    if (script.mode == Mode::HugeBody) {
        head += "Content-Type: application/octet-stream\r\nContent-Length: " + QByteArray::number(script.hugeBytes) +
                "\r\n\r\n";
        socket->write(head);
        // Stream in chunks as the peer drains them, so neither side holds the whole body.
        auto remaining = std::make_shared<qint64>(script.hugeBytes);
        auto pump = [this, socket, remaining] {
            while (*remaining > 0 && socket->bytesToWrite() < 256 * 1024) {
                const qint64 n = std::min<qint64>(*remaining, 64 * 1024);
                socket->write(QByteArray(static_cast<int>(n), 'z'));
                *remaining -= n;
                m_hugeSent += n;
            }
        };
        connect(socket, &QTcpSocket::bytesWritten, this, pump);
        pump();
        return;
    }
    head += "Content-Length: " + QByteArray::number(script.body.size()) + "\r\n\r\n";
    socket->write(head + script.body);
}

} // namespace sd::test
