#include "app/api/guardedtcpserver.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace sd::api {
namespace {

// How long a rejected connection may keep sending (read and dropped) before it is cut: long enough for the
// peer to read our answer instead of losing it to a reset.
constexpr int kLingerMs = 2000;

QString seconds(int ms)
{
    return QString::number(ms / 1000.0, 'g', 3);
}

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c));
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v';
}

// Sends FIN once our answer is out but keeps the socket readable, so a peer that is still sending gets the
// answer and not a reset (what closing with unread input would cause).
void closeWhenSent(QTcpSocket *socket)
{
    const auto finish = [socket] {
        if (socket->bytesToWrite() > 0 || socket->state() != QAbstractSocket::ConnectedState)
            return;
#ifdef Q_OS_UNIX
        ::shutdown(static_cast<int>(socket->socketDescriptor()), SHUT_WR);
#else
        socket->disconnectFromHost();
#endif
    };
    QObject::connect(socket, &QTcpSocket::bytesWritten, socket, finish);
    finish();
}

} // namespace

GuardedTcpServer::GuardedTcpServer(ConnectionLimits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{}

GuardedTcpServer::~GuardedTcpServer()
{
    // The guards outlive this destructor's body (they go with the sockets, our children).
    for (ConnectionGuard *guard : m_guards)
        guard->m_server = nullptr;
}

void GuardedTcpServer::requestAnswered(QTcpSocket *socket)
{
    if (auto *guard = socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly))
        guard->answered();
}

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    QByteArray client = ConnectionGuard::clientKey(socket->peerAddress());
    QString refusal;
    if (!makeRoom(client, &refusal)) {
        ConnectionGuard::rejectSocket(socket, 503, QByteArrayLiteral("Service Unavailable"), refusal);
        return;
    }
    // Connects to readyRead before QtHttpServer does (it connects when it takes the pending connection).
    m_guards.push_back(new ConnectionGuard(socket, std::move(client), m_limits, this));
    addPendingConnection(socket);
}

bool GuardedTcpServer::makeRoom(const QByteArray &client, QString *refusal)
{
    const auto oldestIdle = [this](const QByteArray *of) -> ConnectionGuard * {
        ConnectionGuard *found = nullptr;
        for (ConnectionGuard *g : m_guards) {
            if (g->isIdle() && (!of || g->client() == *of) && (!found || g->idleSince() < found->idleSince()))
                found = g;
        }
        return found;
    };

    if (m_limits.maxConnectionsPerClient > 0) {
        const auto own = std::count_if(m_guards.begin(), m_guards.end(),
                                       [&client](const ConnectionGuard *g) { return g->client() == client; });
        if (own >= m_limits.maxConnectionsPerClient) {
            ConnectionGuard *idle = oldestIdle(&client);
            if (!idle) {
                *refusal = QStringLiteral("too many connections from one address: at most %1 per client, and "
                                          "none of yours is idle; finish or close one and try again")
                               .arg(m_limits.maxConnectionsPerClient);
                return false;
            }
            idle->evict();
        }
    }
    if (static_cast<int>(m_guards.size()) < m_limits.maxConnections)
        return true;
    if (ConnectionGuard *idle = oldestIdle(nullptr)) {
        idle->evict();
        return true;
    }
    // Nothing idle: cut the connection that has been waiting longest for its request (see the class comment).
    ConnectionGuard *slowest = nullptr;
    for (ConnectionGuard *g : m_guards) {
        if (!slowest || g->waitingSince() < slowest->waitingSince())
            slowest = g;
    }
    if (slowest && ConnectionGuard::now() - slowest->waitingSince() >= m_limits.evictWaitingAfterMs) {
        slowest->evict();
        return true;
    }
    *refusal = QStringLiteral("the server is busy: all %1 connections are in use; try again shortly")
                   .arg(m_limits.maxConnections);
    return false;
}

void GuardedTcpServer::release(ConnectionGuard *guard)
{
    m_guards.erase(std::remove(m_guards.begin(), m_guards.end(), guard), m_guards.end());
}

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, QByteArray client, const ConnectionLimits &limits,
                                 GuardedTcpServer *server)
    : QObject(socket)
    , m_socket(socket)
    , m_client(std::move(client))
    , m_limits(limits)
    , m_server(server)
    , m_idleSince(now())
    , m_waitingSince(m_idleSince)
{
    m_headerTimer.setSingleShot(true);
    m_headerTimer.setInterval(m_limits.headerTimeoutMs);
    m_requestTimer.setSingleShot(true);
    m_requestTimer.setInterval(m_limits.requestTimeoutMs);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_limits.idleTimeoutMs);
    connect(&m_headerTimer, &QTimer::timeout, this, &ConnectionGuard::onHeaderDeadline);
    connect(&m_requestTimer, &QTimer::timeout, this, &ConnectionGuard::onRequestDeadline);
    connect(&m_idleTimer, &QTimer::timeout, this, &ConnectionGuard::close);
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::checkIdle);
    m_headerTimer.start(); // the first request's head is due this long after connecting
}

ConnectionGuard::~ConnectionGuard()
{
    leave();
}

qint64 ConnectionGuard::now()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

QByteArray ConnectionGuard::clientKey(const QHostAddress &peer)
{
    bool v4 = false;
    const quint32 ipv4 = peer.toIPv4Address(&v4); // also unwraps ::ffff:a.b.c.d
    if (v4)
        return QHostAddress(ipv4).toString().toLatin1();
    if (peer.protocol() == QAbstractSocket::IPv6Protocol) {
        const Q_IPV6ADDR a = peer.toIPv6Address();
        return QByteArray(reinterpret_cast<const char *>(a.c), 8).toHex() + "::/64";
    }
    return peer.toString().toLatin1();
}

bool ConnectionGuard::isIdle() const
{
    // One that has not sent anything yet is not: it ages with the waiting ones, so a normal client that has
    // just connected is the youngest and not the first to go when silent attackers keep reconnecting.
    return m_phase == Phase::BetweenRequests && m_hadRequest && m_unanswered == 0 &&
           m_socket->bytesToWrite() == 0;
}

void ConnectionGuard::evict()
{
    if (m_phase == Phase::Head || m_phase == Phase::Body)
        reject(503, QByteArrayLiteral("Service Unavailable"),
               QStringLiteral("the server is full and this request had been arriving for %1 s; try again")
                   .arg(seconds(static_cast<int>(now() - m_waitingSince))));
    else
        close(); // idle, never spoke, or an answer the peer is not reading: nothing to tell
}

void ConnectionGuard::answered()
{
    if (m_unanswered > 0)
        --m_unanswered;
    // QtHttpServer stops reading at the end of the request it just handed over; what is left (a pipelined
    // request) has been framed already and must not be framed again when readyRead is re-emitted for it.
    m_seenUnread = m_socket->bytesAvailable();
    checkIdle();
}

void ConnectionGuard::onReadyRead()
{
    if (m_phase == Phase::Closed)
        return;
    const qint64 available = m_socket->bytesAvailable();
    const qint64 known = std::min(m_seenUnread, available);
    // Unless it completes a request (see answered()), QtHttpServer reads everything available.
    m_seenUnread = 0;
    if (available > known)
        feed(m_socket->peek(available).mid(known));
}

void ConnectionGuard::feed(QByteArray chunk)
{
    while (!chunk.isEmpty() && m_phase != Phase::Closed) {
        if (m_phase == Phase::Body) {
            const qint64 take = std::min<qint64>(m_remaining, chunk.size());
            m_remaining -= take;
            chunk.remove(0, take);
            if (m_remaining == 0)
                requestComplete();
            continue;
        }
        if (m_phase == Phase::BetweenRequests) {
            // The parser skips line breaks and blanks before a request line (some clients send a CRLF after
            // a body): they neither start a request nor end idleness.
            qsizetype skip = 0;
            while (skip < chunk.size() && isSpace(chunk.at(skip)))
                ++skip;
            chunk.remove(0, skip);
            if (chunk.isEmpty())
                return;
            m_phase = Phase::Head;
            m_idleTimer.stop();
            if (m_hadRequest) { // a later request: its own deadlines from its first byte
                m_waitingSince = now();
                m_headerTimer.start();
            }
            if (!m_requestTimer.isActive())
                m_requestTimer.start();
        }
        // The head ends at an empty line; CRLF and bare LF are both accepted, as the parser does.
        const qsizetype from = std::max<qsizetype>(0, m_head.size() - 2);
        m_head += chunk;
        chunk.clear();
        qsizetype end = -1; // index of the last header line's '\n'
        qsizetype rest = -1;
        for (qsizetype i = m_head.indexOf('\n', from); i >= 0; i = m_head.indexOf('\n', i + 1)) {
            qsizetype j = i + 1;
            if (j < m_head.size() && m_head.at(j) == '\r')
                ++j;
            if (j < m_head.size() && m_head.at(j) == '\n') {
                end = i;
                rest = j + 1;
                break;
            }
        }
        // The whole head counts, whether it came in one write or a thousand.
        if ((end < 0 ? m_head.size() : end + 1) > m_limits.maxHeaderBytes) {
            reject(431, QByteArrayLiteral("Request Header Fields Too Large"),
                   QStringLiteral("the request head is larger than %1 bytes").arg(m_limits.maxHeaderBytes));
            return;
        }
        if (end < 0)
            return;
        const QByteArray head = m_head.left(end + 1);
        chunk = m_head.mid(rest);
        m_head.clear();
        if (!finishHead(head))
            return;
    }
}

bool ConnectionGuard::finishHead(const QByteArray &head)
{
    // Fields as QtHttpServer's parser sees them: one per line after the request line, a line starting with
    // a blank continues the previous one. Anything it would refuse, it refuses by dropping every field
    // (Authorization included), so those are answered here with what is actually wrong.
    struct Field
    {
        QByteArray name;
        QByteArray value;
        qsizetype bytes = 0;
    };
    QList<Field> fields;
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype n = 1; n < lines.size(); ++n) {
        QByteArray line = lines.at(n);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if ((line.startsWith(' ') || line.startsWith('\t')) && !fields.isEmpty()) {
            fields.last().bytes += line.size();
            fields.last().value += ' ' + line.trimmed();
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = colon > 0 ? line.left(colon) : QByteArray();
        if (name.isEmpty() || !std::all_of(name.begin(), name.end(), isTokenChar)) {
            reject(400, QByteArrayLiteral("Bad Request"),
                   QStringLiteral("header line %1 is not \"Name: value\"").arg(n + 1));
            return false;
        }
        fields.append(Field{name.toLower(), line.mid(colon + 1).trimmed(), line.size()});
        if (fields.size() > m_limits.maxHeaderFields) {
            reject(
                431, QByteArrayLiteral("Request Header Fields Too Large"),
                QStringLiteral("the request has more than %1 header fields").arg(m_limits.maxHeaderFields));
            return false;
        }
    }
    qint64 length = 0;
    bool haveLength = false;
    for (const Field &field : std::as_const(fields)) {
        if (field.bytes > m_limits.maxHeaderFieldBytes) {
            reject(431, QByteArrayLiteral("Request Header Fields Too Large"),
                   QStringLiteral("header field \"%1\" is %2 bytes; the limit is %3")
                       .arg(QString::fromLatin1(field.name))
                       .arg(field.bytes)
                       .arg(m_limits.maxHeaderFieldBytes));
            return false;
        }
        if (field.name == "transfer-encoding") {
            reject(411, QByteArrayLiteral("Length Required"),
                   QStringLiteral("chunked request bodies are not accepted; send Content-Length"));
            return false;
        }
        if (field.name == "content-length") {
            bool ok = false;
            const qint64 n = field.value.toLongLong(&ok);
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
    m_headerTimer.stop();
    m_remaining = length;
    if (length > 0)
        m_phase = Phase::Body;
    else
        requestComplete();
    return true;
}

void ConnectionGuard::requestComplete()
{
    m_phase = Phase::BetweenRequests;
    m_hadRequest = true;
    ++m_unanswered;
}

void ConnectionGuard::checkIdle()
{
    if (m_phase != Phase::BetweenRequests || m_unanswered > 0 || m_socket->bytesToWrite() > 0 ||
        m_idleTimer.isActive())
        return;
    if (!m_hadRequest)
        return; // never sent a request: still within its first header deadline
    m_requestTimer.stop();
    m_headerTimer.stop();
    m_idleSince = now();
    m_idleTimer.start();
}

void ConnectionGuard::onHeaderDeadline()
{
    if (m_phase == Phase::Head)
        reject(408, QByteArrayLiteral("Request Timeout"),
               QStringLiteral("the request head did not arrive within %1 s")
                   .arg(seconds(m_limits.headerTimeoutMs)));
    else if (m_phase == Phase::BetweenRequests && m_unanswered == 0)
        close(); // connected (perhaps sent blank lines) and never asked anything: nothing to answer
}

void ConnectionGuard::onRequestDeadline()
{
    if (m_phase == Phase::Head || m_phase == Phase::Body)
        reject(408, QByteArrayLiteral("Request Timeout"),
               QStringLiteral("the request was not complete within %1 s")
                   .arg(seconds(m_limits.requestTimeoutMs)));
    else if (m_phase == Phase::BetweenRequests)
        close(); // complete, but its answer is still not out (a peer that does not read)
}

void ConnectionGuard::rejectSocket(QTcpSocket *socket, int status, const QByteArray &reason,
                                   const QString &message)
{
    // Nobody else reads this connection again: QtHttpServer's readyRead handler is connected after ours and
    // is skipped for the signal being emitted now once disconnected. What still arrives is dropped.
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    QObject::connect(socket, &QTcpSocket::readyRead, socket,
                     [socket] { socket->skip(socket->bytesAvailable()); });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("message"), message}, {QStringLiteral("error"), message}})
            .toJson(QJsonDocument::Compact); // the API's error shape (ApiResponse::error)
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
                  "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
                  (status == 503 ? "\r\nRetry-After: 1" : "") + "\r\nConnection: close\r\n\r\n" + body);
    closeWhenSent(socket);
    // A peer that never reads our answer, or never stops sending, does not keep the socket either.
    QTimer::singleShot(kLingerMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

void ConnectionGuard::reject(int status, const QByteArray &reason, const QString &message)
{
    const bool answerOwed = m_unanswered > 0; // pipelined requests still to be answered come first
    leave();
    m_phase = Phase::Closed;
    m_head.clear();
    m_headerTimer.stop();
    m_requestTimer.stop();
    m_idleTimer.stop();
    if (answerOwed) {
        QObject::disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        m_socket->abort();
        m_socket->deleteLater();
        return;
    }
    rejectSocket(m_socket, status, reason, message);
}

void ConnectionGuard::close()
{
    leave();
    m_phase = Phase::Closed;
    m_headerTimer.stop();
    m_requestTimer.stop();
    m_idleTimer.stop();
    m_socket->abort();
    m_socket->deleteLater();
}

void ConnectionGuard::leave()
{
    if (m_server) {
        m_server->release(this);
        m_server = nullptr;
    }
}

} // namespace sd::api
