// Issue 13 item 6: a manual resend is an extra attempt. A delivery still on its retry schedule keeps it (the
// time of its next automatic attempt and the retries left) when the manual attempt fails; one that had
// failed for good is tried once, as the operator asked.
#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/resendservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QTest>

using namespace sd;
using test::HttpReceiver;

namespace {

struct Setup
{
    test::TempDatabase db;
    HttpReceiver receiver;
    QString componentId;
    DeliveryController controller{db.path()};

    Setup(const QString &schedule, qint64 timeoutMs)
    {
        DeliverySettings s;
        if (!DeliverySettings::parseSchedule(schedule, &s.retryScheduleMs))
            qFatal("bad schedule");
        s.timeoutMs = timeoutMs;
        s.minBackoffSlowMs = 1; // timeouts follow the schedule as written
        s.save(db.store().settings);
        receiver.start();
        componentId = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        auto sub = SubscriberService(db.context())
                       .add({receiver.url(), QStringLiteral("ops@example.com"), {}, QString()});
        if (!sub.ok())
            qFatal("%s", qPrintable(sub.error()));
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        ComponentService(db.context()).update(componentId, patch);
    }
    Message message() { return *db.store().outbox.find(db.store().outbox.list({}).front().id); }
    // The message has had `n` attempts and is not being sent (its result is written).
    bool settledAfter(int n)
    {
        const Message m = message();
        return m.attempts == n && m.state != DeliveryState::Sending && m.state != DeliveryState::Queued;
    }
};

HttpReceiver::Script failing(const QString &how)
{
    HttpReceiver::Script script;
    if (how == QLatin1String("timeout")) {
        script.mode = HttpReceiver::Mode::Hang;
    } else {
        script.status = 500;
        script.reason = "Internal Server Error";
    }
    return script;
}

} // namespace

class TestManualResend final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retryingKeepsItsSchedule_data()
    {
        QTest::addColumn<QString>("failure");
        QTest::newRow("500") << QStringLiteral("500");
        QTest::newRow("timeout") << QStringLiteral("timeout");
    }
    void retryingKeepsItsSchedule()
    {
        QFETCH(QString, failure);
        // Four attempts: at once, 10 ms later, ~3 s later, then a minute later.
        Setup t(QStringLiteral("0,10ms,3s,60s"), 300);
        t.receiver.setDefault(failing(failure));
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.settledAfter(2), 10000);
        const Message before = t.message();
        QCOMPARE(sd::toString(before.state), sd::toString(DeliveryState::Retrying));
        const QDateTime scheduled = before.nextAttemptAt;
        QVERIFY(scheduled > QDateTime::currentDateTimeUtc());

        auto resent = ResendService(t.db.context()).resend({before.id});
        QVERIFY2(resent.ok(), qPrintable(resent.error()));
        t.controller.wake();
        QTRY_VERIFY_WITH_TIMEOUT(t.settledAfter(3), 10000);
        const Message after = t.message();
        // The manual attempt was made before the scheduled one was due, and its failure changed nothing of
        // the schedule.
        QVERIFY2(QDateTime::currentDateTimeUtc() < scheduled, "the manual attempt came too late to tell");
        const auto attempts = t.db.store().outbox.attempts(before.id);
        QCOMPARE(attempts.size(), size_t(3));
        QCOMPARE(sd::toString(attempts.at(2).trigger), sd::toString(AttemptTrigger::Manual));
        QCOMPARE(sd::toString(after.state), sd::toString(DeliveryState::Retrying));
        QCOMPARE(after.nextAttemptAt, scheduled);

        // The automatic attempt comes at its time, and the manual one did not use up a retry: after the
        // third automatic attempt the fourth is still planned.
        QTRY_VERIFY_WITH_TIMEOUT(t.settledAfter(4), 15000);
        const Message last = t.message();
        const auto all = t.db.store().outbox.attempts(before.id);
        QCOMPARE(all.size(), size_t(4));
        QCOMPARE(sd::toString(all.at(3).trigger), sd::toString(AttemptTrigger::Retry));
        QVERIFY(all.at(3).startedAt >= scheduled);
        QCOMPARE(sd::toString(last.state), sd::toString(DeliveryState::Retrying));
        QVERIFY(last.nextAttemptAt > QDateTime::currentDateTimeUtc().addSecs(30));
    }

    // Resend while the manual attempt is still queued: the schedule saved by the first is kept.
    void resendTwiceKeepsTheFirstSchedule()
    {
        Setup t(QStringLiteral("0,10ms,60s,60s"), 300);
        t.receiver.setDefault(failing(QStringLiteral("500")));
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.settledAfter(2), 10000);
        t.controller.stop();
        const Message before = t.message();
        QCOMPARE(sd::toString(before.state), sd::toString(DeliveryState::Retrying));
        QVERIFY(ResendService(t.db.context()).resend({before.id}).ok());
        QVERIFY(ResendService(t.db.context()).resend({before.id}).ok());
        DeliveryController second{t.db.path()};
        second.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.settledAfter(3), 10000);
        QCOMPARE(sd::toString(t.message().state), sd::toString(DeliveryState::Retrying));
        QCOMPARE(t.message().nextAttemptAt, before.nextAttemptAt);
    }

    // A delivery that had failed for good is tried once more; a failure leaves it failed, a success delivers.
    void failedIsTriedOnce()
    {
        Setup t(QStringLiteral("0"), 300);
        t.receiver.setDefault(failing(QStringLiteral("500")));
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.settledAfter(1), 10000);
        const QString id = t.message().id;
        QCOMPARE(sd::toString(t.message().state), sd::toString(DeliveryState::Failed));
        QVERIFY(ResendService(t.db.context()).resend({id}).ok());
        t.controller.wake();
        QTRY_VERIFY_WITH_TIMEOUT(t.settledAfter(2), 10000);
        QCOMPARE(sd::toString(t.message().state), sd::toString(DeliveryState::Failed));
        QVERIFY(!t.message().nextAttemptAt.isValid());

        t.receiver.setDefault(HttpReceiver::Script{});
        QVERIFY(ResendService(t.db.context()).resend({id}).ok());
        t.controller.wake();
        QTRY_VERIFY_WITH_TIMEOUT(t.settledAfter(3), 10000);
        QCOMPARE(sd::toString(t.message().state), sd::toString(DeliveryState::Delivered));
    }
};

QTEST_GUILESS_MAIN(TestManualResend)
#include "tst_manualresend.moc"
