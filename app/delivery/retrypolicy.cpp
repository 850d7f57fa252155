#include "app/delivery/retrypolicy.h"

#include <QLocale>
#include <QRandomGenerator>
#include <algorithm>

namespace sd {

RetryPolicy::RetryPolicy(DeliverySettings settings, std::function<double()> random01)
    : m_settings(std::move(settings))
    , m_random(std::move(random01))
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

RetryDecision RetryPolicy::decide(int attemptNumber, int httpStatus, const QString &errorClass,
                                  const QByteArray &retryAfterHeader, const QDateTime &now, bool manual) const
{
    if (errorClass.isEmpty() && httpStatus >= 200 && httpStatus < 300)
        return {RetryDecision::Kind::Delivered, 0};
    if (httpStatus == 410)
        return {RetryDecision::Kind::Quarantine, 0}; // Gone: the receiver asks us to stop
    // A refused target stays refused (the policy or the address changes first); a manual resend is one
    // attempt, the operator decides whether to try again.
    if (errorClass == QLatin1String("policy") || manual || attemptNumber >= m_settings.retryScheduleMs.size())
        return {RetryDecision::Kind::GiveUp, 0};

    const qint64 scheduled = m_settings.retryScheduleMs.at(attemptNumber);
    const double factor = 1.0 + m_settings.jitter * (2.0 * m_random() - 1.0);
    qint64 delay = static_cast<qint64>(static_cast<double>(scheduled) * factor);
    if (const auto retryAfter = parseRetryAfterMs(retryAfterHeader, now)) {
        // Honoured, but bounded: never sooner than planned, never more than twice as late.
        delay = std::clamp(*retryAfter, scheduled, 2 * scheduled);
    }
    if (httpStatus == 429 || errorClass == QLatin1String("timeout"))
        delay = std::max(delay, m_settings.minBackoffSlowMs);
    return {RetryDecision::Kind::Retry, std::max<qint64>(0, delay)};
}

} // namespace sd
