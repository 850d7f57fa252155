#pragma once

#include "app/delivery/deadlinequeue.h"
#include "app/delivery/httptransport.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <optional>

class QNetworkReply;

namespace sd {

// What one exchange came to: an answer (any status), or why there is none.
struct HttpOutcome
{
    int status = 0; // 0 when no complete answer came
    QByteArray reasonPhrase;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;          // decoded, at most maxBody bytes
    qint64 bytesReceived = 0; // the whole decoded body, including what was dropped
    // Empty when a complete answer came; else policy, dns, refused, reset, tls, timeout, unreachable or
    // protocol, with a reason in errorText.
    QString errorClass;
    QString errorText;
    QString note;      // how it got there, when it was not straightforward (an address that did not connect)
    bool sent = false; // the request went out completely (once: it is never sent again)
    QDateTime startedAt;
    QDateTime endedAt;
    qint64 durationMs = 0;
};

// One HTTP request as a job (KDE Attica's shape: start() is deferred, finished() comes once with a plain
// value, then the job deletes itself). It routes the URL through the HttpTransport (target policy, proxy),
// sends the request over a QNetworkReply, keeps at most maxBody bytes of the answer and ends at its own
// deadline, which covers everything from the name lookup to the last byte.
//
// A request with a body goes out at most once: Qt 6.4 re-sends a request when its connection closes early,
// for a 401/407 challenge or a 307/308 redirect, each time by rewinding the body; the body here is a
// sequential device that cannot rewind (with its Content-Length given and Qt told not to buffer it), so a
// re-send after the request went out ends as ContentReSendError and is reported, not repeated. A request
// that had not gone out completely (a kept-alive connection found closed first) is sent again on another
// connection: the receiver cannot have read it. When a direct route has several addresses, one that refuses
// or does not connect within connectTimeoutMs is left for the next, within the same deadline.
class HttpExchange final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpExchange)

public:
    struct Request
    {
        QByteArray method = "POST";
        QUrl url; // user name and password in it are not sent (give an Authorization header)
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
    };
    struct Options
    {
        qint64 deadlineMs = 30'000;
        int maxBody = 20'000;
        qint64 connectTimeoutMs = 5'000;
        // The clock for the deadline and the connect timeout: one precise timer for many exchanges (the
        // delivery engine's). Without one the exchange makes its own.
        DeadlineQueue *deadlines = nullptr;
    };

    HttpExchange(HttpTransport *transport, Request request, Options options, QObject *parent = nullptr);
    ~HttpExchange() override;

    void start(); // returns at once; finished() follows from the event loop
    // The same over a route the caller already has from HttpTransport::route() (one lookup for several
    // requests, say); its URL's path and query are replaced by the request's.
    void start(const Route &route);
    void abort(); // stops without finished()

Q_SIGNALS:
    void finished(const sd::HttpOutcome &outcome);

private:
    void begin(std::optional<Route> route);
    void onRouted(const Route &route);
    void send();
    void readBody();
    void onStartedConnecting();
    void onRequestSent();
    void onConnectTimeout();
    void onReplyFinished();
    void expire();
    void dropReply();
    void complete();
    void fail(const QString &errorClass, const QString &reason);
    void finish();

    HttpTransport *m_transport;
    Request m_request;
    Options m_options;
    Route m_route;
    int m_address = 0;
    int m_resends = 0; // requests re-sent because they had not gone out
    QPointer<QNetworkReply> m_reply;
    bool m_sent = false;
    bool m_newConnection = false; // Qt opened a connection for this request (else it reused a kept-alive one)
    bool m_done = false;
    QPointer<DeadlineQueue> m_deadlines; // Options::deadlines, or our own
    DeadlineQueue::Id m_deadline = 0;
    DeadlineQueue::Id m_connectTimer = 0;
    QStringList m_notes;
    HttpOutcome m_outcome;
    QElapsedTimer m_clock;
};

} // namespace sd

Q_DECLARE_METATYPE(sd::HttpOutcome)
