#pragma once

#include "app/delivery/httpexchange.h"
#include "models/domain.h"

#include <QObject>
#include <QPointer>

namespace sd {

struct AttemptResult
{
    Attempt attempt;          // filled except nextAttemptAt
    QByteArray retryAfter;    // raw Retry-After header, if any
    qint64 bytesReceived = 0; // whole response body size, including what was dropped
    Subscriber subscriber;    // as read when the attempt started: the engine reads it once per attempt
};

// One webhook POST as a job: start() sends the stored bytes with the Standard Webhooks headers as one
// HttpExchange (target policy, proxy, one request on the wire at most, its own deadline), then emits
// finished() once with the attempt as it goes on the record, and deletes itself later.
class WebhookAttempt final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookAttempt)

public:
    struct Options
    {
        // The attempt's own deadline: the whole attempt, from the name lookup to the last byte. It starts
        // with start() and ends with the attempt (finished or cancelled); nobody else touches it.
        qint64 timeoutMs = 30'000;
        int maxBody = 20'000;
        QByteArray userAgent;
        DeadlineQueue *deadlines = nullptr; // the clock it runs on: the engine's, one for every attempt
    };

    WebhookAttempt(HttpTransport *transport, Message message, Subscriber subscriber, int attemptNumber,
                   AttemptTrigger trigger, Options options, QObject *parent = nullptr);
    ~WebhookAttempt() override;

    void start();  // returns at once; finished() follows from the event loop
    void cancel(); // stops without finished()
    const Message &message() const { return m_message; }

Q_SIGNALS:
    void finished(const sd::AttemptResult &result);

private:
    void onFinished(const HttpOutcome &outcome);

    HttpTransport *m_transport;
    Message m_message;
    Options m_options;
    AttemptResult m_result;
    QPointer<HttpExchange> m_exchange;
};

// {"name":"value",...} for the attempt record; names lower-cased when asked, repeated names kept once.
QByteArray headersToJson(const QList<QPair<QByteArray, QByteArray>> &headers, bool lowerCaseNames);

} // namespace sd

Q_DECLARE_METATYPE(sd::AttemptResult)
