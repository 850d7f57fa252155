// Issue 13 item 2: scheduled maintenance as Statuspage does it. A maintenance scheduled ahead changes no
// component and sends no component webhook until its window opens; then the delivery engine's clock moves it
// to in progress (components under maintenance, with webhooks) and, when the window ends, to completed
// (components back to their earlier status, with webhooks). With several engines on one store each
// transition happens once.
#include "componentservice.h"
#include "deliverycontroller.h"
#include "httpreceiver.h"
#include "incidentservice.h"
#include "subscriberservice.h"
#include "testsupport.h"
#include "values.h"

#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace sd;
using test::HttpReceiver;

namespace {

constexpr int kWaitMs = 15000;

int componentWebhooksReceived(const HttpReceiver &receiver)
{
    int n = 0;
    for (const auto &r : receiver.requests())
        n += r.body.contains("\"component_update\"") ? 1 : 0;
    return n;
}

int queued(Store &store, EventKind kind)
{
    int n = 0;
    for (const Message &m : store.outbox.list({}))
        n += m.kind == kind ? 1 : 0;
    return n;
}

} // namespace

class TestMaintenance final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windowDrivesComponents_data()
    {
        QTest::addColumn<int>("engines");
        QTest::newRow("one engine") << 1;
        QTest::newRow("two engines on one store") << 2;
    }
    void windowDrivesComponents()
    {
        QFETCH(int, engines);
        test::TempDatabase db;
        HttpReceiver receiver;
        QVERIFY(receiver.start());
        const QString componentId = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        ComponentPatch patch;
        patch.status = ComponentStatus::DegradedPerformance;
        QVERIFY(ComponentService(db.context()).update(componentId, patch).ok());
        auto sub = SubscriberService(db.context())
                       .add({receiver.url(), QStringLiteral("ops@example.com"), {}, QString()});
        QVERIFY2(sub.ok(), qPrintable(sub.error()));
        const int componentBefore = queued(db.store(), EventKind::Component); // from the patch above

        std::vector<std::unique_ptr<DeliveryController>> controllers;
        std::vector<std::unique_ptr<QSignalSpy>> moved; // per engine: the transitions it made
        for (int i = 0; i < engines; ++i) {
            controllers.push_back(std::make_unique<DeliveryController>(db.path()));
            moved.push_back(std::make_unique<QSignalSpy>(controllers.back().get(),
                                                         &DeliveryController::maintenanceMoved));
            controllers.back()->start();
        }

        const QDateTime start = QDateTime::currentDateTimeUtc().addMSecs(2000);
        const QDateTime end = start.addMSecs(2000);
        NewIncident in;
        in.name = QStringLiteral("Database upgrade");
        in.status = IncidentStatus::Scheduled;
        in.body = QStringLiteral("We will upgrade the database.");
        in.components = {{componentId, ComponentStatus::UnderMaintenance}};
        in.scheduledFor = start;
        in.scheduledUntil = end;
        in.scheduledAutoTransition = true;
        auto created = IncidentService(db.context()).create(in);
        QVERIFY2(created.ok(), qPrintable(created.error()));
        const QString incidentId = created->incident.id;
        for (auto &c : controllers)
            c->wake();

        // Before the window: subscribers hear it is scheduled, the component is untouched.
        QTRY_VERIFY_WITH_TIMEOUT(receiver.requests().size() >= 1, kWaitMs);
        const auto component = [&] { return *db.store().components.find(componentId); };
        QCOMPARE(toString(component().status), toString(ComponentStatus::DegradedPerformance));
        QCOMPARE(queued(db.store(), EventKind::Component), componentBefore);
        QCOMPARE(componentWebhooksReceived(receiver), 0);
        QCOMPARE(toString(db.store().incidents.find(incidentId)->status),
                 toString(IncidentStatus::Scheduled));
        QVERIFY2(QDateTime::currentDateTimeUtc() < start, "the checks above came after the window opened");
        QVERIFY(db.store().incidents.find(incidentId)->componentIds.contains(componentId));

        // The window opens: under maintenance, one component webhook, one incident webhook.
        QTRY_COMPARE_WITH_TIMEOUT(componentWebhooksReceived(receiver), 1, kWaitMs);
        QVERIFY(QDateTime::currentDateTimeUtc() >= start);
        QCOMPARE(toString(component().status), toString(ComponentStatus::UnderMaintenance));
        QCOMPARE(toString(db.store().incidents.find(incidentId)->status),
                 toString(IncidentStatus::InProgress));

        // The window ends: completed, the component back to its earlier status, with its webhook.
        QTRY_COMPARE_WITH_TIMEOUT(componentWebhooksReceived(receiver), 2, kWaitMs);
        QVERIFY(QDateTime::currentDateTimeUtc() >= end);
        QCOMPARE(toString(component().status), toString(ComponentStatus::DegradedPerformance));
        QCOMPARE(toString(db.store().incidents.find(incidentId)->status),
                 toString(IncidentStatus::Completed));
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), qsizetype(5),
                                  kWaitMs); // 3 incident + 2 component

        // However many engines watched the clock, each transition was made (and queued) once.
        QCOMPARE(queued(db.store(), EventKind::Component), componentBefore + 2);
        QCOMPARE(queued(db.store(), EventKind::Incident), 3);
        const auto updates = db.store().incidents.find(incidentId)->updates; // newest first
        QCOMPARE(updates.size(), size_t(3));
        QCOMPARE(toString(updates.at(0).status), toString(IncidentStatus::Completed));
        QCOMPARE(toString(updates.at(1).status), toString(IncidentStatus::InProgress));
        QTest::qWait(1500); // a late engine's scan would make a third component change now
        QCOMPARE(queued(db.store(), EventKind::Component), componentBefore + 2);
        QCOMPARE(db.store().incidents.find(incidentId)->updates.size(), size_t(3));
        int transitions = 0;
        for (const auto &spy : moved)
            transitions += int(spy->count());
        QCOMPARE(transitions, 2);
    }

    // Without automatic transitions nothing happens by itself: the operator moves it by hand.
    void withoutAutoTransitionNothingMoves()
    {
        test::TempDatabase db;
        const QString componentId = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        DeliveryController controller(db.path());
        controller.start();
        NewIncident in;
        in.name = QStringLiteral("Database upgrade");
        in.status = IncidentStatus::Scheduled;
        in.body = QStringLiteral("We will upgrade the database.");
        in.components = {{componentId, ComponentStatus::UnderMaintenance}};
        in.scheduledFor = QDateTime::currentDateTimeUtc().addMSecs(300);
        in.scheduledUntil = in.scheduledFor.addMSecs(300);
        in.scheduledAutoTransition = false;
        auto created = IncidentService(db.context()).create(in);
        QVERIFY2(created.ok(), qPrintable(created.error()));
        QTest::qWait(2000); // past the whole window, with the engine's scans running
        QCOMPARE(toString(db.store().incidents.find(created->incident.id)->status),
                 toString(IncidentStatus::Scheduled));
        QCOMPARE(toString(db.store().components.find(componentId)->status),
                 toString(ComponentStatus::Operational));
    }
};

QTEST_GUILESS_MAIN(TestMaintenance)
#include "tst_maintenance.moc"
