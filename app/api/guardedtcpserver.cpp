#include "guardedtcpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace sd::api {

GuardedTcpServer::GuardedTcpServer(ConnectionLimits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{}

GuardedTcpServer::~GuardedTcpServer() = default;

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    if (m_open >= m_limits.maxConnections) {
        ConnectionGuard::rejectSocket(socket, 503, QByteArrayLiteral("Service Unavailable"),
                                      QStringLiteral("too many open connections; try again shortly"));
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        return;
    }
    ++m_open;
    connect(socket, &QObject::destroyed, this, [this] { --m_open; });
    new ConnectionGuard(socket, m_limits); // connects to readyRead before QtHttpServer does
    addPendingConnection(socket);
}

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, const ConnectionLimits &limits)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
{
    m_requestTimer.setSingleShot(true);
    m_requestTimer.setInterval(m_limits.requestTimeoutMs);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_limits.idleTimeoutMs);
    connect(&m_requestTimer, &QTimer::timeout, this, [this] {
        reject(
            408, QByteArrayLiteral("Request Timeout"),
            QStringLiteral("the request was not complete within %1 s").arg(m_limits.requestTimeoutMs / 1000));
    });
    connect(&m_idleTimer, &QTimer::timeout, this, &ConnectionGuard::close);
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_state != State::Rejected)
            m_idleTimer.start();
    });
    m_idleTimer.start();
}

void ConnectionGuard::onReadyRead()
{
    if (m_state == State::Rejected)
        return;
    m_idleTimer.start();
    // QtHttpServer reads everything on each readyRead, so what is available now is exactly the new bytes.
    feed(m_socket->peek(m_socket->bytesAvailable()));
}

void ConnectionGuard::feed(QByteArray chunk)
{
    while (!chunk.isEmpty() && m_state != State::Rejected) {
        if (m_state == State::Body) {
            const qint64 take = std::min<qint64>(m_remaining, chunk.size());
            m_remaining -= take;
            chunk.remove(0, take);
            if (m_remaining == 0) {
                m_state = State::Headers;
                m_requestTimer.stop();
            }
            continue;
        }
        if (m_head.isEmpty() && !m_requestTimer.isActive())
            m_requestTimer.start();
        m_head += chunk;
        chunk.clear();
        // http_parser accepts bare LF line ends too, so look for both terminators.
        qsizetype end = m_head.indexOf("\r\n\r\n");
        qsizetype skip = 4;
        const qsizetype lf = m_head.indexOf("\n\n");
        if (lf >= 0 && (end < 0 || lf < end)) {
            end = lf;
            skip = 2;
        }
        if (end < 0) {
            if (m_head.size() > m_limits.maxHeaderBytes)
                reject(
                    431, QByteArrayLiteral("Request Header Fields Too Large"),
                    QStringLiteral("request headers are larger than %1 bytes").arg(m_limits.maxHeaderBytes));
            return;
        }
        const QByteArray block = m_head.left(end);
        chunk = m_head.mid(end + skip);
        m_head.clear();
        if (block.trimmed().isEmpty())
            continue; // stray line breaks between requests
        if (!startBody(block))
            return;
    }
}

bool ConnectionGuard::startBody(const QByteArray &headerBlock)
{
    qint64 length = 0;
    bool haveLength = false;
    const QList<QByteArray> lines = headerBlock.split('\n');
    for (const QByteArray &raw : lines) {
        const QByteArray line = raw.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "transfer-encoding") {
            reject(411, QByteArrayLiteral("Length Required"),
                   QStringLiteral("chunked request bodies are not accepted; send Content-Length"));
            return false;
        }
        if (name == "content-length") {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            if (!ok || n < 0 || (haveLength && n != length)) {
                reject(400, QByteArrayLiteral("Bad Request"), QStringLiteral("invalid Content-Length"));
                return false;
            }
            length = n;
            haveLength = true;
        }
    }
    if (length > m_limits.maxBodyBytes) {
        reject(413, QByteArrayLiteral("Payload Too Large"),
               QStringLiteral("request body is %1 bytes; the limit is %2")
                   .arg(length)
                   .arg(m_limits.maxBodyBytes));
        return false;
    }
    m_remaining = length;
    if (length == 0) {
        m_requestTimer.stop();
    } else {
        m_state = State::Body;
    }
    return true;
}

void ConnectionGuard::rejectSocket(QTcpSocket *socket, int status, const QByteArray &reason,
                                   const QString &message)
{
    // Nobody else reads this connection again: QtHttpServer's readyRead handler is connected after ours and
    // is skipped for the signal being emitted now once disconnected.
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
                  "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
                  "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

void ConnectionGuard::reject(int status, const QByteArray &reason, const QString &message)
{
    m_state = State::Rejected;
    m_head.clear();
    m_requestTimer.stop();
    rejectSocket(m_socket, status, reason, message);
    // A client that never reads our answer must not keep the socket either.
    m_idleTimer.setInterval(5000);
    m_idleTimer.start();
}

void ConnectionGuard::close()
{
    m_requestTimer.stop();
    m_socket->abort();
    m_socket->deleteLater();
}

} // namespace sd::api
