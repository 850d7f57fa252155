#include "models/deliverysettings.h"

#include "models/settingsrepository.h"

#include <QRegularExpression>

namespace sd {
namespace {
const QString kSchedule = QStringLiteral("delivery.retry_schedule");
const QString kTimeout = QStringLiteral("delivery.timeout_ms");
const QString kMaxInFlight = QStringLiteral("delivery.max_in_flight");
const QString kMaxPerHost = QStringLiteral("delivery.max_per_host");
const QString kMinBackoff = QStringLiteral("delivery.min_backoff_slow_ms");
const QString kJitter = QStringLiteral("delivery.jitter");
const QString kRefusePrivate = QStringLiteral("delivery.refuse_private_targets");
const QString kCaFile = QStringLiteral("delivery.ca_file");
const QString kProxy = QStringLiteral("delivery.proxy");
const QString kQuarantineFailures = QStringLiteral("delivery.quarantine_failures");
const QString kQuarantineWindow = QStringLiteral("delivery.quarantine_window_ms");
} // namespace

bool DeliverySettings::parseSchedule(const QString &text, QList<qint64> *out)
{
    static const QRegularExpression item(QStringLiteral("^(\\d+(?:\\.\\d+)?)(ms|s|m|h)?$"));
    QList<qint64> result;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto match = item.match(part.trimmed());
        if (!match.hasMatch())
            return false;
        const double value = match.captured(1).toDouble();
        const QString unit = match.captured(2);
        const double factor = unit == QLatin1String("ms")  ? 1.0
                              : unit == QLatin1String("m") ? 60'000.0
                              : unit == QLatin1String("h") ? 3'600'000.0
                                                           : 1'000.0;
        result << static_cast<qint64>(value * factor);
    }
    if (result.isEmpty() || result.size() > 50)
        return false;
    *out = result;
    return true;
}

QString DeliverySettings::formatSchedule(const QList<qint64> &ms)
{
    QStringList parts;
    for (qint64 v : ms) {
        if (v == 0)
            parts << QStringLiteral("0");
        else if (v % 3'600'000 == 0)
            parts << QString::number(v / 3'600'000) + QLatin1Char('h');
        else if (v % 60'000 == 0)
            parts << QString::number(v / 60'000) + QLatin1Char('m');
        else if (v % 1000 == 0)
            parts << QString::number(v / 1000) + QLatin1Char('s');
        else
            parts << QString::number(v) + QStringLiteral("ms");
    }
    return parts.join(QLatin1Char(','));
}

DeliverySettings DeliverySettings::load(SettingsRepository &settings)
{
    DeliverySettings s;
    QList<qint64> schedule;
    if (parseSchedule(settings.value(kSchedule), &schedule))
        s.retryScheduleMs = schedule;
    auto number = [&settings](const QString &key, qint64 fallback) {
        bool ok = false;
        const qint64 v = settings.value(key).toLongLong(&ok);
        return ok && v > 0 ? v : fallback;
    };
    s.timeoutMs = number(kTimeout, s.timeoutMs);
    s.maxInFlight = static_cast<int>(number(kMaxInFlight, s.maxInFlight));
    s.maxPerHost = static_cast<int>(number(kMaxPerHost, s.maxPerHost));
    s.minBackoffSlowMs = number(kMinBackoff, s.minBackoffSlowMs);
    s.leaseMs = number(QStringLiteral("delivery.lease_ms"), s.leaseMs);
    s.quarantineFailures = static_cast<int>(number(kQuarantineFailures, s.quarantineFailures));
    s.quarantineWindowMs = number(kQuarantineWindow, s.quarantineWindowMs);
    bool ok = false;
    const double jitter = settings.value(kJitter).toDouble(&ok);
    if (ok && jitter >= 0 && jitter < 1)
        s.jitter = jitter;
    s.refusePrivateTargets = settings.value(kRefusePrivate) == QLatin1String("on");
    s.caFile = settings.value(kCaFile);
    // Checked when it is set; a value that no longer parses falls back to the system's configuration.
    if (const auto proxy = ProxySetting::parse(settings.value(kProxy)))
        s.proxy = proxy.value();
    return s;
}

void DeliverySettings::save(SettingsRepository &settings) const
{
    settings.setValue(kSchedule, formatSchedule(retryScheduleMs));
    settings.setValue(kTimeout, QString::number(timeoutMs));
    settings.setValue(kMaxInFlight, QString::number(maxInFlight));
    settings.setValue(kMaxPerHost, QString::number(maxPerHost));
    settings.setValue(kMinBackoff, QString::number(minBackoffSlowMs));
    settings.setValue(kJitter, QString::number(jitter));
    settings.setValue(kRefusePrivate, refusePrivateTargets ? QStringLiteral("on") : QStringLiteral("off"));
    settings.setValue(kCaFile, caFile);
    settings.setValue(kProxy, proxy.toString());
    settings.setValue(kQuarantineFailures, QString::number(quarantineFailures));
    settings.setValue(kQuarantineWindow, QString::number(quarantineWindowMs));
}

} // namespace sd
