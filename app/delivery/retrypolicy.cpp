#include "app/delivery/retrypolicy.h"

#include <QLocale>
#include <QRandomGenerator>
#include <algorithm>

namespace sd {

DeliveryState Verdict::state() const
{
    switch (kind) {
    case Kind::Delivered:
        return DeliveryState::Delivered;
    case Kind::Retry:
        return DeliveryState::Retrying;
    case Kind::Fail:
        return DeliveryState::Failed;
    case Kind::Quarantine:
    case Kind::Held:
        return DeliveryState::Held;
    }
    return DeliveryState::Failed;
}

RetryPolicy::RetryPolicy(DeliverySettings settings, std::function<double()> random01, FailureHistory history)
    : m_settings(std::move(settings))
    , m_random(std::move(random01))
    , m_history(std::move(history))
    , m_failures(m_settings.quarantineFailures, m_settings.quarantineWindowMs)
{
    if (!m_random)
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

std::optional<qint64> RetryPolicy::parseRetryAfterMs(const QByteArray &value, const QDateTime &now)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = v.toLongLong(&ok);
    if (ok)
        return seconds >= 0 ? std::optional<qint64>(seconds * 1000) : std::nullopt;
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    QDateTime when =
        QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid())
        return std::nullopt;
    when.setTimeSpec(Qt::UTC);
    return std::max<qint64>(0, now.msecsTo(when));
}

Verdict RetryPolicy::judge(const FinishedAttempt &f)
{
    const Attempt &a = f.attempt;
    const bool email = f.channel == Channel::Email;
    // An SMTP reply code is no HTTP status: an email is delivered when it has no error.
    if (a.errorClass.isEmpty() && (email || (a.httpStatus >= 200 && a.httpStatus < 300)))
        return {Verdict::Kind::Delivered, {}, {}};
    if (!email && a.httpStatus == 410)
        return {Verdict::Kind::Quarantine, {}, QStringLiteral("answered 410 Gone")}; // asks us to stop

    // A manual attempt of a message still on its schedule goes back to it on failure (same next time, same
    // retries left); one without a schedule (the message had failed or was delivered) is one attempt, as
    // the operator asked. The schedule counts the engine's own attempts only.
    const bool manual = a.trigger == AttemptTrigger::Manual;
    const bool keepsSchedule = manual && f.schedule.resumeAt.isValid();
    const int step = keepsSchedule ? f.schedule.automaticAttempts
                     : manual      ? a.attemptNumber
                                   : f.schedule.automaticAttempts + 1;
    const int httpStatus = email ? 0 : a.httpStatus; // an SMTP code never means 429
    const std::optional<qint64> delay =
        manual && !keepsSchedule ? std::nullopt
                                 : delayAfter(step, httpStatus, a.errorClass, f.retryAfter, a.endedAt);

    if (!email && countFailure(a.subscriberId, a.endedAt))
        return {Verdict::Kind::Quarantine,
                {},
                QStringLiteral("%1 failed requests within %2 minutes")
                    .arg(m_settings.quarantineFailures)
                    .arg(m_settings.quarantineWindowMs / 60000)};
    if (!delay)
        return {Verdict::Kind::Fail, {}, {}};
    if (!email && f.subscriberStopped)
        return {Verdict::Kind::Held, {}, {}};
    return {Verdict::Kind::Retry, keepsSchedule ? f.schedule.resumeAt : a.endedAt.addMSecs(*delay), {}};
}

bool RetryPolicy::countFailure(const QString &subscriberId, const QDateTime &at)
{
    if (!m_failures.isKnown(subscriberId) && m_history)
        m_failures.seed(subscriberId, m_history(subscriberId, at.addMSecs(-m_settings.quarantineWindowMs)),
                        at);
    return m_failures.recordFailure(subscriberId, at);
}

std::optional<qint64> RetryPolicy::delayAfter(int step, int httpStatus, const QString &errorClass,
                                              const QByteArray &retryAfterHeader, const QDateTime &now) const
{
    // A refused target stays refused (the policy or the address changes first).
    if (errorClass == QLatin1String("policy") || step >= m_settings.retryScheduleMs.size())
        return std::nullopt;
    const qint64 scheduled = m_settings.retryScheduleMs.at(step);
    const double factor = 1.0 + m_settings.jitter * (2.0 * m_random() - 1.0);
    qint64 delay = static_cast<qint64>(static_cast<double>(scheduled) * factor);
    if (const auto retryAfter = parseRetryAfterMs(retryAfterHeader, now)) {
        // Honoured, but bounded: never sooner than planned, never more than twice as late.
        delay = std::clamp(*retryAfter, scheduled, 2 * scheduled);
    }
    if (httpStatus == 429 || errorClass == QLatin1String("timeout"))
        delay = std::max(delay, m_settings.minBackoffSlowMs);
    return std::max<qint64>(0, delay);
}

} // namespace sd
