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

private Q_SLOTS:
    void sigkillMidFanOutLosesNothing()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        test::HttpReceiver::Script slow;
        slow.delayMs = 150; // keeps attempts in flight when the kill lands
        receiver.setDefault(slow);
        DeliverySettings s;
        s.maxPerHost = 4;
        s.save(db.store().settings);
        const QString component = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        for (int i = 0; i < 60; ++i)
            QVERIFY(SubscriberService(db.context())
                        .add({receiver.url(QStringLiteral("/s%1").arg(i)), QStringLiteral("ops@example.com")})
                        .ok());
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QCOMPARE(ComponentService(db.context()).update(component, patch)->messages, 60);
        QSet<QString> expected;
        for (const Message &m : db.store().outbox.list({}))
            expected.insert(m.id);
        db.close();

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
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
