#include "deliveryreport.h"

#include "csv.h"
#include "endpointurl.h"
#include "store.h"
#include "timeformat.h"
#include "values.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <algorithm>

namespace sd {
namespace {

struct MessageInfo
{
    EventKind kind = EventKind::Component;
    QString subject;
};

QHash<QString, MessageInfo> messageInfo(Store &store, const QStringList &ids)
{
    QHash<QString, MessageInfo> out;
    constexpr int kChunk = 400;
    for (int i = 0; i < ids.size(); i += kChunk) {
        const QStringList chunk = ids.mid(i, kChunk);
        QStringList marks;
        QVariantList binds;
        for (const QString &id : chunk) {
            marks << QStringLiteral("?");
            binds << id;
        }
        QSqlQuery &q =
            store.db().run(QStringLiteral("SELECT id, kind, subject_name FROM messages WHERE id IN (") +
                               marks.join(QLatin1Char(',')) + QStringLiteral(")"),
                           binds);
        while (q.next())
            out.insert(q.value(0).toString(),
                       {parseEventKind(q.value(1).toString()).value_or(EventKind::Component),
                        q.value(2).toString()});
    }
    return out;
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

QString percent(double rate)
{
    return QString::number(rate * 100.0, 'f', 1) + QStringLiteral(" %");
}

} // namespace

Result<DeliveryReport> DeliveryReport::build(Store &store, const MessageFilter &filter,
                                             const QDateTime &since)
{
    DeliveryReport report;
    report.m_since = since;
    report.m_generatedAt = QDateTime::currentDateTimeUtc();
    report.m_filterText = filterDescription(filter);
    MessageFilter f = filter;
    f.limit = -1;
    f.offset = 0;
    try {
        const std::vector<Attempt> attempts = store.outbox.attemptsSince(since, f);
        QStringList ids;
        QSet<QString> seen;
        for (const Attempt &a : attempts) {
            if (!seen.contains(a.messageId)) {
                seen.insert(a.messageId);
                ids << a.messageId;
            }
        }
        const QHash<QString, MessageInfo> info = messageInfo(store, ids);
        report.m_rows.reserve(attempts.size());
        for (const Attempt &a : attempts) {
            Row r;
            r.startedAt = a.startedAt;
            r.messageId = a.messageId;
            const MessageInfo mi = info.value(a.messageId);
            r.kind = mi.kind;
            r.subject = mi.subject;
            // Attempts are recorded redacted; older rows may not be.
            r.endpoint = endpointurl::redacted(a.endpoint);
            r.attemptNumber = a.attemptNumber;
            r.trigger = a.trigger;
            r.httpStatus = a.httpStatus;
            r.durationMs = a.durationMs;
            r.errorClass = a.errorClass;
            r.errorText = endpointurl::redacted(a.errorText);
            r.success = a.errorClass.isEmpty() && a.httpStatus >= 200 && a.httpStatus < 300;
            report.m_rows.push_back(std::move(r));
        }
    } catch (const StoreError &e) {
        return Error{QStringLiteral("database error: %1").arg(e.message())};
    }
    report.m_byEndpoint = totals(report.m_rows, true);
    report.m_byEvent = totals(report.m_rows, false);
    Total overall;
    overall.key = QStringLiteral("all");
    std::vector<qint64> durations;
    qint64 sum = 0;
    for (const Row &r : report.m_rows) {
        ++overall.attempts;
        overall.successes += r.success ? 1 : 0;
        durations.push_back(r.durationMs);
        sum += r.durationMs;
    }
    if (!durations.empty()) {
        std::sort(durations.begin(), durations.end());
        const size_t rank = (durations.size() * 95 + 99) / 100;
        overall.p95Ms = durations[std::max<size_t>(rank, 1) - 1];
        overall.meanMs = sum / static_cast<qint64>(durations.size());
    }
    report.m_overall = overall;
    return report;
}

std::vector<DeliveryReport::Total> DeliveryReport::totals(const std::vector<Row> &rows, bool byEndpoint)
{
    QMap<QString, std::vector<const Row *>> groups; // QMap: stable, sorted output
    for (const Row &r : rows)
        groups[byEndpoint ? r.endpoint : eventLabel(r.kind, r.subject)].push_back(&r);
    std::vector<Total> out;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        Total t;
        t.key = it.key();
        std::vector<qint64> durations;
        qint64 sum = 0;
        for (const Row *r : it.value()) {
            ++t.attempts;
            t.successes += r->success ? 1 : 0;
            durations.push_back(r->durationMs);
            sum += r->durationMs;
        }
        std::sort(durations.begin(), durations.end());
        const size_t rank = (durations.size() * 95 + 99) / 100;
        t.p95Ms = durations[std::max<size_t>(rank, 1) - 1];
        t.meanMs = sum / static_cast<qint64>(durations.size());
        out.push_back(t);
    }
    return out;
}

std::vector<DeliveryReport::Bucket> DeliveryReport::latencyHistogram() const
{
    static const qint64 kLimits[] = {50, 100, 250, 500, 1000, 5000, 30000};
    std::vector<Bucket> out{{QStringLiteral("<50ms"), 0},  {QStringLiteral("<100ms"), 0},
                            {QStringLiteral("<250ms"), 0}, {QStringLiteral("<500ms"), 0},
                            {QStringLiteral("<1s"), 0},    {QStringLiteral("<5s"), 0},
                            {QStringLiteral("<30s"), 0},   {QStringLiteral(">=30s"), 0}};
    for (const Row &r : m_rows) {
        size_t b = 0;
        while (b < std::size(kLimits) && r.durationMs >= kLimits[b])
            ++b;
        ++out[b].count;
    }
    return out;
}

QString DeliveryReport::eventLabel(EventKind kind, const QString &subject)
{
    switch (kind) {
    case EventKind::Component:
        return QStringLiteral("component: ") + subject;
    case EventKind::Incident:
        return QStringLiteral("incident: ") + subject;
    case EventKind::Test:
        return QStringLiteral("test");
    case EventKind::Email:
        return QStringLiteral("email: ") + subject;
    }
    return subject;
}

QString DeliveryReport::filterDescription(const MessageFilter &f)
{
    QStringList parts;
    if (f.state)
        parts << QStringLiteral("state=") + toString(*f.state);
    if (f.kind)
        parts << QStringLiteral("event=") + toString(*f.kind);
    if (!f.endpointContains.isEmpty())
        parts << QStringLiteral("endpoint~") + f.endpointContains;
    if (!f.subscriberId.isEmpty())
        parts << QStringLiteral("subscriber=") + f.subscriberId;
    if (!f.text.isEmpty())
        parts << QStringLiteral("text=\"") + f.text + QLatin1Char('"');
    if (f.since.isValid())
        parts << QStringLiteral("created>=") + timefmt::isoUtc(f.since);
    return parts.isEmpty() ? QStringLiteral("all deliveries") : parts.join(QStringLiteral(", "));
}

QByteArray DeliveryReport::toCsv() const
{
    QString out =
        csv::joinRow({QStringLiteral("started_at"), QStringLiteral("webhook_id"),
                      QStringLiteral("event_kind"), QStringLiteral("subject"), QStringLiteral("endpoint"),
                      QStringLiteral("attempt"), QStringLiteral("trigger"), QStringLiteral("http_status"),
                      QStringLiteral("duration_ms"), QStringLiteral("result"), QStringLiteral("error_class"),
                      QStringLiteral("error")}) +
        QStringLiteral("\r\n");
    for (const Row &r : m_rows) {
        out += csv::joinRow({timefmt::isoUtc(r.startedAt), r.messageId, toString(r.kind), r.subject,
                             r.endpoint, QString::number(r.attemptNumber), toString(r.trigger),
                             QString::number(r.httpStatus), QString::number(r.durationMs),
                             r.success ? QStringLiteral("success") : QStringLiteral("failure"), r.errorClass,
                             r.errorText}) +
               QStringLiteral("\r\n");
    }
    return out.toUtf8();
}

QByteArray DeliveryReport::toJson() const
{
    QJsonArray attempts;
    for (const Row &r : m_rows) {
        attempts.append(QJsonObject{
            {QStringLiteral("started_at"), timefmt::isoUtc(r.startedAt)},
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
            {QStringLiteral("error"), r.errorText.isEmpty() ? QJsonValue() : QJsonValue(r.errorText)}});
    }
    QJsonArray endpoints;
    for (const Total &t : m_byEndpoint)
        endpoints.append(totalJson(t, QStringLiteral("endpoint")));
    QJsonArray events;
    for (const Total &t : m_byEvent)
        events.append(totalJson(t, QStringLiteral("event")));
    QJsonObject root{
        {QStringLiteral("generated_at"), timefmt::isoUtc(m_generatedAt)},
        {QStringLiteral("since"), m_since.isValid() ? QJsonValue(timefmt::isoUtc(m_since)) : QJsonValue()},
        {QStringLiteral("filter"), m_filterText},
        {QStringLiteral("totals"), totalJson(m_overall, QStringLiteral("scope"))},
        {QStringLiteral("by_endpoint"), endpoints},
        {QStringLiteral("by_event"), events},
        {QStringLiteral("attempts"), attempts}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString DeliveryReport::toHtml(const QString &chartImage) const
{
    auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    QString h;
    h += QStringLiteral("<html><head><meta charset=\"utf-8\"><title>Delivery report</title>"
                        "<style>body{font-family:sans-serif;font-size:10pt} table{border-collapse:collapse}"
                        "th,td{border:1px solid #999;padding:2px 6px} th{background:#eee} "
                        "td.n{text-align:right} .fail{color:#b00020}</style></head><body>");
    h += QStringLiteral("<h1>Webhook delivery report</h1>");
    h += QStringLiteral("<p>Generated %1 UTC. Attempts since %2. Filter: %3.</p>")
             .arg(esc(m_generatedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                  m_since.isValid() ? esc(timefmt::isoUtc(m_since)) : QStringLiteral("the beginning"),
                  esc(m_filterText));
    h += QStringLiteral(
             "<p><b>%1</b> attempts, <b>%2</b> succeeded, <b>%3</b> failed: success rate <b>%4</b>; "
             "mean %5 ms, p95 %6 ms.</p>")
             .arg(m_overall.attempts)
             .arg(m_overall.successes)
             .arg(m_overall.failures())
             .arg(percent(m_overall.successRate()))
             .arg(m_overall.meanMs)
             .arg(m_overall.p95Ms);
    if (!chartImage.isEmpty())
        h += QStringLiteral("<h2>Latency</h2><p><img src=\"%1\"></p>").arg(esc(chartImage));
    auto table = [&](const QString &title, const QString &keyHeader, const std::vector<Total> &rows) {
        h += QStringLiteral(
                 "<h2>%1</h2><table><tr><th>%2</th><th>Attempts</th><th>Succeeded</th><th>Failed</th>"
                 "<th>Success rate</th><th>Mean ms</th><th>p95 ms</th></tr>")
                 .arg(esc(title), esc(keyHeader));
        for (const Total &t : rows) {
            h += QStringLiteral(
                     "<tr><td>%1</td><td class=\"n\">%2</td><td class=\"n\">%3</td><td class=\"n\">%4</td>"
                     "<td class=\"n\">%5</td><td class=\"n\">%6</td><td class=\"n\">%7</td></tr>")
                     .arg(esc(t.key))
                     .arg(t.attempts)
                     .arg(t.successes)
                     .arg(t.failures())
                     .arg(percent(t.successRate()))
                     .arg(t.meanMs)
                     .arg(t.p95Ms);
        }
        h += QStringLiteral("</table>");
    };
    table(QStringLiteral("Per endpoint"), QStringLiteral("Endpoint"), m_byEndpoint);
    table(QStringLiteral("Per event"), QStringLiteral("Event"), m_byEvent);
    // The attempt list is capped so a printable report stays printable; CSV and JSON carry every row.
    constexpr size_t kMaxHtmlRows = 500;
    h += QStringLiteral("<h2>Attempts</h2>");
    if (m_rows.size() > kMaxHtmlRows)
        h +=
            QStringLiteral("<p>Showing the latest %1 of %2 attempts; export CSV or JSON for all of them.</p>")
                .arg(kMaxHtmlRows)
                .arg(m_rows.size());
    h += QStringLiteral(
        "<table><tr><th>Started (UTC)</th><th>Event</th><th>Endpoint</th><th>#</th><th>HTTP</th>"
        "<th>ms</th><th>Result</th></tr>");
    const size_t first = m_rows.size() > kMaxHtmlRows ? m_rows.size() - kMaxHtmlRows : 0;
    for (size_t i = first; i < m_rows.size(); ++i) {
        const Row &r = m_rows[i];
        const QString result =
            r.success
                ? QStringLiteral("ok")
                : QStringLiteral("<span class=\"fail\">%1</span>")
                      .arg(esc(r.errorClass +
                               (r.errorText.isEmpty() ? QString() : QStringLiteral(": ") + r.errorText)));
        h += QStringLiteral(
                 "<tr><td>%1</td><td>%2</td><td>%3</td><td class=\"n\">%4</td><td class=\"n\">%5</td>"
                 "<td class=\"n\">%6</td><td>%7</td></tr>")
                 .arg(esc(r.startedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                      esc(eventLabel(r.kind, r.subject)), esc(r.endpoint))
                 .arg(r.attemptNumber)
                 .arg(r.httpStatus)
                 .arg(r.durationMs)
                 .arg(result);
    }
    h += QStringLiteral("</table></body></html>");
    return h;
}

} // namespace sd
