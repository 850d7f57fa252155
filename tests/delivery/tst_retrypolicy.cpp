#include "app/delivery/hostscheduler.h"
#include "app/delivery/retrypolicy.h"
#include "models/deliverysettings.h"
#include "tests/support/testsupport.h"

#include <QTest>

using namespace sd;

class TestRetryPolicy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreTheDocumentedOnes()
    {
        test::TempDatabase db;
        const DeliverySettings s = DeliverySettings::load(db.store().settings);
        QCOMPARE(DeliverySettings::formatSchedule(s.retryScheduleMs),
                 QStringLiteral("0,5s,5m,30m,2h,5h,10h,10h"));
        QCOMPARE(s.timeoutMs, 30000);
        QCOMPARE(s.maxInFlight, 256);
        QCOMPARE(s.maxPerHost, 6);
        QCOMPARE(s.quarantineFailures, 10);
        QCOMPARE(s.quarantineWindowMs, 3600000);
        QCOMPARE(s.maxResponseBytes, 20000);
        QCOMPARE(s.jitter, 0.2);
    }

    void settingsRoundTrip()
    {
        test::TempDatabase db;
        DeliverySettings s;
        QVERIFY(DeliverySettings::parseSchedule(QStringLiteral("0,100ms,1s,2m"), &s.retryScheduleMs));
        s.timeoutMs = 1500;
        s.save(db.store().settings);
        const DeliverySettings loaded = DeliverySettings::load(db.store().settings);
        QCOMPARE(loaded.retryScheduleMs, (QList<qint64>{0, 100, 1000, 120000}));
        QCOMPARE(loaded.timeoutMs, 1500);
        QList<qint64> ignored;
        QVERIFY(!DeliverySettings::parseSchedule(QStringLiteral("soon"), &ignored));
    }

    void decisions_data()
    {
        QTest::addColumn<int>("attempt");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("errorClass");
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<double>("random");
        QTest::addColumn<int>("kind");
        QTest::addColumn<qint64>("delay");
        using K = RetryDecision::Kind;
        QTest::newRow("2xx") << 1 << 204 << "" << QByteArray() << 0.5 << int(K::Delivered) << qint64(0);
        QTest::newRow("first retry, no jitter")
            << 1 << 500 << "http_5xx" << QByteArray() << 0.5 << int(K::Retry) << qint64(5000);
        QTest::newRow("jitter low") << 2 << 500 << "http_5xx" << QByteArray() << 0.0 << int(K::Retry)
                                    << qint64(240000);
        QTest::newRow("jitter high") << 2 << 500 << "http_5xx" << QByteArray() << 1.0 << int(K::Retry)
                                     << qint64(360000);
        QTest::newRow("retry-after inside bounds")
            << 2 << 503 << "http_5xx" << QByteArray("400") << 0.5 << int(K::Retry) << qint64(400000);
        QTest::newRow("retry-after too soon")
            << 2 << 503 << "http_5xx" << QByteArray("1") << 0.5 << int(K::Retry) << qint64(300000);
        QTest::newRow("retry-after too late")
            << 2 << 503 << "http_5xx" << QByteArray("99999") << 0.5 << int(K::Retry) << qint64(600000);
        QTest::newRow("429 backs off 60 s")
            << 1 << 429 << "http_4xx" << QByteArray("1") << 0.5 << int(K::Retry) << qint64(60000);
        QTest::newRow("timeout backs off 60 s")
            << 1 << 0 << "timeout" << QByteArray() << 0.5 << int(K::Retry) << qint64(60000);
        QTest::newRow("410 quarantines")
            << 1 << 410 << "http_4xx" << QByteArray() << 0.5 << int(K::Quarantine) << qint64(0);
        QTest::newRow("schedule exhausted")
            << 8 << 500 << "http_5xx" << QByteArray() << 0.5 << int(K::GiveUp) << qint64(0);
        QTest::newRow("3xx is a failure")
            << 1 << 301 << "http_3xx" << QByteArray() << 0.5 << int(K::Retry) << qint64(5000);
    }
    void decisions()
    {
        QFETCH(int, attempt);
        QFETCH(int, status);
        QFETCH(QString, errorClass);
        QFETCH(QByteArray, retryAfter);
        QFETCH(double, random);
        QFETCH(int, kind);
        QFETCH(qint64, delay);
        RetryPolicy policy(DeliverySettings{}, [random] { return random; });
        const RetryDecision d =
            policy.decide(attempt, status, errorClass, retryAfter, QDateTime::currentDateTimeUtc(), false);
        QCOMPARE(int(d.kind), kind);
        QCOMPARE(d.delayMs, delay);
    }

    void retryAfterAsHttpDate()
    {
        const QDateTime now = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
        QCOMPARE(RetryPolicy::parseRetryAfterMs("Thu, 01 Jan 2026 12:00:30 GMT", now),
                 std::optional<qint64>(30000));
        QVERIFY(!RetryPolicy::parseRetryAfterMs("whenever", now));
    }

    void manualResendIsOneAttempt()
    {
        RetryPolicy policy(DeliverySettings{});
        QCOMPARE(
            policy.decide(1, 500, QStringLiteral("http_5xx"), {}, QDateTime::currentDateTimeUtc(), true).kind,
            RetryDecision::Kind::GiveUp);
    }

    void schedulerIsFairAcrossHosts()
    {
        HostScheduler scheduler(4, 2);
        auto message = [](const char *id, const char *endpoint) {
            Message m;
            m.id = QString::fromLatin1(id);
            m.endpoint = QString::fromLatin1(endpoint);
            return m;
        };
        for (const char *id : {"a1", "a2", "a3", "a4"})
            scheduler.enqueue(message(id, "http://127.0.0.1:1/slow"));
        scheduler.enqueue(message("b1", "http://127.0.0.2:1/x"));
        scheduler.enqueue(message("c1", "http://127.0.0.3:1/x"));
        QStringList started;
        while (auto m = scheduler.next())
            started << m->id;
        // Per-host cap 2 keeps the slow host to two slots; the others are served in turn.
        QCOMPARE(started, (QStringList{QStringLiteral("a1"), QStringLiteral("b1"), QStringLiteral("c1"),
                                       QStringLiteral("a2")}));
        QCOMPARE(scheduler.inFlight(), 4);
        scheduler.finished(HostScheduler::originOf(QStringLiteral("http://127.0.0.2:1/x")));
        QVERIFY(!scheduler.next()); // host a still at its cap
        QCOMPARE(scheduler.waiting(), 2);
    }
};

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
