#include "app/readers/fanoutprogress.h"
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/fanoutquery.h"
#include "models/values.h"
#include "tests/support/testsupport.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace sd;

// Per-change fan-out progress (issue 13 item 3): one event's messages counted by state in one aggregate,
// every state counted, other changes kept out; the monitor's reads run off the caller's thread and see a
// fan-out another process queued. Runs on SQLite and on PostgreSQL (tst_fanoutquery_pg).
class TestFanoutQuery : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        test::TempDatabase db;
        Component api;
        Component web;
        QList<Subscriber> subscribers;

        explicit Fixture(int subscriberCount)
        {
            ComponentService components(db.context());
            NewComponent c;
            c.name = QStringLiteral("API");
            api = components.add(c).value();
            c.name = QStringLiteral("Web");
            web = components.add(c).value();
            SubscriberService service(db.context());
            for (int i = 0; i < subscriberCount; ++i) {
                NewSubscriber s;
                s.endpoint = QStringLiteral("http://127.0.0.1:9/hook%1").arg(i);
                s.email = QStringLiteral("ops%1@example.com").arg(i);
                subscribers << service.add(s).value();
            }
        }
        // A notified status change; returns its event id (the component update's id).
        QString change(const Component &component, ComponentStatus status, bool notify = true)
        {
            ComponentService components(db.context());
            ComponentPatch p;
            p.status = status;
            p.notify = notify;
            const auto changed = components.update(component.id, p);
            if (!changed)
                qFatal("component update failed: %s", qPrintable(changed.error()));
            QSqlQuery &q = db.store().db().run(
                QStringLiteral(
                    "SELECT id FROM component_updates WHERE component_id = ? ORDER BY created_at DESC, "
                    "id DESC LIMIT 1"),
                {component.id});
            q.next();
            const QString id = q.value(0).toString();
            q.finish();
            return id;
        }
        QStringList messageIds(const QString &eventId)
        {
            QSqlQuery &q = db.store().db().run(
                QStringLiteral("SELECT id FROM messages WHERE event_id = ? ORDER BY id"), {eventId});
            QStringList ids;
            while (q.next())
                ids << q.value(0).toString();
            q.finish();
            return ids;
        }
        void setState(const QString &messageId, DeliveryState state)
        {
            db.store().db().run(QStringLiteral("UPDATE messages SET state = ? WHERE id = ?"),
                                {toString(state), messageId});
        }
    };

private Q_SLOTS:
    void countsAddUpPerChange()
    {
        Fixture page(9);
        const QString first = page.change(page.api, ComponentStatus::MajorOutage);
        QTest::qWait(5); // distinct change times, so "newest first" is defined
        const QString second = page.change(page.web, ComponentStatus::DegradedPerformance);
        const QStringList ids = page.messageIds(first);
        QCOMPARE(ids.size(), 9);
        // One message in each state, three delivered, and one whose subscriber left (cancelled).
        const QList<DeliveryState> states = {
            DeliveryState::Queued,    DeliveryState::Sending,   DeliveryState::Delivered,
            DeliveryState::Delivered, DeliveryState::Delivered, DeliveryState::Retrying,
            DeliveryState::Failed,    DeliveryState::Held,      DeliveryState::Cancelled};
        for (int i = 0; i < ids.size(); ++i)
            page.setState(ids.at(i), states.at(i));

        FanoutQuery query(page.db.store().db());
        const StateCounts c = query.countsFor(first);
        QCOMPARE(c.queued, 1);
        QCOMPARE(c.sending, 1);
        QCOMPARE(c.delivered, 3);
        QCOMPARE(c.retrying, 1);
        QCOMPARE(c.failed, 1);
        QCOMPARE(c.held, 1);
        QCOMPARE(c.cancelled, 1);

        const QList<FanoutCounts> recent = query.recent(6);
        QCOMPARE(recent.size(), 2);
        QCOMPARE(recent.at(0).eventId, second); // newest first
        QCOMPARE(recent.at(0).subjectName, QStringLiteral("Web"));
        QCOMPARE(recent.at(0).counts.queued, 9); // the other change's messages are not counted here
        QCOMPARE(recent.at(0).total(), 9);
        const FanoutCounts &f = recent.at(1);
        QCOMPARE(f.eventId, first);
        QCOMPARE(f.subjectName, QStringLiteral("API"));
        QVERIFY(f.kind == EventKind::Component);
        // queued + sending + delivered + retrying + failed + held = total; cancelled never will be sent.
        QCOMPARE(f.total(), 8);
        QCOMPARE(f.counts.queued + f.counts.sending + f.counts.delivered + f.counts.retrying +
                     f.counts.failed + f.counts.held,
                 f.total());
        QCOMPARE(f.finished(), 5);
        QVERIFY(f.active());

        for (const QString &id : ids.mid(0, 2))
            page.setState(id, DeliveryState::Delivered);
        page.setState(ids.at(5), DeliveryState::Failed);
        const QList<FanoutCounts> done = query.forEvents({first, QStringLiteral("no-such-event")});
        QCOMPARE(done.size(), 1); // an event without messages is left out
        QCOMPARE(done.at(0).finished(), done.at(0).total());
        QVERIFY(!done.at(0).active());
    }

    void silentChangeIsNoFanout()
    {
        Fixture page(2);
        const QString loud = page.change(page.api, ComponentStatus::MajorOutage);
        QTest::qWait(5);
        page.change(page.api, ComponentStatus::Operational, /*notify=*/false);
        FanoutQuery query(page.db.store().db());
        const QList<FanoutCounts> recent = query.recent(6);
        QCOMPARE(recent.size(), 1);
        QCOMPARE(recent.at(0).eventId, loud);
    }

    void countReadsTheIndexOnly()
    {
        if (test::usingPostgres())
            QSKIP("SQLite's plan; PostgreSQL picks its own from table statistics");
        Fixture page(1);
        QSqlQuery &q = page.db.store().db().run(
            QStringLiteral(
                "EXPLAIN QUERY PLAN SELECT state, count(*) FROM messages WHERE event_id = ? GROUP BY state"),
            {QStringLiteral("x")});
        QString plan;
        while (q.next())
            plan += q.value(3).toString() + QLatin1Char('\n');
        q.finish();
        QVERIFY2(plan.contains(QLatin1String("USING COVERING INDEX messages_by_event")), qPrintable(plan));
    }

    void etaFromRecentRate_data()
    {
        QTest::addColumn<QList<qint64>>("times");
        QTest::addColumn<QList<int>>("finished");
        QTest::addColumn<int>("remaining");
        QTest::addColumn<qint64>("eta");
        QTest::newRow("one sample") << QList<qint64>{0} << QList<int>{10} << 100 << qint64(-1);
        QTest::newRow("100/s") << QList<qint64>{0, 1000} << QList<int>{0, 100} << 600 << qint64(6000);
        QTest::newRow("span too short") << QList<qint64>{0, 100} << QList<int>{0, 100} << 600 << qint64(-1);
        QTest::newRow("stalled") << QList<qint64>{0, 1000} << QList<int>{50, 50} << 600 << qint64(-1);
        QTest::newRow("nothing left") << QList<qint64>{0, 1000} << QList<int>{0, 100} << 0 << qint64(-1);
        // Only the last 10 s count: 1,000/s early on, then 10/s for 20 s.
        QTest::newRow("slowed down") << QList<qint64>{0, 1000, 11000, 21000}
                                     << QList<int>{0, 1000, 1100, 1200} << 100 << qint64(10000);
        QTest::newRow("resend reopened")
            << QList<qint64>{0, 1000, 2000} << QList<int>{0, 100, 90} << 50 << qint64(-1);
    }
    void etaFromRecentRate()
    {
        QFETCH(QList<qint64>, times);
        QFETCH(QList<int>, finished);
        QFETCH(int, remaining);
        QFETCH(qint64, eta);
        EtaEstimator e;
        for (int i = 0; i < times.size(); ++i)
            e.add(times.at(i), finished.at(i));
        QCOMPARE(e.etaMs(remaining), eta);
    }

    // A burst of requests (every progress signal, every queued change) costs one or two reads, not one each.
    void requestsAreCoalesced()
    {
        Fixture page(1);
        page.change(page.api, ComponentStatus::MajorOutage);
        page.db.reopen();
        FanoutProgressMonitor monitor(page.db.path());
        monitor.setPollIntervals(600000, 600000); // only the requests below start reads
        QSignalSpy updated(&monitor, &FanoutProgressMonitor::updated);
        QVERIFY(updated.wait(5000)); // the first read, on construction
        updated.clear();
        for (int i = 0; i < 100; ++i)
            monitor.requestRefresh();
        QVERIFY(updated.wait(5000));
        QTest::qWait(3 * FanoutProgressMonitor::kMinIntervalMs);
        QVERIFY2(updated.count() <= 2, qPrintable(QString::number(updated.count())));
        QCOMPARE(monitor.recent().size(), 1);
        QCOMPARE(monitor.recent().at(0).fanout.total(), 1);
    }

    // A fan-out queued by another process (the command line, as `serve` or a second console would) shows in
    // the monitor, which reads the store on its own thread.
    void monitorSeesAnotherProcessesFanout()
    {
        Fixture page(3);
        page.db.reopen(); // no half-read statement of ours holds back the other process's commit
        FanoutProgressMonitor monitor(page.db.path());
        monitor.setPollIntervals(100, 100);
        QSignalSpy updated(&monitor, &FanoutProgressMonitor::updated);
        QVERIFY(updated.wait(5000));
        QVERIFY(monitor.recent().isEmpty());

        QProcess cli;
        cli.setProcessChannelMode(QProcess::ForwardedChannels);
        cli.start(test::cliPath(), {QStringLiteral("--db"), page.db.path(), QStringLiteral("--queue-only"),
                                    QStringLiteral("component"), QStringLiteral("set"), page.api.id,
                                    QStringLiteral("--status"), QStringLiteral("partial_outage")});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(monitor.recent().size(), 1, 5000);
        const FanoutCounts f = monitor.recent().at(0).fanout;
        QCOMPARE(f.subjectName, QStringLiteral("API"));
        QCOMPARE(f.total(), 3);
        QCOMPARE(f.counts.queued, 3);
        QVERIFY(f.active());
        QCOMPARE(monitor.thread(), QThread::currentThread()); // results come back on the caller's thread
    }
};

QTEST_MAIN(TestFanoutQuery)
#include "tst_fanoutquery.moc"
