#pragma once

#include "app/delivery/quarantinetracker.h"
#include "models/deliverysettings.h"
#include "models/domain.h"

#include <QByteArray>
#include <QDateTime>
#include <functional>
#include <optional>

namespace sd {

// Where a message stood on its retry schedule when its attempt started.
struct Schedule
{
    int automaticAttempts = 0; // the engine's own attempts before this one, manual ones left out
    QDateTime resumeAt;        // for a manual attempt: the automatic one it came before, if any
};

// What a finished attempt means. RetryPolicy::judge() is the one place that decides it; the engine and the
// journal carry it out as told.
struct Verdict
{
    enum class Kind
    {
        Delivered,
        Retry,      // again at retryAt
        Fail,       // given up: schedule over, target refused, or a manual attempt off the schedule
        Quarantine, // stop the subscriber (reason says why); this message is held with its others
        Held,       // would be retried, but the subscriber is being quarantined already
    };
    Kind kind = Kind::Fail;
    QDateTime retryAt; // Retry only
    QString reason;    // Quarantine only, as the notice quotes it
    DeliveryState state() const;
};

// A finished attempt as the policy sees it.
struct FinishedAttempt
{
    const Attempt &attempt; // status, error class, trigger, number, subscriber, end time
    QByteArray retryAfter;  // the raw Retry-After header, if any
    Schedule schedule;      // taken when the attempt started
    Channel channel = Channel::Webhook;
    bool subscriberStopped = false; // quarantined by this engine while its results wait to be written
};

class RetryPolicy final
{
public:
    // Failed requests a subscriber already has on record since a time (so a restart does not reset the
    // quarantine count); asked once per subscriber.
    using FailureHistory = std::function<int(const QString &subscriberId, const QDateTime &since)>;

    // `random01` returns a uniform number in [0, 1); tests pass a fixed one.
    explicit RetryPolicy(DeliverySettings settings, std::function<double()> random01 = {},
                         FailureHistory history = {});

    // Webhooks: 2xx delivered; 410 quarantines; any other failure counts towards the subscriber's
    // quarantine (N within the window) and is otherwise retried on the schedule. Emails never count towards
    // a quarantine: success is the absence of an error, a failure follows the same schedule.
    Verdict judge(const FinishedAttempt &finished);
    // The subscriber was quarantined (written): its failures start again from zero if it comes back.
    void forgetFailures(const QString &subscriberId) { m_failures.reset(subscriberId); }

    // Retry-After as seconds or an HTTP date; nullopt when absent or malformed.
    static std::optional<qint64> parseRetryAfterMs(const QByteArray &value, const QDateTime &now);

private:
    bool countFailure(const QString &subscriberId, const QDateTime &at);
    // The delay before the next attempt after schedule step `step`; nullopt when there is none.
    std::optional<qint64> delayAfter(int step, int httpStatus, const QString &errorClass,
                                     const QByteArray &retryAfterHeader, const QDateTime &now) const;

    DeliverySettings m_settings;
    std::function<double()> m_random;
    FailureHistory m_history;
    QuarantineTracker m_failures;
};

} // namespace sd
