#pragma once

#include "models/database.h"
#include "models/domain.h"

#include <QDateTime>
#include <QString>
#include <array>
#include <optional>
#include <vector>

namespace sd {

// Latency counts in fixed log-scale buckets (upper bounds 1, 2, 3, 4, 6, 8, 11, 16 ... 65536 ms, ×√2 each;
// the last bucket holds everything above), so percentiles come from counts and two sets add up by addition.
struct LatencyHistogram
{
    static constexpr int kBuckets = 32;
    std::array<qint64, kBuckets> counts{};
    qint64 maxMs = 0;
    qint64 minMs = -1; // -1: not known (counts recorded before schema v13)

    static int bucketOf(qint64 ms);
    static qint64 upperBound(int bucket); // the last bucket: -1 (unbounded)
    void add(qint64 ms);
    void add(const LatencyHistogram &other);
    qint64 total() const;
    // Nearest-rank percentile, placed linearly within the bucket that holds it and never outside the fastest
    // and slowest seen: within the bucket's ×1.41 span of the true value, and exact when they all took the
    // same time. -1 when empty.
    qint64 percentile(int p) const;
};

// Running totals for one endpoint over some span (its lifetime, one hour, the last 24 hours).
struct HealthCounts
{
    qint64 attempts = 0;
    qint64 successes = 0;
    qint64 latencySumMs = 0;
    LatencyHistogram latency;
    double successRate() const { return attempts > 0 ? static_cast<double>(successes) / attempts : -1.0; }
    bool operator==(const HealthCounts &o) const
    {
        return attempts == o.attempts && successes == o.successes && latencySumMs == o.latencySumMs &&
               latency.counts == o.latency.counts && latency.maxMs == o.latency.maxMs &&
               latency.minMs == o.latency.minMs;
    }
};

struct EndpointHealth
{
    QString subscriberId;
    HealthCounts lifetime;
    HealthCounts recent; // the last 24 hours (whole UTC hours), from the hourly series
    QDateTime lastAt;
    int lastHttpStatus = 0;
    QString lastErrorClass;
    QString lastError;
    qint64 lastLatencyMs = -1;
    bool operator==(const EndpointHealth &o) const
    {
        return subscriberId == o.subscriberId && lifetime == o.lifetime && recent == o.recent &&
               lastAt == o.lastAt && lastHttpStatus == o.lastHttpStatus &&
               lastErrorClass == o.lastErrorClass && lastError == o.lastError &&
               lastLatencyMs == o.lastLatencyMs;
    }
};

struct HealthHour
{
    QDateTime hour; // start of the UTC hour
    HealthCounts counts;
};

// Endpoint health as running aggregates (tables endpoint_health and endpoint_health_hourly, schema v9). The
// delivery journal adds each batch of attempts with UPSERTs (x = x + excluded.x) in the transaction that
// records them, so any number of engines in any number of processes add up without a lost update; readers
// get one row per endpoint and never scan attempts. Webhook attempts only: emails never count.
class HealthRepository final
{
public:
    explicit HealthRepository(Database &db)
        : m_db(db)
    {}

    static bool counts(const Attempt &a);    // a webhook attempt (not an email)
    static bool succeeded(const Attempt &a); // no error class and a 2xx answer
    static constexpr qint64 kRecentMs = 24LL * 3600 * 1000;

    // Adds the attempts (call inside the transaction that inserts them).
    void record(const std::vector<Attempt> &attempts);

    // Up to `limit` endpoints with subscriber id > afterId, in id order, with their last 24 h as of `now`.
    std::vector<EndpointHealth> page(const QString &afterId, int limit, const QDateTime &now);
    std::optional<EndpointHealth> find(const QString &subscriberId, const QDateTime &now);
    std::vector<HealthHour> hourly(const QString &subscriberId, const QDateTime &since);
    // The attempts' durations and results since `since`, read from the attempts themselves (the last hour by
    // minute: exact figures, no buckets).
    struct Sample
    {
        QDateTime at;
        qint64 durationMs = 0;
        bool succeeded = false;
    };
    std::vector<Sample> samples(const QString &subscriberId, const QDateTime &since);
    void purge(const QString &subscriberId);

private:
    Database &m_db;
};

} // namespace sd
