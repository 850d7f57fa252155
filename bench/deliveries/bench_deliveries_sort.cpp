// The Deliveries table's first and last pages (256 rows) in each sort order over N deliveries (default
// 100,000), read with OutboxRepository::list exactly as DeliveriesModel asks for them, on two identical
// SQLite stores in the same run: one as the schema makes it, one with candidate indexes for the sort keys
// (issue 13 item 5), so the two columns are comparable. Their price is measured too: the delivery journal's
// write (OutboxRepository::recordAttempts, which changes attempts, HTTP status and latency) for 10,000
// messages, five times, alternating the two stores. Prints medians and SQLite's plans.
// Usage: bench_deliveries_sort [deliveries=100000] [repeat=5] [index,index,...]
#include "app/services/subscriberservice.h"
#include "models/ids.h"
#include "models/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <vector>

using namespace sd;

namespace {

// Candidate indexes for the table's sort keys, written as OutboxRepository::orderClause orders (COALESCEd
// the same way, id breaking ties). Not in the schema: this bench is why (see README, Benchmarks).
struct Candidate
{
    const char *name;
    const char *columns;
};
const Candidate kSortIndexes[] = {
    {"messages_by_latency", "(COALESCE(last_duration_ms, -1)), id"},
    {"messages_by_http_status", "(COALESCE(last_http_status, 0)), id"},
    {"messages_by_attempts", "attempts, id"},
};

struct Read
{
    const char *name;
    MessageSort sort;
    bool ascending;
    bool reversed;
    std::optional<DeliveryState> state;
    const char *order; // the ORDER BY OutboxRepository::orderClause writes, for SQLite's plan only
};

const Read kReads[] = {
    {"time desc (peer: indexed since v1)",
     MessageSort::Time,
     false,
     false,
     {},
     "m.created_at DESC, m.rowid DESC"},
    {"latency desc, first page",
     MessageSort::Latency,
     false,
     false,
     {},
     "COALESCE(m.last_duration_ms, -1) DESC, m.id DESC"},
    {"latency asc, first page",
     MessageSort::Latency,
     true,
     false,
     {},
     "COALESCE(m.last_duration_ms, -1) ASC, m.id ASC"},
    {"latency desc, Ctrl+End tail",
     MessageSort::Latency,
     false,
     true,
     {},
     "COALESCE(m.last_duration_ms, -1) ASC, m.id ASC"},
    {"latency desc, state = failed", MessageSort::Latency, false, false, DeliveryState::Failed,
     "COALESCE(m.last_duration_ms, -1) DESC, m.id DESC"},
    {"http status desc, first page",
     MessageSort::HttpStatus,
     false,
     false,
     {},
     "COALESCE(m.last_http_status, 0) DESC, m.id DESC"},
    {"attempts desc, first page", MessageSort::Attempts, false, false, {}, "m.attempts DESC, m.id DESC"},
};

double medianMs(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void fill(Store &store, int n)
{
    std::vector<Subscriber> subs;
    SubscriberService service(ServiceContext{store});
    for (int i = 0; i < 1000; ++i) {
        NewSubscriber s;
        s.endpoint = QStringLiteral("http://127.0.0.%1:8080/hook/%2").arg(1 + i % 16).arg(i);
        s.email = QStringLiteral("ops@example.com");
        subs.push_back(service.add(s).value());
    }
    Transaction tx(store.db());
    const DeliveryState states[] = {DeliveryState::Delivered, DeliveryState::Delivered,
                                    DeliveryState::Failed,    DeliveryState::Delivered,
                                    DeliveryState::Retrying,  DeliveryState::Queued};
    const QDateTime base = QDateTime::currentDateTimeUtc().addDays(-7);
    QRandomGenerator rng(42);
    for (int i = 0; i < n; ++i) {
        Message m;
        m.id = ids::newId();
        m.subscriberId = subs[static_cast<size_t>(i) % subs.size()].id;
        m.kind = EventKind::Component;
        m.subjectId = QStringLiteral("c");
        m.subjectName = QStringLiteral("API %1").arg(i / 1000);
        m.eventId = QStringLiteral("e%1").arg(i / 1000);
        m.body = "{}";
        m.createdAt = base.addMSecs(i * 50LL);
        m.state = states[i % 6];
        m.nextAttemptAt = m.createdAt;
        store.outbox.insert(m);
        if (m.state != DeliveryState::Queued)
            store.db().run(QStringLiteral("UPDATE messages SET attempts = ?, last_http_status = ?, "
                                          "last_duration_ms = ? WHERE id = ?"),
                           {1 + int(rng.bounded(5)), m.state == DeliveryState::Delivered ? 200 : 503,
                            int(rng.bounded(5000)), m.id});
    }
    tx.commit();
}

QString plan(Store &store, const MessageFilter &f, const char *order)
{
    QVariantList binds;
    const QString sql = QStringLiteral("EXPLAIN QUERY PLAN SELECT m.id FROM messages m JOIN subscribers s ON "
                                       "s.id = m.subscriber_id") +
                        store.outbox.filterClause(f, binds) + QStringLiteral(" ORDER BY ") +
                        QLatin1String(order) + QStringLiteral(" LIMIT 256");
    QSqlQuery &q = store.db().run(sql, binds);
    QStringList steps;
    while (q.next())
        steps << q.value(3).toString();
    q.finish();
    return steps.join(QStringLiteral(" / "));
}

std::vector<double> measure(Store &store, int repeat)
{
    std::vector<double> out;
    for (const Read &r : kReads) {
        MessageFilter f;
        f.sort = r.sort;
        f.ascending = r.ascending;
        f.reversed = r.reversed;
        f.state = r.state;
        f.limit = 256;
        std::vector<double> runs;
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            const auto rows = store.outbox.list(f);
            runs.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
            if (rows.size() != 256)
                qFatal("expected a full page, got %zu rows", rows.size());
        }
        out.push_back(medianMs(runs));
        std::printf("    %-36s %9.2f ms   plan: %s\n", r.name, out.back(),
                    qPrintable(plan(store, f, r.order)));
    }
    return out;
}

double recordAttempts(Store &store, int first, int n)
{
    // The delivery journal's write: attempts recorded in batches of 500 with the message's new state,
    // attempts, HTTP status and latency (the columns the sort indexes cover).
    std::vector<OutboxRepository::Outcome> outcomes;
    QSqlQuery &q = store.db().run(
        QStringLiteral(
            "SELECT id, subscriber_id, attempts FROM messages ORDER BY created_at LIMIT ? OFFSET ?"),
        {n, first});
    QRandomGenerator rng(static_cast<quint32>(first));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    while (q.next()) {
        OutboxRepository::Outcome o;
        o.attempt.messageId = q.value(0).toString();
        o.attempt.subscriberId = q.value(1).toString();
        o.attempt.endpoint = QStringLiteral("http://127.0.0.1:8080/hook");
        o.attempt.attemptNumber = q.value(2).toInt() + 1;
        o.attempt.startedAt = o.attempt.endedAt = now;
        o.attempt.durationMs = rng.bounded(5000);
        o.attempt.httpStatus = 200;
        o.attempt.requestHeaders = o.attempt.responseHeaders = "{}";
        o.state = DeliveryState::Delivered;
        outcomes.push_back(o);
    }
    q.finish();
    QElapsedTimer t;
    t.start();
    for (size_t i = 0; i < outcomes.size(); i += 500) {
        const std::vector<OutboxRepository::Outcome> batch(
            outcomes.begin() + static_cast<std::ptrdiff_t>(i),
            outcomes.begin() + static_cast<std::ptrdiff_t>(std::min(outcomes.size(), i + 500)));
        store.outbox.recordAttempts(batch, {});
    }
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int n = args.size() > 1 ? args.at(1).toInt() : 100000;
    const int repeat = args.size() > 2 ? args.at(2).toInt() : 5;
    // Which candidate indexes the "with" store gets (default all of them), to price each one on its own.
    QStringList keep;
    for (const Candidate &c : kSortIndexes)
        keep << QLatin1String(c.name);
    if (args.size() > 3)
        keep = args.at(3).split(QLatin1Char(','));
    QTemporaryDir dir;
    QString error;
    auto store = Store::open(dir.filePath(QStringLiteral("bench.sqlite")), &error);
    if (!store)
        qFatal("%s", qPrintable(error));
    std::printf("filling %d deliveries to 1,000 subscribers...\n", n);
    fill(*store, n);
    store->db().run(QStringLiteral("ANALYZE")).finish();

    // Two copies of the same rows, written the same way (VACUUM INTO), so neither is more compact than the
    // other: one gets the chosen candidate indexes, the other stays as the schema makes it.
    auto copy = [&](const QString &name) {
        const QString path = dir.filePath(name);
        store->db().run(QStringLiteral("VACUUM INTO ?"), {path}).finish();
        auto opened = Store::open(path, &error);
        if (!opened)
            qFatal("%s", qPrintable(error));
        return opened;
    };
    auto with = copy(QStringLiteral("with.sqlite"));
    auto without = copy(QStringLiteral("without.sqlite"));
    store.reset();

    for (const Candidate &c : kSortIndexes) {
        if (keep.contains(QLatin1String(c.name)))
            with->db()
                .run(QStringLiteral("CREATE INDEX %1 ON messages(%2)")
                         .arg(QLatin1String(c.name), QLatin1String(c.columns)))
                .finish();
    }
    with->db().run(QStringLiteral("ANALYZE")).finish();
    std::printf("with %s:\n", qPrintable(keep.join(QStringLiteral(", "))));
    const std::vector<double> readsWith = measure(*with, repeat);
    std::printf("without them (an identical copy, the schema as it is):\n");
    const std::vector<double> readsWithout = measure(*without, repeat);

    // Writes, alternating the two stores over fresh rows each time: 10,000 recorded attempts per run.
    std::vector<double> writesWith, writesWithout;
    for (int i = 0; i < 5; ++i) {
        writesWithout.push_back(recordAttempts(*without, i * 10000, 10000));
        writesWith.push_back(recordAttempts(*with, i * 10000, 10000));
    }

    std::printf("\n%-38s %12s %12s %8s\n", "first/last page of 256 (median)", "without", "with", "speed-up");
    for (size_t i = 0; i < std::size(kReads); ++i)
        std::printf("%-38s %9.2f ms %9.2f ms %7.0fx\n", kReads[i].name, readsWithout[i], readsWith[i],
                    readsWithout[i] / std::max(readsWith[i], 0.001));
    std::printf("%-38s %9.0f ms %9.0f ms %7.2fx\n", "10,000 attempts recorded (price)",
                medianMs(writesWithout), medianMs(writesWith),
                medianMs(writesWith) / std::max(medianMs(writesWithout), 0.001));
    QStringList runs;
    for (size_t i = 0; i < writesWith.size(); ++i)
        runs << QStringLiteral("%1 / %2").arg(writesWithout[i], 0, 'f', 0).arg(writesWith[i], 0, 'f', 0);
    std::printf("    runs (without / with): %s ms\n", qPrintable(runs.join(QStringLiteral(", "))));
    return 0;
}
