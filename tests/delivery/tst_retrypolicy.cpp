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

    // One row per kind of result: what RetryPolicy::judge() makes of it, and the state the journal writes.
    void verdicts_data()
    {
        QTest::addColumn<int>("channel");
        QTest::addColumn<int>("trigger");
        QTest::addColumn<int>("attempt");     // this attempt's number
        QTest::addColumn<int>("automatic");   // the engine's own attempts before it
        QTest::addColumn<qint64>("resumeMs"); // a manual attempt's place on the schedule; -1: none
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("errorClass");
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<double>("random");
        QTest::addColumn<int>("priorFailures"); // already on record for the subscriber
        QTest::addColumn<bool>("stopped");      // quarantined by the engine, not yet written
        QTest::addColumn<int>("kind");
        QTest::addColumn<qint64>("delay"); // retryAt - endedAt; -1: no retry time
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("reason");
        using K = Verdict::Kind;
        using S = DeliveryState;
        const int web = int(Channel::Webhook), mail = int(Channel::Email);
        const int autom = int(AttemptTrigger::Automatic), retry = int(AttemptTrigger::Retry),
                  manual = int(AttemptTrigger::Manual);
        const QByteArray none;
        const QString noReason;
        auto row = [](const char *name) { return &QTest::newRow(name); };
        *row("2xx") << web << autom << 1 << 0 << qint64(-1) << 204 << "" << none << 0.5 << 0 << false
                    << int(K::Delivered) << qint64(-1) << int(S::Delivered) << noReason;
        *row("first retry, no jitter")
            << web << autom << 1 << 0 << qint64(-1) << 500 << "http_5xx" << none << 0.5 << 0 << false
            << int(K::Retry) << qint64(5000) << int(S::Retrying) << noReason;
        *row("jitter low") << web << retry << 2 << 1 << qint64(-1) << 500 << "http_5xx" << none << 0.0 << 0
                           << false << int(K::Retry) << qint64(240000) << int(S::Retrying) << noReason;
        *row("jitter high") << web << retry << 2 << 1 << qint64(-1) << 500 << "http_5xx" << none << 1.0 << 0
                            << false << int(K::Retry) << qint64(360000) << int(S::Retrying) << noReason;
        *row("retry-after inside bounds")
            << web << retry << 2 << 1 << qint64(-1) << 503 << "http_5xx" << QByteArray("400") << 0.5 << 0
            << false << int(K::Retry) << qint64(400000) << int(S::Retrying) << noReason;
        *row("retry-after too soon") << web << retry << 2 << 1 << qint64(-1) << 503 << "http_5xx"
                                     << QByteArray("1") << 0.5 << 0 << false << int(K::Retry)
                                     << qint64(300000) << int(S::Retrying) << noReason;
        *row("retry-after too late") << web << retry << 2 << 1 << qint64(-1) << 503 << "http_5xx"
                                     << QByteArray("99999") << 0.5 << 0 << false << int(K::Retry)
                                     << qint64(600000) << int(S::Retrying) << noReason;
        *row("429 backs off 60 s") << web << autom << 1 << 0 << qint64(-1) << 429 << "http_4xx"
                                   << QByteArray("1") << 0.5 << 0 << false << int(K::Retry) << qint64(60000)
                                   << int(S::Retrying) << noReason;
        *row("timeout backs off 60 s")
            << web << autom << 1 << 0 << qint64(-1) << 0 << "timeout" << none << 0.5 << 0 << false
            << int(K::Retry) << qint64(60000) << int(S::Retrying) << noReason;
        *row("3xx is a failure") << web << autom << 1 << 0 << qint64(-1) << 301 << "http_3xx" << none << 0.5
                                 << 0 << false << int(K::Retry) << qint64(5000) << int(S::Retrying)
                                 << noReason;
        *row("schedule exhausted") << web << retry << 8 << 7 << qint64(-1) << 500 << "http_5xx" << none << 0.5
                                   << 0 << false << int(K::Fail) << qint64(-1) << int(S::Failed) << noReason;
        *row("refused target is not retried")
            << web << autom << 1 << 0 << qint64(-1) << 0 << "policy" << none << 0.5 << 0 << false
            << int(K::Fail) << qint64(-1) << int(S::Failed) << noReason;
        *row("manual on the schedule goes back to it")
            << web << manual << 3 << 1 << qint64(120000) << 500 << "http_5xx" << none << 0.5 << 0 << false
            << int(K::Retry) << qint64(120000) << int(S::Retrying) << noReason;
        *row("manual off the schedule is one attempt")
            << web << manual << 4 << 3 << qint64(-1) << 500 << "http_5xx" << none << 0.5 << 0 << false
            << int(K::Fail) << qint64(-1) << int(S::Failed) << noReason;
        *row("410 quarantines") << web << autom << 1 << 0 << qint64(-1) << 410 << "http_4xx" << none << 0.5
                                << 0 << false << int(K::Quarantine) << qint64(-1) << int(S::Held)
                                << QStringLiteral("answered 410 Gone");
        *row("9th failure in the window retries")
            << web << retry << 2 << 1 << qint64(-1) << 500 << "http_5xx" << none << 0.5 << 8 << false
            << int(K::Retry) << qint64(300000) << int(S::Retrying) << noReason;
        *row("10th failure in the window quarantines")
            << web << retry << 2 << 1 << qint64(-1) << 500 << "http_5xx" << none << 0.5 << 9 << false
            << int(K::Quarantine) << qint64(-1) << int(S::Held)
            << QStringLiteral("10 failed requests within 60 minutes");
        *row("10th failure counts when the schedule is over too")
            << web << retry << 8 << 7 << qint64(-1) << 500 << "http_5xx" << none << 0.5 << 9 << false
            << int(K::Quarantine) << qint64(-1) << int(S::Held)
            << QStringLiteral("10 failed requests within 60 minutes");
        *row("subscriber being quarantined: held")
            << web << retry << 2 << 1 << qint64(-1) << 500 << "http_5xx" << none << 0.5 << 0 << true
            << int(K::Held) << qint64(-1) << int(S::Held) << noReason;
        *row("being quarantined, schedule over: failed")
            << web << retry << 8 << 7 << qint64(-1) << 500 << "http_5xx" << none << 0.5 << 0 << true
            << int(K::Fail) << qint64(-1) << int(S::Failed) << noReason;
        *row("email delivered") << mail << autom << 1 << 0 << qint64(-1) << 250 << "" << none << 0.5 << 0
                                << false << int(K::Delivered) << qint64(-1) << int(S::Delivered) << noReason;
        *row("email failure retried, never counts towards a quarantine")
            << mail << autom << 1 << 0 << qint64(-1) << 421 << "smtp_4xx" << none << 0.5 << 9 << true
            << int(K::Retry) << qint64(5000) << int(S::Retrying) << noReason;
        *row("email schedule exhausted")
            << mail << retry << 8 << 7 << qint64(-1) << 550 << "smtp_5xx" << none << 0.5 << 0 << false
            << int(K::Fail) << qint64(-1) << int(S::Failed) << noReason;
    }
    void verdicts()
    {
        QFETCH(int, channel);
        QFETCH(int, trigger);
        QFETCH(int, attempt);
        QFETCH(int, automatic);
        QFETCH(qint64, resumeMs);
        QFETCH(int, status);
        QFETCH(QString, errorClass);
        QFETCH(QByteArray, retryAfter);
        QFETCH(double, random);
        QFETCH(int, priorFailures);
        QFETCH(bool, stopped);
        QFETCH(int, kind);
        QFETCH(qint64, delay);
        QFETCH(int, state);
        QFETCH(QString, reason);
        const QDateTime ended = QDateTime(QDate(2026, 12, 7), QTime(12, 0), Qt::UTC);
        int historyAsked = 0;
        RetryPolicy policy(
            DeliverySettings{}, [random] { return random; },
            [&](const QString &id, const QDateTime &since) {
                ++historyAsked;
                [&] {
                    QCOMPARE(id, QStringLiteral("sub_1"));
                    QCOMPARE(since, ended.addSecs(-3600)); // the quarantine window
                }();
                return priorFailures;
            });
        Attempt a;
        a.messageId = QStringLiteral("msg_1");
        a.subscriberId = QStringLiteral("sub_1");
        a.attemptNumber = attempt;
        a.trigger = AttemptTrigger(trigger);
        a.httpStatus = status;
        a.errorClass = errorClass;
        a.endedAt = ended;
        const Schedule schedule{automatic, resumeMs < 0 ? QDateTime() : ended.addMSecs(resumeMs)};
        const Verdict v = policy.judge({a, retryAfter, schedule, Channel(channel), stopped});
        QCOMPARE(int(v.kind), kind);
        QCOMPARE(v.retryAt.isValid() ? ended.msecsTo(v.retryAt) : qint64(-1), delay);
        QCOMPARE(int(v.state()), state);
        QCOMPARE(v.reason, reason);
        // Only a webhook's failure counts towards a quarantine (a 410 stops at once).
        const bool counts =
            Channel(channel) == Channel::Webhook && kind != int(Verdict::Kind::Delivered) && status != 410;
        QCOMPARE(historyAsked, counts ? 1 : 0);
    }

    void failuresAreCountedOncePerSubscriberAndForgotten()
    {
        DeliverySettings settings;
        settings.quarantineFailures = 3;
        int asked = 0;
        RetryPolicy policy(
            settings, [] { return 0.5; },
            [&](const QString &, const QDateTime &) {
                ++asked;
                return 1; // one failure already on record
            });
        Attempt a;
        a.subscriberId = QStringLiteral("sub_1");
        a.attemptNumber = 1;
        a.httpStatus = 500;
        a.errorClass = QStringLiteral("http_5xx");
        a.endedAt = QDateTime::currentDateTimeUtc();
        QCOMPARE(policy.judge({a, {}, {}, Channel::Webhook, false}).kind, Verdict::Kind::Retry);
        QCOMPARE(policy.judge({a, {}, {}, Channel::Webhook, false}).kind, Verdict::Kind::Quarantine);
        QCOMPARE(asked, 1);                    // the record is read once; the policy counts from there
        policy.forgetFailures(a.subscriberId); // the quarantine was written
        QCOMPARE(policy.judge({a, {}, {}, Channel::Webhook, false}).kind, Verdict::Kind::Retry);
        QCOMPARE(asked, 2);
    }

    void retryAfterAsHttpDate()
    {
        const QDateTime now = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
        QCOMPARE(RetryPolicy::parseRetryAfterMs("Thu, 01 Jan 2026 12:00:30 GMT", now),
                 std::optional<qint64>(30000));
        QVERIFY(!RetryPolicy::parseRetryAfterMs("whenever", now));
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
