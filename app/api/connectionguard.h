#pragma once

#include "app/api/guardedtcpserver.h"

#include <QBasicTimer>
#include <QByteArray>
#include <QObject>
#include <deque>
#include <list>

class QTcpSocket;

namespace sd::api {

// One connection's framing and deadlines; a child of its socket. Its readyRead handler is connected before
// QtHttpServer's, so it sees bytes before the HTTP parser does and can stop the parser from reading a
// rejected request at all. One QBasicTimer carries whichever deadline is next, so a held connection costs a
// socket, this object and a list entry.
class ConnectionGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

public:
    ConnectionGuard(QTcpSocket *socket, QByteArray client, bool viaProxy, ConnectionLimits limits,
                    GuardedTcpServer *server);
    ~ConnectionGuard() override;

    const QByteArray &client() const { return m_client; }
    bool viaProxy() const { return m_viaProxy; }
    qint64 waitingSince() const { return m_waitingSince; } // the current request's first byte
    // Closes the connection to make room: silently when silent, with a 503 when a request was arriving.
    void evict();
    // QtHttpServer handed a complete request to the front end (called from inside its readyRead handler).
    void answered();
    // Who sent the request being answered (see GuardedTcpServer::clientOf()).
    QByteArray requestClient() const
    {
        return m_requestClients.empty() ? m_client : m_requestClients.front();
    }

    // Writes a complete JSON error response, stops everyone else from reading the socket and closes it once
    // the peer has had the chance to read the answer.
    static void rejectSocket(QTcpSocket *socket, int status, const QByteArray &reason,
                             const QString &message);
    static qint64 now();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    friend class GuardedTcpServer; // keeps its list positions here, and detaches the guards when it goes
                                   // first
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
    QByteArray forwardedClient(const QByteArray &forwardedFor) const;
    void requestComplete();
    void checkIdle();
    void reject(int status, const QByteArray &reason, const QString &message);
    void close();
    void leave();
    void arm();
    void onHeaderDeadline();
    void onRequestDeadline();

    QTcpSocket *m_socket;
    QByteArray m_client;
    bool m_viaProxy;
    ConnectionLimits m_limits;  // a copy: a guard may outlive its server while the sockets go
    GuardedTcpServer *m_server; // null once the slot is released
    Phase m_phase = Phase::BetweenRequests;
    QByteArray m_head;
    qint64 m_remaining = 0;
    bool m_hadRequest = false;               // a complete request arrived on this connection
    int m_unanswered = 0;                    // complete requests QtHttpServer has not handed over yet
    std::deque<QByteArray> m_requestClients; // their clients, in order
    qint64 m_seenUnread = 0;                 // bytes at the front of the socket buffer already framed
    qint64 m_waitingSince = 0;
    // Deadlines in steady ms, 0 when not running; m_timer fires at the earliest.
    qint64 m_headerDue = 0;
    qint64 m_requestDue = 0;
    qint64 m_idleDue = 0;
    QBasicTimer m_timer;
    // Where the server keeps this guard in its eviction lists.
    GuardedTcpServer::Queue m_queue = GuardedTcpServer::Queue::None;
    std::list<ConnectionGuard *>::iterator m_allIt;
    std::list<ConnectionGuard *>::iterator m_clientIt;
};

} // namespace sd::api
