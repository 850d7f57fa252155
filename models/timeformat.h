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
QString isoUtc(const QDateTime &t); // for listings and reports; empty when unset
QDateTime parseIso(const QString &s);
// The console's one way of showing a time: this machine's local time with its UTC offset,
// "2026-11-28 01:02:03 +01:00"; empty when unset.
QString display(const QDateTime &t); // accepts Z, offsets, or bare dates; invalid on failure

} // namespace sd::timefmt
