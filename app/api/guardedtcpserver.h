#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace sd::api {

// Limits QtHttpServer 6.4 does not enforce itself: it buffers a whole request before dispatching it and has
// no read timeout, so a client could send a huge body or stall half-way and hold memory and a socket forever.
struct ConnectionLimits
{
    qint64 maxBodyBytes = 1024 * 1024; // larger Content-Length: 413 before the body is read
    int maxHeaderBytes = 64 * 1024;    // larger header block: 431
    int requestTimeoutMs = 30000;      // first byte of a request to its last: else 408 and close
    int idleTimeoutMs = 120000;        // keep-alive connection with nothing happening: closed
    int maxConnections = 64;           // beyond that new connections get 503 and are closed
};

// Watches each connection's request framing (header block, Content-Length) ahead of QtHttpServer and cuts off
// requests that break the limits. Its readyRead handler is connected first, so it sees bytes before the HTTP
// parser does and can stop the parser from reading a rejected request at all.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)

public:
    explicit GuardedTcpServer(ConnectionLimits limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    int openConnections() const { return m_open; }

protected:
    void incomingConnection(qintptr handle) override;

private:
    ConnectionLimits m_limits;
    int m_open = 0;
};

// One connection's framing state; a child of its socket.
class ConnectionGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

public:
    ConnectionGuard(QTcpSocket *socket, const ConnectionLimits &limits);

    // Writes a complete JSON error response, stops everyone else from reading the socket and closes it.
    static void rejectSocket(QTcpSocket *socket, int status, const QByteArray &reason,
                             const QString &message);

private:
    void onReadyRead();
    void feed(QByteArray chunk);
    bool startBody(const QByteArray &headerBlock);
    void reject(int status, const QByteArray &reason, const QString &message);
    void close();

    enum class State
    {
        Headers,
        Body,
        Rejected
    };
    QTcpSocket *m_socket;
    ConnectionLimits m_limits;
    State m_state = State::Headers;
    QByteArray m_head;
    qint64 m_remaining = 0;
    QTimer m_requestTimer;
    QTimer m_idleTimer;
};

} // namespace sd::api
