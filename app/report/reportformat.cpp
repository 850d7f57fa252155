#include "app/report/reportformat.h"

#include "app/formats/csv.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

namespace sd::reportfmt {
namespace {

QByteArray indented(const QJsonObject &o, int depth)
{
    // toJson(Indented) writes one member per line and escapes newlines inside strings, so indenting every
    // line after the first puts the object `depth` levels down exactly as the whole document would.
    QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Indented);
    text.chop(1); // the document's final newline
    const QByteArray pad(4 * depth, ' ');
    text.replace(QByteArrayLiteral("\n"), QByteArray(QByteArray("\n") + pad));
    return text;
}

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
void civilFromDays(qint64 z, qint64 &y, int &m, int &d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

void digits(char *at, qint64 value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

} // namespace

QString timestamp(const QDateTime &t)
{
    // timefmt::isoUtc() spelled out: QDateTime::toString() goes through printf and was a fifth of a CSV
    // export's time. Years outside 1000-9999 take the general path.
    if (!t.isValid())
        return {};
    const qint64 ms = t.toMSecsSinceEpoch();
    const qint64 secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    const qint64 days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    const qint64 sod = secs - days * 86400;
    qint64 y = 0;
    int m = 0, d = 0;
    civilFromDays(days, y, m, d);
    if (y < 1000 || y > 9999)
        return timefmt::isoUtc(t);
    char buf[20] = {0, 0, 0, 0, '-', 0, 0, '-', 0, 0, 'T', 0, 0, ':', 0, 0, ':', 0, 0, 'Z'};
    digits(buf, y, 4);
    digits(buf + 5, m, 2);
    digits(buf + 8, d, 2);
    digits(buf + 11, sod / 3600, 2);
    digits(buf + 14, (sod / 60) % 60, 2);
    digits(buf + 17, sod % 60, 2);
    return QString::fromLatin1(buf, sizeof buf);
}

QByteArray csvHeader()
{
    return (csv::joinRow({QStringLiteral("started_at"), QStringLiteral("webhook_id"),
                          QStringLiteral("event_kind"), QStringLiteral("subject"), QStringLiteral("endpoint"),
                          QStringLiteral("attempt"), QStringLiteral("trigger"), QStringLiteral("http_status"),
                          QStringLiteral("duration_ms"), QStringLiteral("result"),
                          QStringLiteral("error_class"), QStringLiteral("error")}) +
            QStringLiteral("\r\n"))
        .toUtf8();
}

QByteArray csvLine(const DeliveryReport::Row &r)
{
    // Every cell goes through csv::joinRow: formula neutralisation and quoting as in every CSV we write.
    QString line = csv::joinRow({timestamp(r.startedAt), r.messageId, toString(r.kind), r.subject, r.endpoint,
                                 QString::number(r.attemptNumber), toString(r.trigger),
                                 QString::number(r.httpStatus), QString::number(r.durationMs),
                                 r.success ? QStringLiteral("success") : QStringLiteral("failure"),
                                 r.errorClass, r.errorText});
    line += QLatin1String("\r\n");
    return line.toUtf8();
}

QJsonObject rowJson(const DeliveryReport::Row &r)
{
    return QJsonObject{
        {QStringLiteral("started_at"), timestamp(r.startedAt)},
        {QStringLiteral("webhook_id"), r.messageId},
        {QStringLiteral("event_kind"), toString(r.kind)},
        {QStringLiteral("subject"), r.subject},
        {QStringLiteral("endpoint"), r.endpoint},
        {QStringLiteral("attempt"), r.attemptNumber},
        {QStringLiteral("trigger"), toString(r.trigger)},
        {QStringLiteral("http_status"), r.httpStatus},
        {QStringLiteral("duration_ms"), r.durationMs},
        {QStringLiteral("success"), r.success},
        {QStringLiteral("error_class"), r.errorClass.isEmpty() ? QJsonValue() : QJsonValue(r.errorClass)},
        {QStringLiteral("error"), r.errorText.isEmpty() ? QJsonValue() : QJsonValue(r.errorText)}};
}

QJsonObject totalJson(const DeliveryReport::Total &t, const QString &keyName)
{
    return QJsonObject{{keyName, t.key},
                       {QStringLiteral("attempts"), t.attempts},
                       {QStringLiteral("successes"), t.successes},
                       {QStringLiteral("failures"), t.failures()},
                       {QStringLiteral("success_rate"), t.successRate()},
                       {QStringLiteral("mean_ms"), t.meanMs},
                       {QStringLiteral("p95_ms"), t.p95Ms}};
}

QJsonObject statusCodesJson(const DeliveryReport::StatusBreakdown &b)
{
    auto counts = [](const std::vector<DeliveryReport::CodeCount> &list) {
        QJsonObject o;
        for (const auto &c : list)
            o.insert(c.key, c.count);
        return o;
    };
    // Top codes keep their order (most first), so they are a list rather than an object.
    QJsonArray top;
    for (const auto &c : b.topCodes)
        top.append(QJsonObject{{QStringLiteral("code"), c.key.toInt()}, {QStringLiteral("count"), c.count}});
    return QJsonObject{{QStringLiteral("classes"), counts(b.classes)},
                       {QStringLiteral("top_codes"), top},
                       {QStringLiteral("transport_errors"), counts(b.transportErrors)}};
}

// The report object's members in QJsonObject's (sorted) order: "attempts" comes first, so the rows can be
// written as they are read and the totals after them.
QByteArray jsonHead()
{
    return QByteArrayLiteral("{\n    \"attempts\": [\n");
}

QByteArray jsonRow(const DeliveryReport::Row &r, bool first)
{
    return (first ? QByteArrayLiteral("        ") : QByteArrayLiteral(",\n        ")) +
           indented(rowJson(r), 2);
}

QByteArray jsonTail(bool anyRows, const ReportSummary &summary, const QDateTime &since,
                    const QString &filterText, const QDateTime &generatedAt)
{
    QJsonArray endpoints;
    for (const DeliveryReport::Total &t : summary.byEndpoint)
        endpoints.append(totalJson(t, QStringLiteral("endpoint")));
    QJsonArray events;
    for (const DeliveryReport::Total &t : summary.byEvent)
        events.append(totalJson(t, QStringLiteral("event")));
    const QJsonObject rest{
        {QStringLiteral("generated_at"), timefmt::isoUtc(generatedAt)},
        {QStringLiteral("since"), since.isValid() ? QJsonValue(timefmt::isoUtc(since)) : QJsonValue()},
        {QStringLiteral("filter"), filterText},
        {QStringLiteral("totals"), totalJson(summary.overall, QStringLiteral("scope"))},
        {QStringLiteral("by_endpoint"), endpoints},
        {QStringLiteral("by_event"), events},
        {QStringLiteral("status_codes"), statusCodesJson(summary.statusCodes)}};
    // "{\n" + the other members at depth 1 + "}\n", after the attempts array's closing bracket.
    const QByteArray others = QJsonDocument(rest).toJson(QJsonDocument::Indented).mid(2);
    return (anyRows ? QByteArrayLiteral("\n    ],\n") : QByteArrayLiteral("    ],\n")) + others;
}

} // namespace sd::reportfmt
