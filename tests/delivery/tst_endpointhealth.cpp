// Endpoint health as running aggregates (issue 13 item 4): what the delivery journals add up must equal what
// a scan of the attempts table says, however many engines write at once; and after a real 20,000-subscriber
// fan-out over loopback the Subscribers model shows every subscriber's success rate.
#include "app/delivery/deliverycontroller.h"
#include "app/delivery/deliveryjournal.h"
#include "app/readers/healthreader.h"
#include "app/readers/tablereads.h"
#include "app/services/componentservice.h"
#include "models/deliverysettings.h"
#include "models/healthrepository.h"
#include "models/ids.h"
#include "models/itemmodels/modelroles.h"
#include "models/itemmodels/subscribersmodel.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <map>
#include <memory>

using namespace sd;
using test::HttpReceiver;

namespace {

constexpr qint64 kHourMs = 3600 * 1000;

Subscriber newSubscriber(const QString &endpoint)
{
    Subscriber s;
    s.id = ids::newId();
    s.endpoint = endpoint;
    s.email = QStringLiteral("ops@example.com");
    s.unsubscribeToken = ids::newToken();
    s.createdAt = QDateTime::currentDateTimeUtc();
    return s;
}

Message newMessage(const QString &subscriberId)
{
    Message m;
    m.id = ids::newId();
    m.subscriberId = subscriberId;
    m.subjectId = QStringLiteral("c");
    m.subjectName = QStringLiteral("API");
    m.eventId = ids::newId();
    m.body = "{}";
    m.createdAt = QDateTime::currentDateTimeUtc();
    m.state = DeliveryState::Sending;
    m.nextAttemptAt = m.createdAt;
    return m;
}

// The same numbers computed the slow way, from the attempts table.
struct Scan
{
    qint64 attempts = 0, successes = 0, latencySum = 0, latencyMax = 0;
    LatencyHistogram latency;
    int lastHttp = 0;
    QDateTime lastAt;
};

} // namespace

class TestEndpointHealth final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<JournalBatch>(); }

    void histogramPercentiles_data()
    {
        QTest::addColumn<QList<qint64>>("latencies");
        QTest::addColumn<int>("p");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("empty") << QList<qint64>{} << 95 << qint64(-1);
        QTest::newRow("one") << QList<qint64>{40} << 50 << qint64(40); // bucket (32, 45], capped by the max
        QTest::newRow("bucket bound") << QList<qint64>{40, 40, 300} << 50 << qint64(45);
        QTest::newRow("p95 of 20")
            << QList<qint64>{10,  20,  30,  40,  50,  60,  70,  80,  90,  100,
                             110, 120, 130, 140, 150, 160, 170, 180, 190, 200}
            << 95 << qint64(191); // the 19th (190) is the first of 2 in (181, 200]: 181 + 19 / 2
        QTest::newRow("p50 of 20, interpolated")
            << QList<qint64>{10,  20,  30,  40,  50,  60,  70,  80,  90,  100,
                             110, 120, 130, 140, 150, 160, 170, 180, 190, 200}
            << 50 << qint64(103); // the 10th (100) is the first of 3 in (91, 128]: 91 + 37 / 3
        QTest::newRow("timeouts") << QList<qint64>{30000, 30000, 30000} << 95 << qint64(30000);
        QTest::newRow("beyond last bound") << QList<qint64>{100000} << 50 << qint64(100000);
    }
    void histogramPercentiles()
    {
        QFETCH(QList<qint64>, latencies);
        QFETCH(int, p);
        QFETCH(qint64, expected);
        LatencyHistogram h;
        for (const qint64 ms : latencies)
            h.add(ms);
        QCOMPARE(h.percentile(p), expected);
    }

    // Two engines, each with its own journal and connection (as two processes would have), record results
    // for the same endpoints at the same time. Every count, sum, bucket and hour must equal the scan.
    void aggregatesAddUpUnderTwoEngines()
    {
        test::TempDatabase db;
        constexpr int kSubscribers = 12, kBatches = 40, kPerBatch = 60;
        std::vector<Subscriber> subscribers;
        std::vector<Message> messages;
        {
            Transaction tx(db.store().db());
            for (int i = 0; i < kSubscribers; ++i) {
                subscribers.push_back(newSubscriber(QStringLiteral("http://127.0.0.1:9/h%1").arg(i)));
                db.store().subscribers.insert(subscribers.back());
                messages.push_back(newMessage(subscribers.back().id));
                db.store().outbox.insert(messages.back());
            }
            tx.commit();
        }
        const QDateTime base = QDateTime::currentDateTimeUtc().addSecs(-3 * 3600);

        auto engine = [&](int which) {
            return QThread::create([&, which] {
                DeliveryJournal journal(db.path(), EngineIdentity::forThisProcess(QStringLiteral("test")));
                journal.initialize();
                QRandomGenerator rng(static_cast<quint32>(which + 1));
                for (int b = 0; b < kBatches; ++b) {
                    JournalBatch batch;
                    for (int i = 0; i < kPerBatch; ++i) {
                        const size_t s = rng.bounded(kSubscribers);
                        Attempt a;
                        a.messageId = messages[s].id;
                        a.subscriberId = subscribers[s].id;
                        a.endpoint = rng.bounded(20) == 0 ? QStringLiteral("mailto:ops@example.com")
                                                          : subscribers[s].endpoint;
                        a.attemptNumber = b * kPerBatch + i + 1;
                        // Spread over three hours, so several hourly rows per endpoint.
                        a.startedAt = base.addMSecs(rng.bounded(3 * kHourMs));
                        a.durationMs = rng.bounded(5) == 0 ? 30000 : rng.bounded(2000);
                        a.endedAt = a.startedAt.addMSecs(a.durationMs);
                        const int kind = rng.bounded(4);
                        a.httpStatus = kind == 0 ? 500 : kind == 1 ? 0 : 200;
                        a.errorClass = kind == 0   ? QStringLiteral("http_5xx")
                                       : kind == 1 ? QStringLiteral("timeout")
                                                   : QString();
                        batch.results.push_back({a, DeliveryState::Retrying});
                    }
                    const JournalOutcome out = journal.writeNow(batch);
                    if (!out.ok)
                        qWarning("engine %d: %s", which, qPrintable(out.error));
                }
                journal.shutdown();
            });
        };
        std::unique_ptr<QThread> a(engine(0)), b(engine(1));
        a->start();
        b->start();
        QVERIFY(a->wait(120000));
        QVERIFY(b->wait(120000));

        // The scan: every webhook attempt, summed per endpoint and per endpoint-hour.
        std::map<QString, Scan> lifetime;
        std::map<std::pair<QString, qint64>, Scan> hours;
        QSqlQuery &q =
            db.store().db().run(QStringLiteral("SELECT subscriber_id, endpoint, duration_ms, http_status, "
                                               "error_class, started_at FROM attempts"));
        int total = 0, emails = 0;
        while (q.next()) {
            ++total;
            if (q.value(1).toString().startsWith(QLatin1String("mailto:"))) {
                ++emails;
                continue;
            }
            const qint64 ms = q.value(2).toLongLong();
            const bool ok = q.value(4).isNull() && q.value(3).toInt() >= 200 && q.value(3).toInt() < 300;
            const QDateTime at = dateFromDb(q.value(5));
            for (Scan *s : {&lifetime[q.value(0).toString()],
                            &hours[{q.value(0).toString(), at.toMSecsSinceEpoch() / kHourMs * kHourMs}]}) {
                ++s->attempts;
                s->successes += ok ? 1 : 0;
                s->latencySum += ms;
                s->latency.add(ms);
                if (!s->lastAt.isValid() || at > s->lastAt) {
                    s->lastAt = at;
                    s->lastHttp = q.value(3).toInt();
                }
            }
        }
        q.finish();
        QCOMPARE(total, 2 * kBatches * kPerBatch); // every batch committed
        QVERIFY(emails > 0);

        HealthRepository health(db.store().db());
        const auto page = health.page(QString(), 1000, base.addSecs(3 * 3600));
        QCOMPARE(page.size(), lifetime.size());
        for (const EndpointHealth &h : page) {
            const Scan &s = lifetime.at(h.subscriberId);
            QCOMPARE(h.lifetime.attempts, s.attempts);
            QCOMPARE(h.lifetime.successes, s.successes);
            QCOMPARE(h.lifetime.latencySumMs, s.latencySum);
            QCOMPARE(h.lifetime.latency.maxMs, s.latency.maxMs);
            QCOMPARE(h.lifetime.latency.counts, s.latency.counts);
            QCOMPARE(h.lastAt, s.lastAt); // the newest attempt wins, whichever engine committed last
            QCOMPARE(h.lastHttpStatus, s.lastHttp);
            // The last 24 hours hold all of them here (three hours ago up to now).
            QCOMPARE(h.recent.attempts, s.attempts);
            QCOMPARE(h.recent.latency.counts, s.latency.counts);

            const auto series = health.hourly(h.subscriberId, base.addSecs(-3600));
            qint64 inHours = 0;
            for (const HealthHour &hour : series) {
                const Scan &hs = hours.at({h.subscriberId, hour.hour.toMSecsSinceEpoch()});
                QCOMPARE(hour.counts.attempts, hs.attempts);
                QCOMPARE(hour.counts.successes, hs.successes);
                QCOMPARE(hour.counts.latencySumMs, hs.latencySum);
                QCOMPARE(hour.counts.latency.counts, hs.latency.counts);
                inHours += hour.counts.attempts;
            }
            QCOMPARE(inHours, s.attempts);
        }
    }

    // Issue 13: "after two 20k fan-outs every subscriber still read never sent". 20,000 subscribers on eight
    // loopback receivers, one status change, the real engine; then every row of the model has its numbers.
    void twentyThousandSubscribersAllFilledIn()
    {
        test::TempDatabase db;
        constexpr int kCount = 20000, kHosts = 8;
        std::vector<std::unique_ptr<HttpReceiver>> receivers;
        for (int h = 0; h < kHosts; ++h) {
            receivers.push_back(std::make_unique<HttpReceiver>());
            QVERIFY(receivers.back()->start(QHostAddress(QStringLiteral("127.0.0.%1").arg(h + 1))));
        }
        DeliverySettings settings;
        settings.timeoutMs = 30000;
        settings.save(db.store().settings);
        const QString componentId = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        {
            Transaction tx(db.store().db());
            for (int i = 0; i < kCount; ++i)
                db.store().subscribers.insert(newSubscriber(
                    receivers[static_cast<size_t>(i % kHosts)]->url(QStringLiteral("/s%1").arg(i))));
            tx.commit();
        }
        SubscribersModel model;
        SubscriberHealthReader health(db.path());
        health.feed(&model);
        tablereads::subscribers(db.store(), {}, model);
        QCOMPARE(model.rowCount(), kCount);
        QCOMPARE(model.index(0, SubscribersModel::LastResultColumn).data().toString(),
                 QStringLiteral("never sent"));

        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(db.context()).update(componentId, patch).ok());
        DeliveryController controller(db.path());
        QElapsedTimer clock;
        clock.start();
        controller.start();
        auto undelivered = [&] {
            QSqlQuery &q = db.store().db().run(
                QStringLiteral("SELECT count(*) FROM messages WHERE state <> 'delivered'"));
            const int n = q.next() ? q.value(0).toInt() : -1;
            q.finish();
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(undelivered(), 0, 300000);
        controller.stop();
        qInfo("%d webhooks delivered over loopback in %lld ms", kCount,
              static_cast<long long>(clock.elapsed()));
        clock.restart();

        // Live refresh as the console's timer polls it, until a pass (read on the reader's thread) completes.
        // (QAbstractItemModelTester runs on this model in tst_endpointpage; here, over 20,000 rows, its
        // per-signal checks would be what is measured.)
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        int slices = 1;
        bool passed = false; // (QTRY evaluates its condition once more when it holds)
        QTRY_VERIFY_WITH_TIMEOUT(passed || (++slices && (passed = model.refreshStatsSlice(4))), 120000);
        qInfo("health of %d subscribers read off the UI thread and applied in slices, %d polls (%lld ms), "
              "%lld dataChanged signals",
              kCount, slices, static_cast<long long>(clock.elapsed()),
              static_cast<long long>(changed.count()));
        QVERIFY(changed.count() > 0);
        QCOMPARE(model.rowCount(), kCount); // no reset
        for (int r = 0; r < kCount; ++r) {
            QCOMPARE(model.index(r, SubscribersModel::SuccessRateColumn).data(roles::SortRole).toDouble(),
                     1.0);
            QCOMPARE(model.index(r, SubscribersModel::SuccessRateColumn).data().toString(),
                     QStringLiteral("100.0 %"));
            QVERIFY(model.index(r, SubscribersModel::P95Column).data(roles::SortRole).toLongLong() >= 0);
            QCOMPARE(model.index(r, SubscribersModel::LastResultColumn).data().toString(),
                     QStringLiteral("HTTP 200"));
        }
    }
};

QTEST_GUILESS_MAIN(TestEndpointHealth)
#include "tst_endpointhealth.moc"
