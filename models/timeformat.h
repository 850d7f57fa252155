#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

// The two timestamp conventions of Statuspage's webhooks.
namespace sd::timefmt {

// "2013-05-29T21:32:28Z" (component events, meta.generated_at); null when unset.
QJsonValue utc(const QDateTime &t);
// "2013-05-29T15:08:51-06:00": the page's time-zone offset (incident events); null when unset.
QJsonValue inZone(const QDateTime &t, const QString &ianaZone);
QString isoUtc(const QDateTime &t);   // for listings and reports; empty when unset
QDateTime parseIso(const QString &s); // accepts Z, offsets, or bare dates; invalid on failure
// The console's one way of showing a time: this machine's local time with its UTC offset,
// "2026-11-28 01:02:03 +01:00"; empty when unset.
QString display(const QDateTime &t);
// A window in display's format; within one day and one offset the end is only its time:
// "2026-12-09 10:00:00 – 11:00:00 +01:00".
QString displayRange(const QDateTime &from, const QDateTime &until);
// Tooltips and exports say ISO 8601 (isoUtc); a window is its interval,
// "2026-12-09T09:00:00Z/2026-12-09T10:00:00Z".
QString isoRange(const QDateTime &from, const QDateTime &until);

} // namespace sd::timefmt
