#include "app/report/reportstream.h"

#include "models/endpointurl.h"
#include "models/sqliterows.h"
#include "models/store.h"
#include "models/values.h"

#include <QHash>
#include <QIODevice>
#include <QSet>
#include <algorithm>
#include <map>

namespace sd {
namespace {

const QString kRowColumns = QStringLiteral(
    "a.started_at, a.message_id, m.kind, m.subject_name, a.endpoint, a.attempt_number, a.trigger, "
    "a.http_status, a.duration_ms, a.error_class, a.error_text");

// The same rule as a Row's `success`, in SQL.
const QString kSuccess = QStringLiteral("CASE WHEN (a.error_class IS NULL OR a.error_class = '') AND "
                                        "a.http_status >= 200 AND a.http_status < 300 "
                                        "THEN 1 ELSE 0 END");

// DeliveryReport::latencyHistogram()'s buckets: <50 ms, <100, <250, <500, <1 s, <5 s, <30 s, >=30 s.
const qint64 kBucketLimits[] = {50, 100, 250, 500, 1000, 5000, 30000};

std::vector<DeliveryReport::Bucket> emptyBuckets()
{
    return {{QStringLiteral("<50ms"), 0},  {QStringLiteral("<100ms"), 0}, {QStringLiteral("<250ms"), 0},
            {QStringLiteral("<500ms"), 0}, {QStringLiteral("<1s"), 0},    {QStringLiteral("<5s"), 0},
            {QStringLiteral("<30s"), 0},   {QStringLiteral(">=30s"), 0}};
}

// 95th percentile as DeliveryReport always took it: the ceil(95 %)-th smallest, at least the first.
qint64 p95Rank(qint64 n)
{
    return std::max<qint64>((n * 95 + 99) / 100, 1);
}

bool writeAll(QIODevice &out, const QByteArray &bytes)
{
    return out.write(bytes) == bytes.size();
}

Error writeError(QIODevice &out)
{
    return Error{QStringLiteral("could not write the report: %1").arg(out.errorString())};
}

} // namespace

ReportStream::ReportStream(Store &store, const MessageFilter &filter, const QDateTime &since)
    : m_store(store)
    , m_filter(filter)
    , m_since(since)
{
    m_filter.limit = -1;
    m_filter.offset = 0;
    m_where = store.outbox.filterClause(m_filter, m_binds);
    m_where += m_where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ");
    m_where += QStringLiteral("a.started_at >= ?");
    m_binds << toDb(since.isValid() ? since : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
    m_snapshot = std::make_unique<ReadSnapshot>(store.db());
}

ReportStream::~ReportStream() = default;

QString ReportStream::base() const
{
    return QStringLiteral(" FROM attempts a JOIN messages m ON m.id = a.message_id JOIN subscribers s ON "
                          "s.id = m.subscriber_id") +
           m_where;
}

qint64 ReportStream::countRows()
{
    QSqlQuery &q = m_store.db().run(QStringLiteral("SELECT count(*)") + base(), m_binds);
    const qint64 n = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return n;
}

qint64 ReportStream::forEachRow(const std::function<bool(const Row &)> &visit)
{
    const QString sql =
        QStringLiteral("SELECT ") + kRowColumns + base() + QStringLiteral(" ORDER BY a.started_at, a.id");
    // Endpoints repeat on every attempt: redact each spelling once (bounded, in case there are very many).
    QHash<QString, QString> redactedEndpoints;
    qint64 count = 0;
    Row r;
    // One row from any reader with isNull/integer/text; the same for both paths below.
    auto visitRow = [&](auto &q) {
        r.startedAt = q.isNull(0) ? QDateTime() : QDateTime::fromMSecsSinceEpoch(q.integer(0), Qt::UTC);
        r.messageId = q.text(1);
        r.kind = parseEventKind(q.text(2)).value_or(EventKind::Component);
        r.subject = q.text(3);
        // Attempts are recorded redacted; older rows may not be.
        const QString endpoint = q.text(4);
        auto it = redactedEndpoints.constFind(endpoint);
        if (it == redactedEndpoints.cend()) {
            if (redactedEndpoints.size() > 4096)
                redactedEndpoints.clear();
            it = redactedEndpoints.insert(endpoint, endpointurl::redacted(endpoint));
        }
        r.endpoint = *it;
        r.attemptNumber = static_cast<int>(q.integer(5));
        r.trigger = parseAttemptTrigger(q.text(6)).value_or(AttemptTrigger::Automatic);
        r.httpStatus = static_cast<int>(q.integer(7));
        r.durationMs = q.integer(8);
        r.errorClass = q.text(9);
        r.errorText = endpointurl::redacted(q.text(10));
        r.success = r.errorClass.isEmpty() && r.httpStatus >= 200 && r.httpStatus < 300;
        ++count;
        return visit(r);
    };
    if (SqliteRows::available(m_store.db())) {
        // SQLite's own API: no QVariant and no UTF-16 round trip per value (a third of the CSV's time).
        SqliteRows q(*m_snapshot, sql, m_binds);
        while (q.next() && visitRow(q)) {
        }
        m_pages = 1;
        return count;
    }
    StreamQuery query(*m_snapshot, sql, m_binds, m_pageSize);
    struct Values
    {
        StreamQuery &q;
        bool isNull(int c) const { return q.value(c).isNull(); }
        qint64 integer(int c) const { return q.value(c).toLongLong(); }
        QString text(int c) const { return q.value(c).toString(); }
    } values{query};
    while (query.next() && visitRow(values)) {
    }
    m_pages = query.pagesFetched();
    return count;
}

std::vector<ReportStream::Row> ReportStream::latestRows(int count)
{
    // The newest `count` by start, read newest first with a bound, then put back in start order.
    std::vector<Row> out;
    StreamQuery q(*m_snapshot,
                  QStringLiteral("SELECT ") + kRowColumns + base() +
                      QStringLiteral(" ORDER BY a.started_at DESC, a.id DESC") +
                      m_store.db().limitClause(std::max(0, count)),
                  m_binds, m_pageSize);
    while (q.next()) {
        Row r;
        r.startedAt = dateFromDb(q.value(0));
        r.messageId = q.value(1).toString();
        r.kind = parseEventKind(q.value(2).toString()).value_or(EventKind::Component);
        r.subject = q.value(3).toString();
        r.endpoint = endpointurl::redacted(q.value(4).toString());
        r.attemptNumber = q.value(5).toInt();
        r.trigger = parseAttemptTrigger(q.value(6).toString()).value_or(AttemptTrigger::Automatic);
        r.httpStatus = q.value(7).toInt();
        r.durationMs = q.value(8).toLongLong();
        r.errorClass = q.value(9).toString();
        r.errorText = endpointurl::redacted(q.value(10).toString());
        r.success = r.errorClass.isEmpty() && r.httpStatus >= 200 && r.httpStatus < 300;
        out.push_back(std::move(r));
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::vector<ReportStream::Total>
ReportStream::groupTotals(const QString &rawKeys, int keyCount,
                          const std::function<QString(const StreamQuery &)> &finalKey)
{
    // Count, successes, sum and the p95 duration of each group in one pass of the database: the p95 is
    // the row whose rank within its group (by duration) is ceil(95 %) of the group's size.
    const QString partition = rawKeys.isEmpty() ? QString() : QStringLiteral("PARTITION BY ") + rawKeys;
    const QString keys = rawKeys.isEmpty() ? QString() : rawKeys + QStringLiteral(", ");
    const QString sql =
        QStringLiteral("SELECT * FROM (SELECT ") + keys +
        QStringLiteral(
            "a.duration_ms AS d, row_number() OVER (%1 ORDER BY a.duration_ms) AS rn, "
            "count(*) OVER (%1) AS n, sum(%2) OVER (%1) AS ok, sum(a.duration_ms) OVER (%1) AS total")
            .arg(partition, kSuccess) +
        base() +
        QStringLiteral(
            ") w WHERE rn = CASE WHEN (n * 95 + 99) / 100 < 1 THEN 1 ELSE (n * 95 + 99) / 100 END");
    struct Group
    {
        Total total;
        qint64 sum = 0;
        int rawGroups = 0;
    };
    std::map<QString, Group> groups; // the key as shown (a redacted endpoint, an event label)
    {
        StreamQuery q(*m_snapshot, sql, m_binds, m_pageSize);
        while (q.next()) {
            Group &g = groups[finalKey(q)];
            g.total.attempts += static_cast<int>(q.value(keyCount + 2).toLongLong());
            g.total.successes += static_cast<int>(q.value(keyCount + 3).toLongLong());
            g.sum += q.value(keyCount + 4).toLongLong();
            g.total.p95Ms = q.value(keyCount).toLongLong();
            ++g.rawGroups;
        }
    }
    // Two stored spellings may show as one (a password redacted, two "test" subjects): their p95 comes from
    // one more pass over the durations in order, counting only for those groups.
    std::map<QString, qint64> merged; // shown key -> rows seen so far
    for (const auto &[key, g] : groups) {
        if (g.rawGroups > 1)
            merged.emplace(key, 0);
    }
    if (!merged.empty()) {
        StreamQuery q(*m_snapshot,
                      QStringLiteral("SELECT ") + keys + QStringLiteral("a.duration_ms") + base() +
                          QStringLiteral(" ORDER BY a.duration_ms"),
                      m_binds, m_pageSize);
        while (q.next()) {
            const auto it = merged.find(finalKey(q));
            if (it == merged.end())
                continue;
            Group &g = groups[it->first];
            if (++it->second == p95Rank(g.total.attempts))
                g.total.p95Ms = q.value(keyCount).toLongLong();
        }
    }
    std::vector<Total> out;
    out.reserve(groups.size());
    for (auto &[key, g] : groups) {
        g.total.key = key;
        g.total.meanMs = g.total.attempts > 0 ? g.sum / g.total.attempts : 0;
        out.push_back(g.total);
    }
    return out;
}

ReportStream::Summary ReportStream::summary()
{
    Summary s;
    const std::vector<Total> overall =
        groupTotals({}, 0, [](const StreamQuery &) { return QStringLiteral("all"); });
    if (!overall.empty())
        s.overall = overall.front();
    s.overall.key = QStringLiteral("all");
    s.byEndpoint = groupTotals(QStringLiteral("a.endpoint"), 1, [](const StreamQuery &q) {
        return endpointurl::redacted(q.value(0).toString());
    });
    s.byEvent = groupTotals(QStringLiteral("m.kind, m.subject_name"), 2, [](const StreamQuery &q) {
        return DeliveryReport::eventLabel(
            parseEventKind(q.value(0).toString()).value_or(EventKind::Component), q.value(1).toString());
    });
    s.histogram = emptyBuckets();
    QString bucket = QStringLiteral("CASE");
    for (size_t i = 0; i < std::size(kBucketLimits); ++i)
        bucket += QStringLiteral(" WHEN a.duration_ms < %1 THEN %2").arg(kBucketLimits[i]).arg(i);
    bucket += QStringLiteral(" ELSE %1 END").arg(std::size(kBucketLimits));
    {
        StreamQuery q(*m_snapshot,
                      QStringLiteral("SELECT ") + bucket + QStringLiteral(" AS b, count(*), sum(") +
                          kSuccess + QStringLiteral(")") + base() + QStringLiteral(" GROUP BY b"),
                      m_binds, m_pageSize);
        while (q.next()) {
            const int b = q.value(0).toInt();
            if (b < 0 || b >= static_cast<int>(s.histogram.size()))
                continue;
            Bucket &bar = s.histogram[static_cast<size_t>(b)];
            bar.count = static_cast<int>(q.value(1).toLongLong());
            bar.failures = bar.count - static_cast<int>(q.value(2).toLongLong());
        }
    }
    s.statusCodes = statusBreakdown();
    return s;
}

DeliveryReport::StatusBreakdown ReportStream::statusBreakdown()
{
    DeliveryReport::StatusBreakdown out;
    const QStringList classNames{QStringLiteral("2xx"),   QStringLiteral("3xx"),
                                 QStringLiteral("4xx"),   QStringLiteral("5xx"),
                                 QStringLiteral("other"), QStringLiteral("no_response")};
    for (const QString &name : classNames)
        out.classes.push_back({name, 0});
    // Three aggregate queries over the same snapshot: per class, per code (top ten), per transport error.
    {
        StreamQuery q(*m_snapshot,
                      QStringLiteral("SELECT CASE WHEN a.http_status >= 200 AND a.http_status < 300 THEN 0 "
                                     "WHEN a.http_status >= 300 AND a.http_status < 400 THEN 1 "
                                     "WHEN a.http_status >= 400 AND a.http_status < 500 THEN 2 "
                                     "WHEN a.http_status >= 500 AND a.http_status < 600 THEN 3 "
                                     "WHEN a.http_status > 0 THEN 4 ELSE 5 END AS c, count(*)") +
                          base() + QStringLiteral(" GROUP BY c"),
                      m_binds, m_pageSize);
        while (q.next()) {
            const int c = q.value(0).toInt();
            if (c >= 0 && c < static_cast<int>(out.classes.size()))
                out.classes[static_cast<size_t>(c)].count = static_cast<int>(q.value(1).toLongLong());
        }
    }
    {
        StreamQuery q(*m_snapshot,
                      QStringLiteral("SELECT a.http_status, count(*) AS n") + base() +
                          QStringLiteral(" AND a.http_status > 0 GROUP BY a.http_status ORDER BY n DESC, "
                                         "a.http_status") +
                          m_store.db().limitClause(10),
                      m_binds, m_pageSize);
        while (q.next())
            out.topCodes.push_back(
                {QString::number(q.value(0).toInt()), static_cast<int>(q.value(1).toLongLong())});
    }
    {
        StreamQuery q(*m_snapshot,
                      QStringLiteral("SELECT COALESCE(a.error_class, ''), count(*) AS n") + base() +
                          QStringLiteral(" AND a.http_status <= 0 GROUP BY COALESCE(a.error_class, '') "
                                         "ORDER BY n DESC, COALESCE(a.error_class, '')"),
                      m_binds, m_pageSize);
        while (q.next()) {
            const QString errorClass = q.value(0).toString();
            out.transportErrors.push_back({errorClass.isEmpty() ? QStringLiteral("unknown") : errorClass,
                                           static_cast<int>(q.value(1).toLongLong())});
        }
    }
    return out;
}

Result<qint64> ReportStream::writeRows(QIODevice &out, const QByteArray &head,
                                       const std::function<QByteArray(const Row &, qint64 index)> &bytes,
                                       const std::function<void(const Row &)> &written,
                                       const Progress &progress)
{
    if (!writeAll(out, head))
        return writeError(out);
    bool failed = false;
    bool cancelled = false;
    qint64 rows = 0;
    forEachRow([&](const Row &r) {
        if (!writeAll(out, bytes(r, rows))) {
            failed = true;
            return false;
        }
        ++rows;
        written(r);
        if (progress && rows % 4096 == 0 && !progress(rows)) {
            cancelled = true;
            return false;
        }
        return true;
    });
    if (failed)
        return writeError(out);
    if (cancelled)
        return Error{QStringLiteral("cancelled")};
    return rows;
}

Result<ReportStream::Written> ReportStream::writeCsv(QIODevice &out, const Progress &progress)
{
    try {
        Written w;
        QSet<QString> endpoints; // shares the rows' strings; as many as there are endpoints, not attempts
        const Result<qint64> rows = writeRows(
            out, reportfmt::csvHeader(), [](const Row &r, qint64) { return reportfmt::csvLine(r); },
            [&](const Row &r) {
                w.successes += r.success ? 1 : 0;
                endpoints.insert(r.endpoint);
            },
            progress);
        if (!rows)
            return Error{rows.error()};
        w.attempts = rows.value();
        w.endpoints = endpoints.size();
        if (progress)
            progress(w.attempts);
        return w;
    } catch (const StoreError &e) {
        return Error{QStringLiteral("database error: %1").arg(e.message())};
    }
}

Result<ReportStream::Written> ReportStream::writeJson(QIODevice &out, const QDateTime &generatedAt,
                                                      const Progress &progress)
{
    try {
        const Result<qint64> rows = writeRows(
            out, reportfmt::jsonHead(),
            [](const Row &r, qint64 index) { return reportfmt::jsonRow(r, index == 0); }, [](const Row &) {},
            progress);
        if (!rows)
            return Error{rows.error()};
        const qint64 written = rows.value();
        // Totals after the rows, from the same snapshot, so they count exactly the rows above.
        const Summary s = summary();
        if (!writeAll(out, reportfmt::jsonTail(written > 0, s, m_since,
                                               DeliveryReport::filterDescription(m_filter), generatedAt)))
            return writeError(out);
        if (progress)
            progress(written);
        return Written{written, s.overall.successes, static_cast<qint64>(s.byEndpoint.size())};
    } catch (const StoreError &e) {
        return Error{QStringLiteral("database error: %1").arg(e.message())};
    }
}

} // namespace sd
