#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpServer>
#include <QTimer>
#include <vector>

class QTcpSocket;

namespace sd::api {

// Limits QtHttpServer 6.4 does not enforce itself: it buffers a whole request before dispatching it, has no
// read timeout and no connection limit, and silently drops every header of a request with more than 100 (or
// one longer than 8 KiB). docs/api.md ("Limits") lists each one.
struct ConnectionLimits
{
    qint64 maxBodyBytes = 1024 * 1024;  // larger Content-Length: 413 before the body is read
    int maxHeaderBytes = 64 * 1024;     // request line and header fields together, however they arrive: 431
    int maxHeaderFields = 100;          // more: 431 (QtHttpServer would drop them all); at most 100
    int maxHeaderFieldBytes = 8 * 1024; // one field, name to last byte of its value: 431; at most 8 KiB
    int headerTimeoutMs = 10000;      // connect (or a later request's first byte) to the end of its head: 408
    int requestTimeoutMs = 30000;     // a request's first byte to its last: 408
    int idleTimeoutMs = 30000;        // keep-alive connection between requests: closed
    int maxConnections = 64;          // full: the oldest idle one is closed for a newcomer (see makeRoom)
    int maxConnectionsPerClient = 16; // per remote address (IPv6: per /64)
    int evictWaitingAfterMs = 0;      // full, nothing idle: the oldest waiting one is cut once this old
};

class ConnectionGuard;

// Admits connections within the limits and watches each one through a ConnectionGuard ahead of
// QtHttpServer. When the server is full a newcomer is not simply refused, or a few silent or slow clients
// would lock everyone else out: the oldest idle keep-alive connection makes room, else the connection that
// has been waiting longest for its request to arrive (silent since connecting, or dripping one). Oldest
// first, with no grace period: an attacker reconnecting as fast as it is cut only displaces itself, while a
// normal request, whose bytes follow its connect at once, is the newest and is answered long before 64
// others arrive. A client at its own limit only ever displaces its own idle connections.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)

public:
    explicit GuardedTcpServer(ConnectionLimits limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    int openConnections() const { return static_cast<int>(m_guards.size()); }

    // The HTTP front end answered a request that arrived on `socket` (see ConnectionGuard::answered()).
    static void requestAnswered(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr handle) override;

private:
    friend class ConnectionGuard;
    bool makeRoom(const QByteArray &client, QString *refusal);
    void release(ConnectionGuard *guard);

    ConnectionLimits m_limits;
    std::vector<ConnectionGuard *> m_guards; // every admitted connection still holding a slot
};

// One connection's framing and deadlines; a child of its socket. Its readyRead handler is connected before
// QtHttpServer's, so it sees bytes before the HTTP parser does and can stop the parser from reading a
// rejected request at all.
class ConnectionGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

public:
    ConnectionGuard(QTcpSocket *socket, QByteArray client, const ConnectionLimits &limits,
                    GuardedTcpServer *server);
    ~ConnectionGuard() override;

    const QByteArray &client() const { return m_client; }
    // Between requests: every request received was answered and the answer sent.
    bool isIdle() const;
    qint64 idleSince() const { return m_idleSince; }       // steady ms: when the last answer was sent
    qint64 waitingSince() const { return m_waitingSince; } // connected, or the current request's first byte
    // Closes the connection to make room: silently when idle, with a 503 when a request was arriving.
    void evict();
    // QtHttpServer handed a complete request to the front end (called from inside its readyRead handler).
    void answered();

    // Writes a complete JSON error response, stops everyone else from reading the socket and closes it once
    // the peer has had the chance to read the answer.
    static void rejectSocket(QTcpSocket *socket, int status, const QByteArray &reason,
                             const QString &message);
    static qint64 now();
    // Who a peer is for the per-client limit: its address; for IPv6 its /64, which one host usually has.
    static QByteArray clientKey(const QHostAddress &peer);

private:
    friend class GuardedTcpServer; // detaches the guards when it goes first
    enum class Phase
    {
        BetweenRequests, // nothing of the next request yet
        Head,            // request line and header fields arriving
        Body,            // m_remaining body bytes to come
        Closed           // rejected, evicted or timed out; no longer holds a slot
    };

    void onReadyRead();
    void feed(QByteArray chunk);
    bool finishHead(const QByteArray &head);
    void requestComplete();
    void checkIdle();
    void reject(int status, const QByteArray &reason, const QString &message);
    void close();
    void leave();
    void onHeaderDeadline();
    void onRequestDeadline();

    QTcpSocket *m_socket;
    QByteArray m_client;
    ConnectionLimits m_limits;
    GuardedTcpServer *m_server; // null once the slot is released
    Phase m_phase = Phase::BetweenRequests;
    QByteArray m_head;
    qint64 m_remaining = 0;
    bool m_hadRequest = false; // a complete request arrived on this connection
    int m_unanswered = 0;      // complete requests QtHttpServer has not handed to the front end yet
    qint64 m_seenUnread = 0;   // bytes at the front of the socket buffer this guard has already framed
    qint64 m_idleSince = 0;
    qint64 m_waitingSince = 0;
    QTimer m_headerTimer;
    QTimer m_requestTimer;
    QTimer m_idleTimer;
};

} // namespace sd::api
