#pragma once

#include "app/delivery/httpresponseparser.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <memory>

class QTcpSocket;

namespace sd {

class HttpContentDecoder;

// Where requests go: the scheme, the host name as written in the endpoint (ASCII form; the TLS peer name and
// the Host header) and the port. Connections are pooled per origin.
struct HttpOrigin
{
    bool tls = false;
    QString host;
    quint16 port = 0;
    QString key() const;
};

// One response, or why there is none. errorClass is empty when a complete response was read (any status).
struct HttpResponse
{
    int status = 0;
    QByteArray reasonPhrase;
    HttpResponseParser::Headers headers;
    QByteArray body;          // decoded, at most maxBody bytes
    qint64 bytesReceived = 0; // the whole decoded body, including what was dropped
    bool keepAlive = false;
    QString errorClass; // dns, refused, reset, tls, unreachable, protocol
    QString errorText;
};

// One HTTP/1.1 connection (QTcpSocket, or QSslSocket with ALPN http/1.1) that carries one exchange at a time.
// It connects to the addresses it is given, literally (they were checked by the target policy; no second
// lookup), trying the next only while nothing has been sent. A request is written exactly once: if the
// connection dies before the answer is complete the exchange fails (`reset`), it is never sent again.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(HttpOrigin origin, QList<QHostAddress> addresses, QObject *parent = nullptr);
    ~HttpConnection() override;

    // Writes `request` (head and body) once connected, reads the answer, emits finished() once.
    void exchange(QByteArray request, int maxBody);
    // Drops the socket at once (no finished()).
    void abort();
    // Connected, idle, and nothing unexpected has arrived since the last answer.
    bool reusable() const;
    int exchanges() const { return m_exchanges; }
    const HttpOrigin &origin() const { return m_origin; }
    qint64 idleMs() const { return m_idleSince.isValid() ? m_idleSince.elapsed() : 0; }

Q_SIGNALS:
    void finished(const sd::HttpResponse &response);
    // The peer closed (or broke) the connection while no exchange was running.
    void closedWhileIdle();

private:
    void connectNext();
    void onConnected();
    void onReadyRead();
    void onSocketError(int socketError);
    bool consume(const QByteArray &bytes);
    void complete();
    void failExchange(const QString &errorClass, const QString &text);

    HttpOrigin m_origin;
    QList<QHostAddress> m_addresses;
    int m_nextAddress = 0;
    QTcpSocket *m_socket = nullptr; // child
    bool m_connected = false;
    bool m_dead = false;
    // The exchange under way.
    bool m_busy = false;
    bool m_written = false;
    QByteArray m_request;
    int m_maxBody = 0;
    std::unique_ptr<HttpResponseParser> m_parser;
    std::unique_ptr<HttpContentDecoder> m_decoder;
    HttpResponse m_response;
    int m_exchanges = 0;
    QElapsedTimer m_idleSince;
};

// Names a socket failure: dns, refused, reset, tls, timeout, unreachable.
QString errorClassForSocket(int socketError);

} // namespace sd

Q_DECLARE_METATYPE(sd::HttpResponse)
