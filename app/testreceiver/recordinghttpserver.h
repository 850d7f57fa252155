#pragma once

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>
#include <functional>
#include <memory>

class QHttpServerResponder;
class QTcpServer;

namespace sd {

// One request a loopback receiver got, as Qt HTTP Server parsed it.
struct ReceivedHttpRequest
{
    QDateTime receivedAt;
    QByteArray method;
    QByteArray path; // the request target as sent: path and query, e.g. /hook?x=1
    QList<QPair<QByteArray, QByteArray>> headers; // as sent, in order
    QByteArray body;

    QByteArray header(const QByteArray &name) const; // the first of that name, any case
};

// The answer to one request, to give now, later or never (a hang: the sender's timeout decides). Copies
// share the one answer; it goes out through QHttpServerResponder on the request's connection, and nowhere
// once the peer is gone.
class HttpReply
{
public:
    HttpReply(QHttpServerResponder &&responder);

    // The whole answer: status line, `headers`, Content-Length and `body`. An empty `reason` is Qt HTTP
    // Server's phrase for the status; another is written as given (Qt 6.4's responder has no way to).
    void send(int status, const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body,
              const QByteArray &reason = {});
    // The same in parts, for a body streamed as the peer reads it: `headers` must frame it.
    void sendHead(int status, const QList<QPair<QByteArray, QByteArray>> &headers,
                  const QByteArray &reason = {});
    void sendBody(const QByteArray &bytes);
    // The connection itself, for tests of a sender's handling of wire-level misbehaviour (resets, bytes that
    // are not HTTP, a response cut short); nullptr once it is gone.
    QTcpSocket *socket() const;

private:
    std::shared_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket; // the responder's is a plain pointer
};

// A loopback HTTP/1.1 server on Qt HTTP Server: parses each request, hands it with its reply to `handler`
// (on this object's thread) and keeps nothing itself. Serves the connections of the QTcpServer given to
// bind() (QAbstractHttpServer::bind), one request at a time per connection, keep-alive.
class RecordingHttpServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecordingHttpServer)

public:
    using Handler = std::function<void(const ReceivedHttpRequest &request, HttpReply reply)>;
    explicit RecordingHttpServer(Handler handler, QObject *parent = nullptr);
    ~RecordingHttpServer() override;

    // Serves `server`'s connections and leaves its ownership where it was (bind() would reparent it).
    void serve(QTcpServer *server);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
};

} // namespace sd
