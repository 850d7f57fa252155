#include "models/timeformat.h"

#include <QTimeZone>

namespace sd::timefmt {

QString isoUtc(const QDateTime &t)
{
    if (!t.isValid())
        return {};
    return t.toUTC().toString(Qt::ISODate);
}

QJsonValue utc(const QDateTime &t)
{
    if (!t.isValid())
        return QJsonValue::Null;
    return isoUtc(t);
}

QJsonValue inZone(const QDateTime &t, const QString &ianaZone)
{
    if (!t.isValid())
        return QJsonValue::Null;
    const QTimeZone zone(ianaZone.toUtf8());
    if (!zone.isValid())
        return isoUtc(t);
    const QDateTime local = t.toTimeZone(zone);
    // Built by hand so a zero offset reads "+00:00", as Statuspage writes it for UTC pages.
    const int offset = local.offsetFromUtc();
    const int abs = offset < 0 ? -offset : offset;
    const QString text = local.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + (offset < 0 ? QLatin1Char('-') : QLatin1Char('+')) +
           QStringLiteral("%1:%2").arg(abs / 3600, 2, 10, QLatin1Char('0')).arg((abs % 3600) / 60, 2, 10, QLatin1Char('0'));
    return text;
}

QString display(const QDateTime &t)
{
    if (!t.isValid())
        return {};
    const QDateTime local = t.toLocalTime();
    const int offset = local.offsetFromUtc();
    const int abs = offset < 0 ? -offset : offset;
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) + (offset < 0 ? QLatin1Char('-') : QLatin1Char('+')) +
           QStringLiteral("%1:%2").arg(abs / 3600, 2, 10, QLatin1Char('0')).arg((abs % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString displayRange(const QDateTime &from, const QDateTime &until)
{
    const QString a = display(from);
    const QString b = display(until);
    if (a.isEmpty() || b.isEmpty())
        return a.isEmpty() ? b : a;
    // "yyyy-MM-dd HH:mm:ss +hh:mm": the same day and offset need saying once.
    if (a.left(10) == b.left(10) && a.right(6) == b.right(6))
        return a.left(19) + QStringLiteral(" – ") + b.mid(11);
    return a + QStringLiteral(" – ") + b;
}

QString isoRange(const QDateTime &from, const QDateTime &until)
{
    return isoUtc(from) + QLatin1Char('/') + isoUtc(until);
}

QDateTime parseIso(const QString &s)
{
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(s, Qt::ISODate);
    if (t.isValid() && t.timeSpec() == Qt::LocalTime && !s.contains(QLatin1Char('Z')) && !s.contains(QLatin1Char('+')))
        t.setTimeSpec(Qt::UTC); // bare times are taken as UTC, never the machine's zone
    return t.toUTC();
}

} // namespace sd::timefmt
