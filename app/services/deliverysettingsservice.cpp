#include "app/services/deliverysettingsservice.h"

#include "models/endpointurl.h"

namespace sd {

RetryAndLimits RetryAndLimits::from(const DeliverySettings &s)
{
    RetryAndLimits r;
    r.schedule = DeliverySettings::formatSchedule(s.retryScheduleMs);
    r.maxInFlight = s.maxInFlight;
    r.maxPerHost = s.maxPerHost;
    r.quarantineFailures = s.quarantineFailures;
    r.quarantineWindowMinutes = static_cast<int>(s.quarantineWindowMs / 60'000);
    return r;
}

Result<DeliverySettings> DeliverySettingsService::load()
{
    return inTransaction(m_ctx.store, [&]() -> Result<DeliverySettings> {
        return DeliverySettings::load(m_ctx.store.settings);
    });
}

Result<bool> DeliverySettingsService::save(const RetryAndLimits &typed)
{
    QList<qint64> schedule;
    if (!DeliverySettings::parseSchedule(typed.schedule.trimmed(), &schedule) || schedule.isEmpty())
        return Error{QStringLiteral("The retry schedule must be a comma-separated list of delays such as "
                                    "0,5s,5m,30m,2h,5h,10h,10h.")};
    if (typed.maxInFlight < 1 || typed.maxPerHost < 1 || typed.quarantineFailures < 1 ||
        typed.quarantineWindowMinutes < 1)
        return Error{QStringLiteral("The caps and the quarantine threshold must each be at least 1.")};
    if (typed.maxPerHost > typed.maxInFlight)
        return Error{QStringLiteral("The per-host cap (%1) cannot exceed the cap on webhooks in flight (%2).")
                         .arg(typed.maxPerHost)
                         .arg(typed.maxInFlight)};
    return inTransaction(m_ctx.store, [&]() -> Result<bool> {
        DeliverySettings s = DeliverySettings::load(m_ctx.store.settings);
        const RetryAndLimits before = RetryAndLimits::from(s);
        s.retryScheduleMs = schedule;
        s.maxInFlight = typed.maxInFlight;
        s.maxPerHost = typed.maxPerHost;
        s.quarantineFailures = typed.quarantineFailures;
        s.quarantineWindowMs = qint64(typed.quarantineWindowMinutes) * 60'000;
        const RetryAndLimits after = RetryAndLimits::from(s);
        QStringList changes;
        const auto note = [&changes](const QString &name, const QString &from, const QString &to) {
            if (from != to)
                changes << QStringLiteral("%1 %2 → %3").arg(name, from, to);
        };
        note(QStringLiteral("retry schedule"), before.schedule, after.schedule);
        note(QStringLiteral("max in flight"), QString::number(before.maxInFlight),
             QString::number(after.maxInFlight));
        note(QStringLiteral("max per host"), QString::number(before.maxPerHost),
             QString::number(after.maxPerHost));
        note(QStringLiteral("quarantine after failures"), QString::number(before.quarantineFailures),
             QString::number(after.quarantineFailures));
        note(QStringLiteral("quarantine window min"), QString::number(before.quarantineWindowMinutes),
             QString::number(after.quarantineWindowMinutes));
        if (changes.isEmpty())
            return false;
        s.save(m_ctx.store.settings);
        m_ctx.audit(QStringLiteral("settings.set"), QStringLiteral("settings"), QString(),
                    QStringLiteral("Delivery settings: ") + changes.join(QStringLiteral("; ")));
        return true;
    });
}

Result<ProxySetting> DeliverySettingsService::saveProxy(const QString &typed)
{
    return inTransaction(m_ctx.store, [&]() -> Result<ProxySetting> {
        DeliverySettings s = DeliverySettings::load(m_ctx.store.settings);
        const ProxySetting before = s.proxy;
        const auto parsed = ProxySetting::parse(endpointurl::withStoredCredentials(typed, before.toString()));
        if (!parsed)
            return Error{parsed.error()};
        s.proxy = parsed.value();
        if (s.proxy == before)
            return s.proxy;
        s.save(m_ctx.store.settings);
        m_ctx.audit(QStringLiteral("settings.set"), QStringLiteral("settings"), QString(),
                    QStringLiteral("Delivery settings: proxy %1 → %2%3")
                        .arg(before.redacted(), s.proxy.redacted(),
                             before.redacted() == s.proxy.redacted() ? QStringLiteral(" (new password)")
                                                                     : QString()));
        return s.proxy;
    });
}

} // namespace sd
