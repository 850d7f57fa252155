#include "app/api/connectionguard.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <QTimerEvent>
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

QString seconds(qint64 ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'g', 3);
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

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, QByteArray client, bool viaProxy,
                                 ConnectionLimits limits, GuardedTcpServer *server)
    : QObject(socket)
    , m_socket(socket)
    , m_client(std::move(client))
    , m_viaProxy(viaProxy)
    , m_limits(std::move(limits))
    , m_server(server)
    , m_waitingSince(now())
{
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::checkIdle);
    m_headerDue = m_waitingSince + m_limits.headerTimeoutMs; // the first request's head is due this soon
    arm();
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

void ConnectionGuard::arm()
{
    qint64 due = 0;
    for (const qint64 d : {m_headerDue, m_requestDue, m_idleDue}) {
        if (d > 0 && (due == 0 || d < due))
            due = d;
    }
    if (due == 0) {
        m_timer.stop();
        return;
    }
    // Coarse: a deadline may fire a few percent late, and the event dispatcher can batch thousands of them.
    m_timer.start(static_cast<int>(std::max<qint64>(0, due - now())), Qt::CoarseTimer, this);
}

void ConnectionGuard::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    m_timer.stop();
    const qint64 t = now();
    if (m_idleDue > 0 && t >= m_idleDue)
        return close();
    if (m_headerDue > 0 && t >= m_headerDue) {
        m_headerDue = 0;
        onHeaderDeadline();
    }
    if (m_phase != Phase::Closed && m_requestDue > 0 && t >= m_requestDue) {
        m_requestDue = 0;
        onRequestDeadline();
    }
    if (m_phase != Phase::Closed)
        arm();
}

void ConnectionGuard::evict()
{
    if (m_phase == Phase::Head || m_phase == Phase::Body)
        reject(503, QByteArrayLiteral("Service Unavailable"),
               QStringLiteral("the server is full and this request had been arriving for %1 s; try again")
                   .arg(seconds(now() - m_waitingSince)));
    else
        close(); // silent: nothing to tell
}

void ConnectionGuard::answered()
{
    if (m_unanswered > 0)
        --m_unanswered;
    if (!m_requestClients.empty())
        m_requestClients.pop_front();
    // QtHttpServer stops reading at the end of the request it just handed over; what is left (a pipelined
    // request) has been framed already and must not be framed again when readyRead is re-emitted for it.
    m_seenUnread = m_socket->bytesAvailable();
    // A pipelined request behind it that is still arriving may be evicted again, like any arriving one.
    if (m_server && m_unanswered == 0 && (m_phase == Phase::Head || m_phase == Phase::Body))
        m_server->move(this, GuardedTcpServer::Queue::Waiting);
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
            // a body): they neither start a request nor end silence.
            qsizetype skip = 0;
            while (skip < chunk.size() && isSpace(chunk.at(skip)))
                ++skip;
            chunk.remove(0, skip);
            if (chunk.isEmpty())
                return;
            m_phase = Phase::Head;
            m_idleDue = 0;
            m_waitingSince = now();
            if (m_hadRequest) // a later request: its own header deadline from its first byte
                m_headerDue = m_waitingSince + m_limits.headerTimeoutMs;
            if (m_requestDue == 0)
                m_requestDue = m_waitingSince + m_limits.requestTimeoutMs;
            arm();
            if (m_server && m_unanswered == 0)
                m_server->move(this, GuardedTcpServer::Queue::Waiting);
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
    QByteArray forwardedFor;
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
        if (field.name == "x-forwarded-for") // several fields are one list, in order
            forwardedFor += (forwardedFor.isEmpty() ? "" : ",") + field.value;
    }
    if (length > m_limits.maxBodyBytes) {
        reject(413, QByteArrayLiteral("Payload Too Large"),
               QStringLiteral("request body is %1 bytes; the limit is %2")
                   .arg(length)
                   .arg(m_limits.maxBodyBytes));
        return false;
    }
    m_headerDue = 0;
    arm();
    // Behind a trusted proxy this request is its forwarded client's, for the per-client limits and for the
    // handlers (GuardedTcpServer::clientOf()).
    QByteArray client = m_client;
    if (m_viaProxy) {
        client = forwardedClient(forwardedFor);
        if (m_server)
            m_server->rekey(this, client);
    }
    m_requestClients.push_back(client);
    m_remaining = length;
    if (length > 0)
        m_phase = Phase::Body;
    else
        requestComplete();
    return true;
}

QByteArray ConnectionGuard::forwardedClient(const QByteArray &forwardedFor) const
{
    // Each proxy appends the address it saw: the last one that is not a trusted proxy is the client. Without
    // a usable one the request stays the proxy's.
    const QList<QByteArray> hops = forwardedFor.split(',');
    for (auto it = hops.crbegin(); it != hops.crend(); ++it) {
        QByteArray hop = it->trimmed();
        if (hop.startsWith('[') && hop.contains(']'))
            hop = hop.mid(1, hop.indexOf(']') - 1);
        else if (hop.count(':') == 1)
            hop = hop.left(hop.indexOf(':')); // a.b.c.d:port
        const QHostAddress address(QString::fromLatin1(hop));
        if (address.isNull())
            break;
        if (!m_limits.trustedProxies.contains(address))
            return GuardedTcpServer::clientKey(address);
    }
    return m_client;
}

void ConnectionGuard::requestComplete()
{
    m_phase = Phase::BetweenRequests;
    m_hadRequest = true;
    ++m_unanswered;
    if (m_server)
        m_server->move(this, GuardedTcpServer::Queue::None); // has a complete request: never evicted
}

void ConnectionGuard::checkIdle()
{
    if (m_phase != Phase::BetweenRequests || m_unanswered > 0 || m_socket->bytesToWrite() > 0 ||
        m_idleDue > 0 || !m_hadRequest)
        return; // (never sent a request: still within its first header deadline, and silent already)
    m_requestDue = 0;
    m_headerDue = 0;
    m_idleDue = now() + m_limits.idleTimeoutMs;
    arm();
    if (m_server)
        m_server->move(this, GuardedTcpServer::Queue::Silent);
}

void ConnectionGuard::onHeaderDeadline()
{
    if (m_phase == Phase::Head)
        reject(408, QByteArrayLiteral("Request Timeout"),
               QStringLiteral("the request head did not arrive within %1 s")
                   .arg(seconds(m_limits.headerTimeoutMs)));
    else if (m_phase == Phase::BetweenRequests && m_unanswered == 0 && !m_hadRequest)
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
    m_timer.stop();
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
    m_timer.stop();
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
