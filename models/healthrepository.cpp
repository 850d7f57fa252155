#include "models/healthrepository.h"

#include "models/values.h"

#include <QHash>
#include <QStringList>
#include <algorithm>
#include <functional>
#include <map>

namespace sd {
namespace {

// v9's backfill is written out from these bounds too (migrations.cpp); never change them (stored counts
// depend on them).
constexpr std::array<qint64, LatencyHistogram::kBuckets - 1> kBounds{
    1,   2,   3,   4,    6,    8,    11,   16,   23,   32,   45,    64,    91,    128,   181,  256,
    362, 512, 724, 1024, 1448, 2048, 2896, 4096, 5793, 8192, 11585, 16384, 23170, 32768, 65536};

constexpr qint64 kHourMs = 3600 * 1000;

QString bucketColumns(const QString &prefix = {})
{
    QStringList cols;
    for (int k = 0; k < LatencyHistogram::kBuckets; ++k)
        cols << prefix + QStringLiteral("b%1").arg(k);
    return cols.join(QStringLiteral(", "));
}

// "bK = table.bK + excluded.bK" for every bucket.
QString bucketSums(const QString &table)
{
    QStringList sets;
    for (int k = 0; k < LatencyHistogram::kBuckets; ++k)
        sets << QStringLiteral("b%1 = %2.b%1 + excluded.b%1").arg(k).arg(table);
    return sets.join(QStringLiteral(", "));
}

struct Totals
{
    HealthCounts counts;
    const Attempt *last = nullptr;
};

void add(HealthCounts &c, const Attempt &a)
{
    ++c.attempts;
    if (HealthRepository::succeeded(a))
        ++c.successes;
    c.latencySumMs += a.durationMs;
    c.latency.add(a.durationMs);
}

// Reads attempts, successes, latency_sum_ms, latency_max_ms and b0..b31 starting at column `first`.
HealthCounts readCounts(const QSqlQuery &q, int first)
{
    HealthCounts c;
    c.attempts = q.value(first).toLongLong();
    c.successes = q.value(first + 1).toLongLong();
    c.latencySumMs = q.value(first + 2).toLongLong();
    c.latency.maxMs = q.value(first + 3).toLongLong();
    for (int k = 0; k < LatencyHistogram::kBuckets; ++k)
        c.latency.counts[static_cast<size_t>(k)] = q.value(first + 4 + k).toLongLong();
    const QVariant min = q.value(first + 4 + LatencyHistogram::kBuckets);
    c.latency.minMs = min.isNull() ? -1 : min.toLongLong();
    return c;
}

QString summedColumns()
{
    QStringList cols{QStringLiteral("SUM(attempts)"), QStringLiteral("SUM(successes)"),
                     QStringLiteral("SUM(latency_sum_ms)"), QStringLiteral("MAX(latency_max_ms)")};
    for (int k = 0; k < LatencyHistogram::kBuckets; ++k)
        cols << QStringLiteral("SUM(b%1)").arg(k);
    // One hour from before schema v13 (NULL: not known) leaves the minimum of the sum unknown.
    cols << QStringLiteral("CASE WHEN COUNT(latency_min_ms) = COUNT(*) THEN MIN(latency_min_ms) END");
    return cols.join(QStringLiteral(", "));
}

const QString kLifetimeColumns = QStringLiteral(
    "subscriber_id, attempts, successes, latency_sum_ms, latency_max_ms, last_at, last_http_status, "
    "last_error_class, last_error, last_latency_ms, ");

EndpointHealth readLifetime(const QSqlQuery &q)
{
    EndpointHealth h;
    h.subscriberId = q.value(0).toString();
    h.lifetime.attempts = q.value(1).toLongLong();
    h.lifetime.successes = q.value(2).toLongLong();
    h.lifetime.latencySumMs = q.value(3).toLongLong();
    h.lifetime.latency.maxMs = q.value(4).toLongLong();
    h.lastAt = dateFromDb(q.value(5));
    h.lastHttpStatus = q.value(6).toInt();
    h.lastErrorClass = q.value(7).toString();
    h.lastError = q.value(8).toString();
    h.lastLatencyMs = q.value(9).isNull() ? -1 : q.value(9).toLongLong();
    for (int k = 0; k < LatencyHistogram::kBuckets; ++k)
        h.lifetime.latency.counts[static_cast<size_t>(k)] = q.value(10 + k).toLongLong();
    const QVariant min = q.value(10 + LatencyHistogram::kBuckets);
    h.lifetime.latency.minMs = min.isNull() ? -1 : min.toLongLong();
    return h;
}

} // namespace

int LatencyHistogram::bucketOf(qint64 ms)
{
    const auto it = std::lower_bound(kBounds.begin(), kBounds.end(), ms);
    return static_cast<int>(it - kBounds.begin());
}

qint64 LatencyHistogram::upperBound(int bucket)
{
    return bucket >= 0 && bucket < static_cast<int>(kBounds.size()) ? kBounds[static_cast<size_t>(bucket)]
                                                                    : -1;
}

void LatencyHistogram::add(qint64 ms)
{
    ++counts[static_cast<size_t>(bucketOf(ms))];
    maxMs = std::max(maxMs, ms);
    minMs = minMs < 0 ? ms : std::min(minMs, ms);
}

void LatencyHistogram::add(const LatencyHistogram &other)
{
    const bool wasEmpty = total() == 0;
    for (size_t k = 0; k < counts.size(); ++k)
        counts[k] += other.counts[k];
    maxMs = std::max(maxMs, other.maxMs);
    // An unknown minimum on either side leaves the sum's unknown (unless one side holds nothing).
    if (wasEmpty)
        minMs = other.minMs;
    else if (other.total() > 0)
        minMs = minMs < 0 || other.minMs < 0 ? -1 : std::min(minMs, other.minMs);
}

qint64 LatencyHistogram::total() const
{
    qint64 n = 0;
    for (const qint64 c : counts)
        n += c;
    return n;
}

qint64 LatencyHistogram::percentile(int p) const
{
    const qint64 n = total();
    if (n == 0)
        return -1;
    const qint64 rank = std::max<qint64>((n * p + 99) / 100, 1);
    qint64 before = 0;
    for (int k = 0; k < kBuckets; ++k) {
        const qint64 here = counts[static_cast<size_t>(k)];
        if (before + here >= rank) {
            // Linear within the bucket, which never reaches past the slowest attempt seen.
            const qint64 bound = upperBound(k);
            const double hi = static_cast<double>(bound < 0 ? maxMs : std::min(bound, maxMs));
            double lo = std::min(hi, static_cast<double>(k == 0 ? 0 : upperBound(k - 1)));
            if (minMs >= 0)
                lo = std::min(hi, std::max(lo, static_cast<double>(minMs)));
            const double at = lo + (hi - lo) * static_cast<double>(rank - before) / static_cast<double>(here);
            return std::min(static_cast<qint64>(at + 0.5), maxMs);
        }
        before += here;
    }
    return maxMs;
}

bool HealthRepository::counts(const Attempt &a)
{
    return !a.endpoint.startsWith(QLatin1String("mailto:"));
}

bool HealthRepository::succeeded(const Attempt &a)
{
    return a.errorClass.isEmpty() && a.httpStatus >= 200 && a.httpStatus < 300;
}

void HealthRepository::record(const std::vector<Attempt> &attempts)
{
    // Summed per endpoint and per endpoint-hour first: one row each per batch.
    std::map<QString, Totals> lifetime;
    std::map<std::pair<QString, qint64>, HealthCounts> hours;
    for (const Attempt &a : attempts) {
        if (!counts(a))
            continue;
        Totals &t = lifetime[a.subscriberId];
        add(t.counts, a);
        if (!t.last || a.startedAt >= t.last->startedAt)
            t.last = &a;
        const qint64 hour = a.startedAt.toMSecsSinceEpoch() / kHourMs * kHourMs;
        add(hours[{a.subscriberId, hour}], a);
    }
    if (lifetime.empty())
        return;
    const QVariant now = toDb(QDateTime::currentDateTimeUtc());

    // The sums go to the database as one staging row per non-empty latency bucket (an attempt fills one of
    // the 32), which SQL adds up per endpoint: a dozen values per attempt instead of 44, and binding values
    // is what QtSql spends its time on. Every row of an endpoint repeats its maximum, minimum and last
    // result; only the first carries the counts, so rows split over two statements still add up.
    // ORDER BY: every engine locks the rows it adds to in the same order (no deadlock between two
    // PostgreSQL writers).
    const QString bucketSelect = [] {
        QStringList cols;
        for (int k = 0; k < LatencyHistogram::kBuckets; ++k)
            cols << QStringLiteral("SUM(CASE WHEN bucket = %1 THEN n ELSE 0 END)").arg(k);
        return cols.join(QStringLiteral(", "));
    }();
    const QString number = QStringLiteral("CAST(? AS BIGINT)"); // PostgreSQL types VALUES parameters as text

    // The last result moves only forward in time: an older batch committed later keeps the newer one.
    QStringList lastSets;
    for (const char *col :
         {"last_http_status", "last_error_class", "last_error", "last_latency_ms", "last_at"})
        lastSets << QStringLiteral("%1 = CASE WHEN endpoint_health.last_at IS NULL OR excluded.last_at >= "
                                   "endpoint_health.last_at THEN excluded.%1 ELSE endpoint_health.%1 END")
                        .arg(QLatin1String(col));
    const QString lifetimeHead = QStringLiteral(
        "WITH v (subscriber_id, bucket, n, attempts, successes, latency_sum_ms, latency_max_ms, "
        "latency_min_ms, last_at, last_http_status, last_error_class, last_error, "
        "last_latency_ms) AS (VALUES ");
    const QString lifetimeRow = QStringLiteral("(?, ") + QStringList(9, number).join(QStringLiteral(", ")) +
                                QStringLiteral(", ?, ?, ") + number + QLatin1Char(')');
    const QString lifetimeInsert =
        QStringLiteral(") INSERT INTO endpoint_health (") + kLifetimeColumns +
        QStringLiteral("updated_at, ") + bucketColumns() +
        QStringLiteral(", latency_min_ms) SELECT subscriber_id, SUM(attempts), SUM(successes), "
                       "SUM(latency_sum_ms), MAX(latency_max_ms), MAX(last_at), MAX(last_http_status), "
                       "MAX(last_error_class), MAX(last_error), MAX(last_latency_ms), ") +
        number + QStringLiteral(", ") + bucketSelect +
        QStringLiteral(
            ", MIN(latency_min_ms) FROM v WHERE true GROUP BY subscriber_id ORDER BY subscriber_id");
    // The fastest so far; a row from before schema v13 (NULL: not known) stays unknown.
    const auto minUpdate = [](const char *table) {
        return QStringLiteral("latency_min_ms = CASE WHEN %1.latency_min_ms IS NULL THEN NULL WHEN "
                              "excluded.latency_min_ms < %1.latency_min_ms THEN excluded.latency_min_ms ELSE "
                              "%1.latency_min_ms END, ")
            .arg(QLatin1String(table));
    };
    const QString lifetimeTail =
        QStringLiteral(
            " ON CONFLICT (subscriber_id) DO UPDATE SET attempts = endpoint_health.attempts + "
            "excluded.attempts, successes = endpoint_health.successes + excluded.successes, latency_sum_ms = "
            "endpoint_health.latency_sum_ms + excluded.latency_sum_ms, latency_max_ms = CASE WHEN "
            "excluded.latency_max_ms > endpoint_health.latency_max_ms THEN excluded.latency_max_ms ELSE "
            "endpoint_health.latency_max_ms END, updated_at = excluded.updated_at, ") +
        minUpdate("endpoint_health") + lastSets.join(QStringLiteral(", ")) + QStringLiteral(", ") +
        bucketSums(QStringLiteral("endpoint_health"));

    const QString hourHead = QStringLiteral("WITH v (subscriber_id, hour, bucket, n, attempts, successes, "
                                            "latency_sum_ms, latency_max_ms, latency_min_ms) AS (VALUES ");
    const QString hourRow = QStringLiteral("(?, ") + QStringList(8, number).join(QStringLiteral(", ")) + u')';
    const QString hourInsert =
        QStringLiteral(") INSERT INTO endpoint_health_hourly (subscriber_id, hour, attempts, successes, "
                       "latency_sum_ms, latency_max_ms, ") +
        bucketColumns() +
        QStringLiteral(", latency_min_ms) SELECT subscriber_id, hour, SUM(attempts), SUM(successes), "
                       "SUM(latency_sum_ms), MAX(latency_max_ms), ") +
        bucketSelect +
        QStringLiteral(", MIN(latency_min_ms) FROM v WHERE true GROUP BY subscriber_id, hour ORDER BY "
                       "subscriber_id, hour");
    const QString hourTail =
        QStringLiteral(
            " ON CONFLICT (subscriber_id, hour) DO UPDATE SET attempts = endpoint_health_hourly.attempts + "
            "excluded.attempts, successes = endpoint_health_hourly.successes + excluded.successes, "
            "latency_sum_ms = endpoint_health_hourly.latency_sum_ms + excluded.latency_sum_ms, "
            "latency_max_ms = CASE WHEN excluded.latency_max_ms > endpoint_health_hourly.latency_max_ms THEN "
            "excluded.latency_max_ms ELSE endpoint_health_hourly.latency_max_ms END, ") +
        minUpdate("endpoint_health_hourly") + bucketSums(QStringLiteral("endpoint_health_hourly"));

    // One staging row per non-empty bucket of `c`, its counts on the first: `key` binds the row's first
    // values, `tail` its last ones (repeated on every row).
    using Binder = std::function<void(QVariantList &)>;
    auto stage = [](std::vector<QVariantList> &rows, const HealthCounts &c, const Binder &key,
                    const Binder &tail) {
        bool first = true;
        for (int k = 0; k < LatencyHistogram::kBuckets; ++k) {
            const qint64 n = c.latency.counts[static_cast<size_t>(k)];
            if (n == 0)
                continue;
            QVariantList row;
            key(row);
            row << k << n;
            if (first)
                row << c.attempts << c.successes << c.latencySumMs;
            else
                row << 0 << 0 << 0;
            row << c.latency.maxMs << c.latency.minMs;
            tail(row);
            rows.push_back(std::move(row));
            first = false;
        }
    };
    // A few fixed chunk sizes, so the connection keeps a handful of prepared statements, not one per size.
    auto write = [this](const std::vector<QVariantList> &rows, const QString &head, const QString &row,
                        const QString &insert, const QString &tail, const QVariant &last) {
        size_t done = 0;
        for (const size_t chunk : {size_t(100), size_t(10), size_t(1)}) {
            while (rows.size() - done >= chunk) {
                QVariantList binds;
                for (size_t i = done; i < done + chunk; ++i)
                    binds << rows[i];
                if (last.isValid())
                    binds << last;
                m_db.run(head + QStringList(static_cast<int>(chunk), row).join(QStringLiteral(", ")) +
                             insert + tail,
                         binds);
                done += chunk;
            }
        }
    };

    std::vector<QVariantList> rows;
    for (const auto &[id, t] : lifetime) {
        const Attempt &last = *t.last;
        stage(
            rows, t.counts, [&id = id](QVariantList &r) { r << id; },
            [&last](QVariantList &r) {
                r << toDb(last.startedAt) << last.httpStatus << nullIfEmpty(last.errorClass)
                  << nullIfEmpty(last.errorText) << last.durationMs;
            });
    }
    write(rows, lifetimeHead, lifetimeRow, lifetimeInsert, lifetimeTail, now);

    rows.clear();
    for (const auto &[key, c] : hours)
        stage(
            rows, c, [&key = key](QVariantList &r) { r << key.first << key.second; }, [](QVariantList &) {});
    write(rows, hourHead, hourRow, hourInsert, hourTail, QVariant());
}

std::vector<EndpointHealth> HealthRepository::page(const QString &afterId, int limit, const QDateTime &now)
{
    std::vector<EndpointHealth> out;
    {
        QSqlQuery &q = m_db.run(
            QStringLiteral("SELECT ") + kLifetimeColumns + bucketColumns() +
                QStringLiteral(", latency_min_ms FROM endpoint_health WHERE subscriber_id > ? ORDER BY "
                               "subscriber_id") +
                m_db.limitClause(limit),
            {toDb(afterId)});
        while (q.next())
            out.push_back(readLifetime(q));
        q.finish();
    }
    if (out.empty())
        return out;
    // The last 24 hours of the same endpoints: at most 25 hourly rows each, found by the primary key.
    const qint64 since = (now.toMSecsSinceEpoch() - kRecentMs) / kHourMs * kHourMs;
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT subscriber_id, ") + summedColumns() +
                                QStringLiteral(" FROM endpoint_health_hourly WHERE subscriber_id > ? AND "
                                               "subscriber_id <= ? AND hour >= ? GROUP BY subscriber_id"),
                            {toDb(afterId), out.back().subscriberId, since});
    QHash<QString, HealthCounts> recent;
    while (q.next())
        recent.insert(q.value(0).toString(), readCounts(q, 1));
    q.finish();
    for (EndpointHealth &h : out)
        h.recent = recent.value(h.subscriberId);
    return out;
}

std::optional<EndpointHealth> HealthRepository::find(const QString &subscriberId, const QDateTime &now)
{
    EndpointHealth h;
    {
        QSqlQuery &q =
            m_db.run(QStringLiteral("SELECT ") + kLifetimeColumns + bucketColumns() +
                         QStringLiteral(", latency_min_ms FROM endpoint_health WHERE subscriber_id = ?"),
                     {subscriberId});
        if (!q.next())
            return std::nullopt;
        h = readLifetime(q);
        q.finish();
    }
    const qint64 since = (now.toMSecsSinceEpoch() - kRecentMs) / kHourMs * kHourMs;
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + summedColumns() +
                                QStringLiteral(" FROM endpoint_health_hourly WHERE subscriber_id = ? AND "
                                               "hour >= ?"),
                            {subscriberId, since});
    if (q.next())
        h.recent = readCounts(q, 0);
    q.finish();
    return h;
}

std::vector<HealthHour> HealthRepository::hourly(const QString &subscriberId, const QDateTime &since)
{
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT hour, attempts, successes, latency_sum_ms, latency_max_ms, ") +
            bucketColumns() +
            QStringLiteral(", latency_min_ms FROM endpoint_health_hourly WHERE subscriber_id = ? AND hour "
                           ">= ? ORDER BY hour"),
        {subscriberId, since.toMSecsSinceEpoch() / kHourMs * kHourMs});
    std::vector<HealthHour> out;
    while (q.next()) {
        HealthHour h;
        h.hour = dateFromDb(q.value(0));
        h.counts = readCounts(q, 1);
        out.push_back(h);
    }
    return out;
}

std::vector<HealthRepository::Sample> HealthRepository::samples(const QString &subscriberId,
                                                                const QDateTime &since)
{
    // attempts_by_subscriber_time serves the range; emails never count.
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT started_at, duration_ms, http_status, error_class FROM attempts "
                                "WHERE subscriber_id = ? AND started_at >= ? AND endpoint NOT LIKE "
                                "'mailto:%' ORDER BY started_at"),
                 {subscriberId, toDb(since)});
    std::vector<Sample> out;
    while (q.next()) {
        const int http = q.value(2).toInt();
        out.push_back({dateFromDb(q.value(0)), q.value(1).toLongLong(),
                       q.value(3).toString().isEmpty() && http >= 200 && http < 300});
    }
    q.finish();
    return out;
}

void HealthRepository::purge(const QString &subscriberId)
{
    m_db.run(QStringLiteral("DELETE FROM endpoint_health WHERE subscriber_id = ?"), {subscriberId});
    m_db.run(QStringLiteral("DELETE FROM endpoint_health_hourly WHERE subscriber_id = ?"), {subscriberId});
}

} // namespace sd
