#pragma once

#include "app/services/servicecontext.h"
#include "app/services/subscriberservice.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <deque>
#include <optional>

namespace sd {
struct AttemptResult;
class HttpTransport;
class WebhookAttempt;
} // namespace sd

namespace sd::api {

// The public page's webhook subscribe form: a subscriber is saved only after its endpoint answered a test
// webhook with 2xx. The test runs asynchronously (the server never waits on the network); the browser
// follows a redirect to a page that refreshes until the outcome is known. Also issues and checks the form's
// anti-CSRF token and limits how many checks start per minute.
class SubscribeChecks final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubscribeChecks)

public:
    enum class State
    {
        Pending,
        Saved,
        Failed
    };
    struct View
    {
        State state = State::Pending;
        QString endpoint; // redacted
        QString message;  // one sentence
    };
    struct Limits
    {
        int perMinute = 10; // checks started in any 60 s
        int inFlight = 4;   // tests on the wire at once
        qint64 testTimeoutMs = 10'000;
    };

    explicit SubscribeChecks(Store &store, QObject *parent = nullptr);
    ~SubscribeChecks() override;

    void setLimits(const Limits &limits) { m_limits = limits; }
    void setClock(Clock clock) { m_now = std::move(clock); }

    // A token bound to this process's secret and the time it was issued, valid for two hours. A page on
    // another origin cannot read it, so it cannot submit the form in a visitor's browser.
    QString issueToken() const;
    bool tokenValid(const QString &token) const;

    // Checks the input and starts the test webhook; returns the check's id, or one sentence why not
    // (nothing is sent then).
    Result<QString> start(const NewSubscriber &input);
    std::optional<View> find(const QString &checkId) const;

Q_SIGNALS:
    void finished(const QString &checkId, bool saved);

private:
    struct Check
    {
        View view;
        NewSubscriber input;
        QDateTime createdAt;
        QPointer<WebhookAttempt> attempt;
    };
    void launch(const QString &checkId, const QString &normalizedEndpoint);
    void onAttemptFinished(const QString &checkId, const AttemptResult &result);
    void fail(const QString &checkId, const QString &message);
    void forgetOld();
    int running() const;

    Store &m_store;
    Clock m_now = systemClock;
    Limits m_limits;
    QByteArray m_secret;
    HttpTransport *m_transport = nullptr; // child
    QHash<QString, Check> m_checks;
    std::deque<QDateTime> m_started; // start times within the last minute
};

} // namespace sd::api
