#include "app/testreceiver/testreceiver.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

namespace sd {

QByteArray TestReceiver::Request::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

TestReceiver::TestReceiver(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &TestReceiver::onNewConnection);
}

TestReceiver::~TestReceiver() = default;

bool TestReceiver::listen(quint16 port)
{
    return m_server->listen(QHostAddress::LocalHost, port);
}

quint16 TestReceiver::port() const
{
    return m_server->serverPort();
}

QString TestReceiver::url(const QString &path) const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path);
}

void TestReceiver::setMode(Mode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    Q_EMIT modeChanged(mode);
}

void TestReceiver::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void TestReceiver::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    // Several requests may arrive on one keep-alive connection; answer each complete one in order.
    for (;;) {
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        Request req;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        req.method = requestLine.value(0);
        req.path = requestLine.value(1);
        qsizetype contentLength = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = lines[i].left(colon).trimmed();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                contentLength = value.toLongLong();
            req.headers.append({name, value});
        }
        if (buffer.size() < headerEnd + 4 + contentLength)
            return; // body not complete yet
        req.body = buffer.mid(headerEnd + 4, contentLength);
        buffer.remove(0, headerEnd + 4 + contentLength);
        req.receivedAt = QDateTime::currentDateTimeUtc();

        QByteArray status;
        switch (m_mode) {
        case Mode::Accept:
            req.answeredStatus = 200;
            status = "200 OK";
            break;
        case Mode::Fail500:
            req.answeredStatus = 500;
            status = "500 Internal Server Error";
            break;
        case Mode::Hang:
            break; // never answer: the sender's timeout decides
        }
        if (!status.isEmpty()) {
            const QByteArray body = req.answeredStatus == 200
                                        ? QByteArray("{\"ok\":true}")
                                        : QByteArray("{\"error\":\"test receiver told to fail\"}");
            socket->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
                          QByteArray::number(body.size()) + "\r\nConnection: keep-alive\r\n\r\n" + body);
        }
        m_requests.append(std::move(req));
        if (m_requests.size() > kMaxKept)
            m_requests.removeFirst();
        ++m_count;
        Q_EMIT requestReceived(m_count);
    }
}

} // namespace sd
