#pragma once

#include "models/domain.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>

namespace sd {

class HttpConnection;
class HttpConnectionPool;
struct HttpResponse;

struct AttemptResult
{
    Attempt attempt;          // filled except nextAttemptAt
    QByteArray retryAfter;    // raw Retry-After header, if any
    qint64 bytesReceived = 0; // whole response body size, including what was dropped
};

// One POST as a job: start() sends the stored bytes with the Standard Webhooks headers over a connection from
// the pool (our own HTTP/1.1 client: exactly one request on the wire per attempt), keeps at most `maxBody`
// bytes of the answer, records a timeout when expire() is called, then emits finished() once and deletes
// itself later.
class WebhookAttempt final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookAttempt)

public:
    struct Options
    {
        qint64 timeoutMs = 30'000;
        int maxBody = 20'000;
        QByteArray userAgent;
    };

    WebhookAttempt(HttpConnectionPool *pool, Message message, Subscriber subscriber, int attemptNumber,
                   AttemptTrigger trigger, Options options, QObject *parent = nullptr);
    ~WebhookAttempt() override;

    // Connects to `checked`, the addresses the target policy accepted (nothing is resolved again, so DNS
    // rebinding cannot slip past the check). Without them a literal address is used as it is and a name is
    // looked up here.
    void start(const QList<QHostAddress> &checked = {});
    void cancel(); // aborts without emitting finished()
    // Records the attempt as not sent (nothing goes on the wire), e.g. errorClass "policy" for a refused
    // target; finished() follows from the event loop, never from inside this call.
    void refuse(const QString &errorClass, const QString &reason);
    // The whole-attempt deadline passed (the engine keeps the clock, one timer for all attempts): abort and
    // record a timeout.
    void expire();
    const Message &message() const { return m_message; }

Q_SIGNALS:
    void finished(const sd::AttemptResult &result);

private:
    void send(const QList<QHostAddress> &addresses);
    void onResponse(const HttpResponse &response);
    void finishWith(const QString &errorClass, const QString &reason);

    HttpConnectionPool *m_pool;
    Message m_message;
    Subscriber m_subscriber;
    Options m_options;
    AttemptResult m_result;
    QPointer<HttpConnection> m_connection;
    QElapsedTimer m_clock;
    bool m_done = false;
};

// {"name":"value",...} for the attempt record; names lower-cased when asked, repeated names kept once.
QByteArray headersToJson(const QList<QPair<QByteArray, QByteArray>> &headers, bool lowerCaseNames);

} // namespace sd

Q_DECLARE_METATYPE(sd::AttemptResult)
