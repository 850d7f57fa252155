#pragma once

#include "models/domain.h"
#include "models/outboxrepository.h"
#include "models/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <vector>

namespace sd {

class Store;

// A delivery report: one row per attempt plus totals per endpoint and per event. Widget-free so the
// console and `statusdesk-cli report --format csv|json` produce the same bytes.
class DeliveryReport final
{
public:
    struct Row // one attempt
    {
        QDateTime startedAt;
        QString messageId; // the webhook-id the receiver saw
        EventKind kind = EventKind::Component;
        QString subject;
        QString endpoint;
        int attemptNumber = 0;
        AttemptTrigger trigger = AttemptTrigger::Automatic;
        int httpStatus = 0;
        qint64 durationMs = 0;
        QString errorClass;
        QString errorText;
        bool success = false;
    };
    struct Total
    {
        QString key; // endpoint, or event label
        int attempts = 0;
        int successes = 0;
        qint64 p95Ms = 0;
        qint64 meanMs = 0;
        int failures() const { return attempts - successes; }
        double successRate() const { return attempts == 0 ? 0.0 : static_cast<double>(successes) / attempts; }
    };
    struct Bucket // latency histogram bar
    {
        QString label;
        int count = 0;    // every attempt in the bucket
        int failures = 0; // of which failed (the chart draws them in their own colour)
    };
    struct CodeCount
    {
        QString key; // "2xx", "500", "timeout", ...
        int count = 0;
    };
    // What the receivers answered, from aggregate queries over every attempt in the report.
    struct StatusBreakdown
    {
        // Always the six classes, in this order: 2xx, 3xx, 4xx, 5xx, other (an HTTP status outside
        // 200-599), no_response (no HTTP status: a transport error or a refused target).
        std::vector<CodeCount> classes;
        std::vector<CodeCount> topCodes;        // the most frequent HTTP statuses, at most 10, most first
        std::vector<CodeCount> transportErrors; // error classes of the no_response attempts, most first
    };

    // Every attempt in memory: for small reports and tests. Exports stream instead (ReportStream).
    static Result<DeliveryReport> build(Store &store, const MessageFilter &filter, const QDateTime &since);
    // The totals and latency buckets of every attempt (aggregate queries) with only the latest
    // `latestRows` attempts in rows(): what the printable report shows, at any size.
    static Result<DeliveryReport> summarize(Store &store, const MessageFilter &filter, const QDateTime &since,
                                            int latestRows = 500);

    const std::vector<Row> &rows() const { return m_rows; }
    const std::vector<Total> &byEndpoint() const { return m_byEndpoint; }
    const std::vector<Total> &byEvent() const { return m_byEvent; }
    const Total &overall() const { return m_overall; }
    QDateTime since() const { return m_since; }
    QDateTime generatedAt() const { return m_generatedAt; }
    // Successful and failed attempts by duration: <50 ms, <100, <250, <500, <1 s, <5 s, <30 s, >=30 s.
    std::vector<Bucket> latencyHistogram() const { return m_histogram; }
    const StatusBreakdown &statusCodes() const { return m_statusCodes; }

    static QString eventLabel(EventKind kind, const QString &subject);
    static QString filterDescription(const MessageFilter &filter);

    QByteArray toCsv() const;
    QByteArray toJson() const;
    // The summary as CSV (section,key,count): totals, status classes, top codes, transport errors and
    // the latency buckets; what a spreadsheet needs without one row per attempt.
    QByteArray toSummaryCsv() const;
    // Printable HTML; every text from the database is escaped. When chartImage is set the document shows
    // <img src="chartImage"> (the PDF renderer registers the chart under that name).
    QString toHtml(const QString &chartImage = {}) const;

private:
    static Result<DeliveryReport> read(Store &store, const MessageFilter &filter, const QDateTime &since,
                                       int latestRows);
    std::vector<Row> m_rows;
    std::vector<Bucket> m_histogram;
    std::vector<Total> m_byEndpoint;
    std::vector<Total> m_byEvent;
    StatusBreakdown m_statusCodes;
    Total m_overall;
    QDateTime m_since;
    QDateTime m_generatedAt;
    QString m_filterText;
};

} // namespace sd
