#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QProcess>
#include <QSet>
#include <QTest>
#include <csignal>

using namespace sd;

// Kills statusdesk-cli with SIGKILL in the middle of a fan-out, restarts it, and checks that every message
// reached the receiver with its original webhook-id (at-least-once) and ends delivered.
class TestCrashSafety final : public QObject
{
    Q_OBJECT

    // `count` subscribers on one receiver that answers each request after 150 ms (keeping attempts in flight
    // when a kill or signal lands), four at a time, and a status change queued for all of them: `expected`
    // gets the messages' ids. The database is closed for the processes under test.
    static void queueFanOut(test::TempDatabase &db, test::HttpReceiver &receiver, int count,
                            QSet<QString> &expected)
    {
        QVERIFY(receiver.start());
        test::HttpReceiver::Script slow;
        slow.delayMs = 150;
        receiver.setDefault(slow);
        DeliverySettings s;
        s.maxPerHost = 4;
        s.save(db.store().settings);
        const QString component = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        for (int i = 0; i < count; ++i)
            QVERIFY(SubscriberService(db.context())
                        .add({receiver.url(QStringLiteral("/s%1").arg(i)), QStringLiteral("ops@example.com")})
                        .ok());
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QCOMPARE(ComponentService(db.context()).update(component, patch)->messages, count);
        for (const Message &m : db.store().outbox.list({}))
            expected.insert(m.id);
        db.close();
    }

private Q_SLOTS:
    void sigkillMidFanOutLosesNothing()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QSet<QString> expected;
        queueFanOut(db, receiver, 60, expected);
        if (QTest::currentTestFailed())
            return;

        int kills = 0;
        for (int round = 0; round < 10; ++round) {
            QProcess child;
            child.start(test::cliPath(), {QStringLiteral("--db"), db.path(), QStringLiteral("dispatch")});
            QVERIFY(child.waitForStarted());
            if (round < 2) {
                // Kill without warning once this run has attempts on the wire (the receiver holds each for
                // 150 ms, four at a time), however fast the process starts or sends.
                const qsizetype before = receiver.requests().size();
                QTRY_VERIFY_WITH_TIMEOUT(
                    receiver.requests().size() > before || child.state() != QProcess::Running, 15000);
                if (child.state() == QProcess::Running) {
                    ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
                    ++kills;
                }
                child.waitForFinished(5000);
                continue;
            }
            QTRY_VERIFY_WITH_TIMEOUT(child.state() == QProcess::NotRunning, 60000);
            db.reopen();
            if (db.store().outbox.countsByState().delivered == 60)
                break;
            db.close();
        }
        QVERIFY(kills >= 1);
        db.reopen();
        QCOMPARE(db.store().outbox.countsByState().delivered, 60);
        QSet<QString> seen;
        for (const test::ReceivedRequest &r : receiver.requests())
            seen.insert(QString::fromUtf8(r.headers.value("webhook-id")));
        QCOMPARE(seen, expected); // every message arrived, each under its original id
        QVERIFY(receiver.requests().size() >= 60);
        qInfo("requests received: %lld for 60 messages after %d SIGKILL(s)",
              static_cast<long long>(receiver.requests().size()), kills);
    }

    // SIGTERM (and SIGINT) in the middle of a fan-out: the process stops claiming, the requests on the wire
    // finish and are recorded, the claimed rest goes back to the queue, its leases are released; a dispatch
    // afterwards sends the rest. Nothing is lost and, as every request here ends well within the stop's
    // deadline, nothing is sent twice (the documented window: requests still on the wire at the deadline).
    void sigtermMidFanOutRepeatsNothing_data()
    {
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<int>("signalNumber");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("dispatch, SIGTERM")
            << QStringList{QStringLiteral("dispatch")} << SIGTERM << 128 + SIGTERM;
        QTest::newRow("dispatch, SIGINT")
            << QStringList{QStringLiteral("dispatch")} << SIGINT << 128 + SIGINT;
        QTest::newRow("serve, SIGTERM")
            << QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")}
            << SIGTERM << 0;
    }

    void sigtermMidFanOutRepeatsNothing()
    {
        QFETCH(QStringList, command);
        QFETCH(int, signalNumber);
        QFETCH(int, exitCode);
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QSet<QString> expected;
        queueFanOut(db, receiver, 40, expected);
        if (QTest::currentTestFailed())
            return;

        QProcess child;
        child.start(test::cliPath(), QStringList{QStringLiteral("--db"), db.path()} + command);
        QVERIFY(child.waitForStarted());
        // Once this run has requests on the wire (four at a time, 150 ms each) and some answered.
        QTRY_VERIFY_WITH_TIMEOUT(receiver.requests().size() >= 6 || child.state() != QProcess::Running,
                                 15000);
        QCOMPARE(child.state(), QProcess::Running);
        ::kill(static_cast<pid_t>(child.processId()), signalNumber);
        // (The receiver answers in this thread's event loop: wait with it running.)
        QTRY_VERIFY_WITH_TIMEOUT(child.state() == QProcess::NotRunning, 20000);
        const QString err = QString::fromUtf8(child.readAllStandardError());
        QCOMPARE(child.exitStatus(), QProcess::NormalExit); // it stopped itself; the signal did not end it
        QVERIFY2(child.exitCode() == exitCode, qPrintable(err));
        const qsizetype sentBeforeStop = receiver.requests().size();
        QVERIFY(sentBeforeStop < 40); // stopped mid fan-out

        db.reopen();
        const StateCounts afterStop = db.store().outbox.countsByState();
        QCOMPARE(afterStop.sending, 0); // nothing left leased to the stopped process
        // Every request it put on the wire finished and was recorded: its messages are delivered.
        QCOMPARE(afterStop.delivered, static_cast<int>(sentBeforeStop));
        db.close();

        // The rest, by a dispatch left to finish.
        QProcess rest;
        rest.start(test::cliPath(), {QStringLiteral("--db"), db.path(), QStringLiteral("dispatch")});
        QTRY_VERIFY_WITH_TIMEOUT(rest.state() == QProcess::NotRunning, 60000);
        QCOMPARE(rest.exitCode(), 0);
        db.reopen();
        QCOMPARE(db.store().outbox.countsByState().delivered, 40);
        QSet<QString> seen;
        for (const test::ReceivedRequest &r : receiver.requests())
            seen.insert(QString::fromUtf8(r.headers.value("webhook-id")));
        QCOMPARE(seen, expected);                            // nothing lost
        QCOMPARE(receiver.requests().size(), qsizetype(40)); // nothing repeated
        qInfo("%lld of 40 sent before the stop, the rest by the next dispatch, none twice",
              static_cast<long long>(sentBeforeStop));
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
