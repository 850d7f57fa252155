#include "app/report/deliveryreport.h"

#include "app/formats/csv.h"
#include "app/report/reportstream.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <algorithm>

namespace sd {
namespace {

QString percent(double rate)
{
    return QString::number(rate * 100.0, 'f', 1) + QStringLiteral(" %");
}

} // namespace

Result<DeliveryReport> DeliveryReport::read(Store &store, const MessageFilter &filter, const QDateTime &since,
                                            int latestRows)
{
    DeliveryReport report;
    report.m_since = since;
    report.m_generatedAt = QDateTime::currentDateTimeUtc();
    report.m_filterText = filterDescription(filter);
    try {
        ReportStream stream(store, filter, since);
        if (latestRows < 0) {
            stream.forEachRow([&report](const Row &r) {
                report.m_rows.push_back(r);
                return true;
            });
        } else {
            report.m_rows = stream.latestRows(latestRows);
        }
        ReportStream::Summary summary = stream.summary();
        report.m_overall = summary.overall;
        report.m_byEndpoint = std::move(summary.byEndpoint);
        report.m_byEvent = std::move(summary.byEvent);
        report.m_histogram = std::move(summary.histogram);
        report.m_statusCodes = std::move(summary.statusCodes);
    } catch (const StoreError &e) {
        return Error{QStringLiteral("database error: %1").arg(e.message())};
    }
    return report;
}

Result<DeliveryReport> DeliveryReport::build(Store &store, const MessageFilter &filter,
                                             const QDateTime &since)
{
    return read(store, filter, since, -1);
}

Result<DeliveryReport> DeliveryReport::summarize(Store &store, const MessageFilter &filter,
                                                 const QDateTime &since, int latestRows)
{
    return read(store, filter, since, std::max(0, latestRows));
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
    QByteArray out = reportfmt::csvHeader();
    for (const Row &r : m_rows)
        out += reportfmt::csvLine(r);
    return out;
}

QByteArray DeliveryReport::toJson() const
{
    QByteArray out = reportfmt::jsonHead();
    for (size_t i = 0; i < m_rows.size(); ++i)
        out += reportfmt::jsonRow(m_rows[i], i == 0);
    const ReportStream::Summary summary{m_overall, m_byEndpoint, m_byEvent, m_histogram, m_statusCodes};
    out += reportfmt::jsonTail(!m_rows.empty(), summary, m_since, m_filterText, m_generatedAt);
    return out;
}

QByteArray DeliveryReport::toSummaryCsv() const
{
    QString out = csv::joinRow({QStringLiteral("section"), QStringLiteral("key"), QStringLiteral("count")}) +
                  QStringLiteral("\r\n");
    auto line = [&out](const QString &section, const QString &key, qint64 count) {
        out += csv::joinRow({section, key, QString::number(count)}) + QStringLiteral("\r\n");
    };
    line(QStringLiteral("totals"), QStringLiteral("attempts"), m_overall.attempts);
    line(QStringLiteral("totals"), QStringLiteral("succeeded"), m_overall.successes);
    line(QStringLiteral("totals"), QStringLiteral("failed"), m_overall.failures());
    for (const CodeCount &c : m_statusCodes.classes)
        line(QStringLiteral("status_class"), c.key, c.count);
    for (const CodeCount &c : m_statusCodes.topCodes)
        line(QStringLiteral("status_code"), c.key, c.count);
    for (const CodeCount &c : m_statusCodes.transportErrors)
        line(QStringLiteral("transport_error"), c.key, c.count);
    for (const Bucket &b : m_histogram) {
        line(QStringLiteral("latency_succeeded"), b.label, b.count - b.failures);
        line(QStringLiteral("latency_failed"), b.label, b.failures);
    }
    return out.toUtf8();
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
    // Exports say ISO 8601 in UTC, as the CSV and JSON do.
    h += QStringLiteral("<p>Generated %1. Attempts since %2. Filter: %3.</p>")
             .arg(esc(timefmt::isoUtc(m_generatedAt)),
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
    // <thead>: a table that runs over several PDF pages repeats its header row on each.
    auto table = [&](const QString &title, const QString &keyHeader, const std::vector<Total> &rows) {
        h += QStringLiteral(
                 "<h2>%1</h2><table><thead><tr><th>%2</th><th>Attempts</th><th>Succeeded</th><th>Failed</th>"
                 "<th>Success rate</th><th>Mean ms</th><th>p95 ms</th></tr></thead>")
                 .arg(esc(title), esc(keyHeader));
        // Bounded like the attempt list: with more groups than a page can hold, the ones with the most
        // failures (in their usual order); the JSON report carries every group.
        constexpr size_t kMaxGroups = 500;
        std::vector<const Total *> shown;
        for (const Total &t : rows)
            shown.push_back(&t);
        if (shown.size() > kMaxGroups) {
            std::stable_sort(shown.begin(), shown.end(),
                             [](const Total *a, const Total *b) { return a->failures() > b->failures(); });
            shown.resize(kMaxGroups);
            std::sort(shown.begin(), shown.end());
        }
        for (const Total *group : shown) {
            const Total &t = *group;
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
        if (rows.size() > shown.size())
            h += QStringLiteral(
                     "<p>Showing the %1 of %2 with the most failures; the JSON report has all of them.</p>")
                     .arg(shown.size())
                     .arg(rows.size());
    };
    // What the receivers answered: classes side by side, then the top codes and the transport errors.
    {
        const auto &codes = m_statusCodes;
        h += QStringLiteral("<h2>Status codes</h2><table><tr>");
        for (const CodeCount &c : codes.classes)
            h += QStringLiteral("<th>%1</th>")
                     .arg(esc(c.key == QLatin1String("no_response") ? QStringLiteral("no response") : c.key));
        h += QStringLiteral("</tr><tr>");
        for (const CodeCount &c : codes.classes)
            h += QStringLiteral("<td class=\"n\">%1</td>").arg(c.count);
        h += QStringLiteral("</tr></table>");
        auto list = [&](const QString &title, const QString &keyHeader, const std::vector<CodeCount> &rows) {
            if (rows.empty())
                return;
            h += QStringLiteral("<h3>%1</h3><table><tr><th>%2</th><th>Attempts</th></tr>")
                     .arg(esc(title), esc(keyHeader));
            for (const CodeCount &c : rows)
                h += QStringLiteral("<tr><td>%1</td><td class=\"n\">%2</td></tr>")
                         .arg(esc(c.key))
                         .arg(c.count);
            h += QStringLiteral("</table>");
        };
        list(QStringLiteral("Top HTTP status codes"), QStringLiteral("Code"), codes.topCodes);
        list(QStringLiteral("No response: transport errors"), QStringLiteral("Error class"),
             codes.transportErrors);
    }
    table(QStringLiteral("Per endpoint"), QStringLiteral("Endpoint"), m_byEndpoint);
    table(QStringLiteral("Per event"), QStringLiteral("Event"), m_byEvent);
    // The attempt list is capped so a printable report stays printable; CSV and JSON carry every row.
    constexpr size_t kMaxHtmlRows = 500;
    h += QStringLiteral("<h2>Attempts</h2>");
    // A summarized report holds only the latest rows; the count of all of them comes from the totals.
    const qint64 allRows = std::max<qint64>(m_overall.attempts, static_cast<qint64>(m_rows.size()));
    const size_t shown = std::min(m_rows.size(), kMaxHtmlRows);
    if (allRows > static_cast<qint64>(shown))
        h +=
            QStringLiteral("<p>Showing the latest %1 of %2 attempts; export CSV or JSON for all of them.</p>")
                .arg(shown)
                .arg(allRows);
    h += QStringLiteral(
        "<table><thead><tr><th>Started</th><th>Event</th><th>Endpoint</th><th>#</th><th>HTTP</th>"
        "<th>ms</th><th>Result</th></tr></thead>");
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
                 .arg(esc(timefmt::isoUtc(r.startedAt)), esc(eventLabel(r.kind, r.subject)), esc(r.endpoint))
                 .arg(r.attemptNumber)
                 .arg(r.httpStatus)
                 .arg(r.durationMs)
                 .arg(result);
    }
    h += QStringLiteral("</table></body></html>");
    return h;
}

} // namespace sd
