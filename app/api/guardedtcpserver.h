#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QTcpServer>
#include <list>

class QTcpSocket;

namespace sd::api {

// Limits QtHttpServer 6.4 does not enforce itself: it buffers a whole request before dispatching it, has no
// read timeout and no connection limit, and silently drops every header of a request with more than 100 (or
// one longer than 8 KiB). docs/api.md ("Limits") lists each one; `serve` takes most of them as options.
struct ConnectionLimits
{
    qint64 maxBodyBytes = 1024 * 1024;  // larger Content-Length: 413 before the body is read
    int maxHeaderBytes = 64 * 1024;     // request line and header fields together, however they arrive: 431
    int maxHeaderFields = 100;          // more: 431 (QtHttpServer would drop them all); at most 100
    int maxHeaderFieldBytes = 8 * 1024; // one field, name to last byte of its value: 431; at most 8 KiB
    int headerTimeoutMs = 10000;  // connect (or a later request's first byte) to the end of its head: 408
    int requestTimeoutMs = 30000; // a request's first byte to its last: 408
    int idleTimeoutMs = 30000;    // keep-alive connection between requests: closed
    int maxConnections = 4096;    // full: the oldest silent connection makes room (see makeRoom)
    int maxConnectionsPerClient = 256; // per client; at its cap a client's own oldest silent one makes room
    int evictWaitingAfterMs = 0;       // nothing silent: the oldest half-arrived request is cut once this old
    // Peers (a local reverse proxy) whose X-Forwarded-For names the client: its last address that is not one
    // of these. Others' X-Forwarded-For is ignored.
    QList<QHostAddress> trustedProxies;
};

class ConnectionGuard;

// Admits connections within the limits and watches each one through a ConnectionGuard ahead of
// QtHttpServer. Nothing is refused while something can make room, or a few silent or slow clients would lock
// everyone else out (on loopback every local process is one client, 127.0.0.1): a connection that is silent
// (connected and never spoke, or idle between requests) is closed to admit a newcomer, oldest first, then one
// whose request is still arriving (oldest first, 503); one that has sent a complete request is never cut. A
// client at its own cap only ever displaces its own connections. Oldest first, with no grace period: an
// attacker reconnecting as fast as it is cut only displaces itself, while a normal request, whose bytes
// follow its connect at once, is the newest and is answered long before a cap's worth of others arrive.
// Silent and waiting connections sit in lists in the order they became so, so every choice is O(1) however
// many thousands are held.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)

public:
    explicit GuardedTcpServer(ConnectionLimits limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    int openConnections() const { return m_open; }
    int openConnections(const QByteArray &client) const;

    // The HTTP front end answered a request that arrived on `socket` (see ConnectionGuard::answered()).
    static void requestAnswered(QTcpSocket *socket);
    // Who sent the request QtHttpServer is handing over on `socket`: the peer's address (IPv6: its /64), or
    // behind a trusted proxy the address its X-Forwarded-For names. Empty for a socket we do not guard.
    static QByteArray clientOf(QTcpSocket *socket);
    // The key of a peer address for the per-client limits: its address; for IPv6 its /64, which one host
    // usually has.
    static QByteArray clientKey(const QHostAddress &peer);

protected:
    void incomingConnection(qintptr handle) override;

private:
    friend class ConnectionGuard;
    enum class Queue
    {
        None,    // a complete request is being answered: never evicted
        Silent,  // never spoke, or idle between requests
        Waiting, // a request is arriving
    };
    struct Lists
    {
        std::list<ConnectionGuard *> silent;
        std::list<ConnectionGuard *> waiting;
        std::list<ConnectionGuard *> &of(Queue q) { return q == Queue::Silent ? silent : waiting; }
    };
    struct Client
    {
        int count = 0;
        Lists lists;
    };

    bool isTrustedProxy(const QHostAddress &peer) const;
    bool makeRoom(const QByteArray &client, QString *refusal);
    ConnectionGuard *evictable(Lists &lists) const;
    // Bookkeeping the guards report to.
    void admit(ConnectionGuard *guard);
    void move(ConnectionGuard *guard, Queue to);
    void rekey(ConnectionGuard *guard, const QByteArray &client);
    void release(ConnectionGuard *guard);

    ConnectionLimits m_limits;
    int m_open = 0;
    Lists m_all;
    QHash<QByteArray, Client> m_clients;
};

} // namespace sd::api
