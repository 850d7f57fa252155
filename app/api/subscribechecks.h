#pragma once

#include "app/services/servicecontext.h"
#include "app/services/subscriberservice.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QHostInfo>
#include <QObject>
#include <QPointer>
#include <deque>
#include <functional>
#include <optional>

namespace sd {
struct AttemptResult;
class HttpTransport;
class WebhookAttempt;
} // namespace sd

namespace sd::api {

// The public page's webhook subscribe form: a subscriber is saved only after its endpoint answered a test
// webhook with 2xx. The test runs asynchronously (the server never waits on the network); the browser
// follows a redirect to a page that refreshes until the outcome is known. Anyone can load the page, so the
// form is treated as hostile input: its endpoints get the strict public target policy whatever the operator's
// own setting (targetpolicy::checkPublic*; no URL credentials), the outcome says only "2xx" or which class of
// failure (nothing the endpoint said), form tokens are short-lived and single-use, and each client (address,
// or behind a trusted proxy its X-Forwarded-For) gets a share of the checks that cannot use up the global
// ceiling. With SMTP set, the address given hears of the subscription with a removal link.
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
        int perMinute = 20;         // checks started in any 60 s, every client together (the ceiling)
        int inFlight = 8;           // tests on the wire at once, every client together
        int perClientPerMinute = 3; // one client's share of each
        int perClientInFlight = 1;
        qint64 testTimeoutMs = 10'000;
    };
    // Looks a host name up and calls `done` (in `context`'s thread, not if it is gone): QHostInfo by default.
    using Resolver = std::function<void(const QString &host, QObject *context,
                                        std::function<void(const QHostInfo &)> done)>;
    // Whether an address may be sent to: targetpolicy::checkPublicAddress by default (one sentence, or
    // empty).
    using AddressCheck = std::function<QString(const QHostAddress &address)>;

    explicit SubscribeChecks(Store &store, QObject *parent = nullptr);
    ~SubscribeChecks() override;

    void setLimits(const Limits &limits) { m_limits = limits; }
    void setClock(Clock clock) { m_now = std::move(clock); }
    // Seams for tests, which may only send to loopback: another resolver, and an address check that lets one
    // receiver's address count as public.
    // (The transport is made again with them for the next test.)
    void setResolver(Resolver resolver); // before any check starts
    void setAddressCheck(AddressCheck check);

    // A token bound to this process's secret and the time it was issued, valid for kTokenLifetimeSecs and for
    // one subscription started with it. A page on another origin cannot read it, so it cannot submit the form
    // in a visitor's browser.
    QString issueToken() const;
    bool tokenValid(const QString &token) const;
    static constexpr qint64 kTokenLifetimeSecs = 20 * 60;

    // Checks the input and starts the test webhook, spending `token`; returns the check's id, or one
    // sentence why not (nothing is sent then, the token stays good). `client` is who asked (ApiRequest).
    Result<QString> start(const NewSubscriber &input, const QByteArray &client, const QString &token);
    std::optional<View> find(const QString &checkId) const;
    static bool isBusyRefusal(const QString &error); // a limit, not the input: 429

Q_SIGNALS:
    void finished(const QString &checkId, bool saved);

private:
    struct Check
    {
        View view;
        NewSubscriber input;
        QByteArray client;
        QDateTime createdAt;
        QPointer<WebhookAttempt> attempt;
    };
    QString checkTarget(const QString &host) const; // the host as written: a name or literal
    Result<Ok> withinLimits(const QByteArray &client) const;
    void launch(const QString &checkId, const QString &normalizedEndpoint);
    void onAttemptFinished(const QString &checkId, const AttemptResult &result);
    void fail(const QString &checkId, const QString &message);
    void forgetOld();
    int running(const QByteArray *client = nullptr) const;

    Store &m_store;
    Clock m_now = systemClock;
    Limits m_limits;
    Resolver m_resolve;
    AddressCheck m_addressCheck;
    QByteArray m_secret;
    HttpTransport *m_transport = nullptr; // child: the delivery engine's HTTP client, the public policy
    QHash<QString, Check> m_checks;
    std::deque<std::pair<QDateTime, QByteArray>> m_started; // start times and clients within the last minute
    QHash<QByteArray, qint64> m_spentTokens;                // nonce -> when it expires anyway (epoch s)
};

} // namespace sd::api
