// Issue 13 item 2: scheduled maintenance as Statuspage does it. A maintenance scheduled ahead changes no
// component and sends no component webhook until its window opens; then the delivery engine's clock moves it
// to in progress (components under maintenance, with webhooks) and, when the window ends, to completed
// (components back to their earlier status, with webhooks). With several engines on one store each
// transition happens once.
#include "app/api/apihandlers.h"
#include "app/api/apikeystore.h"
#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "models/smtpsettings.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
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

    // Issue 13 item 2 (reminders): an hour before the start of a maintenance that asks for it
    // (scheduled_remind_prior), the subscribers who hear of it are reminded once, by email (Statuspage sends
    // no webhook for a reminder), however many engines run a clock; the rest are left alone.
    void reminderGoesOutOnceAnHourBefore()
    {
        test::TempDatabase db;
        SmtpSettings smtp = SmtpSettings::load(db.store().settings);
        smtp.url =
            QStringLiteral("smtp://127.0.0.1:1"); // nothing listens: the email stays queued or retrying
        smtp.from = QStringLiteral("status@acme.test");
        smtp.save(db.store().settings);
        const QString api = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        const QString web = ComponentService(db.context()).add({QStringLiteral("Web")})->id;
        SubscriberService subscribers(db.context());
        QVERIFY(subscribers
                    .add({QStringLiteral("http://127.0.0.1:9/all"),
                          QStringLiteral("all@example.com"),
                          {},
                          QString()})
                    .ok());
        QVERIFY(subscribers
                    .add({QStringLiteral("http://127.0.0.1:9/web"),
                          QStringLiteral("web@example.com"),
                          {web},
                          QString()})
                    .ok());

        auto schedule = [&](const QString &name, qint64 startsInSecs, bool remind) {
            NewIncident in;
            in.name = name;
            in.status = IncidentStatus::Scheduled;
            in.body = QStringLiteral("We will upgrade the database.");
            in.components = {{api, ComponentStatus::UnderMaintenance}};
            in.scheduledFor = QDateTime::currentDateTimeUtc().addSecs(startsInSecs);
            in.scheduledUntil = in.scheduledFor.addSecs(3600);
            in.scheduledAutoTransition = true;
            in.scheduledRemindPrior = remind;
            auto created = IncidentService(db.context()).create(in);
            return created.ok() ? created->incident.id : QString();
        };
        const QString soon = schedule(QStringLiteral("Database upgrade"), 30 * 60, true);
        const QString later = schedule(QStringLiteral("Network upgrade"), 3 * 3600, true);
        const QString quiet = schedule(QStringLiteral("Disk swap"), 20 * 60, false);
        QVERIFY(!soon.isEmpty() && !later.isEmpty() && !quiet.isEmpty());
        const int incidentWebhooks = queued(db.store(), EventKind::Incident);
        QCOMPARE(incidentWebhooks, 3); // "scheduled", to the subscriber who hears of API

        std::vector<std::unique_ptr<DeliveryController>> controllers;
        for (int i = 0; i < 2; ++i) {
            controllers.push_back(std::make_unique<DeliveryController>(db.path()));
            controllers.back()->start();
        }
        auto reminders = [&] {
            QStringList out;
            for (const Message &m : db.store().outbox.list({}))
                if (m.kind == EventKind::Email &&
                    m.subjectName.startsWith(QStringLiteral("maintenance reminder: ")))
                    out << m.subjectName + QStringLiteral(" to ") + m.recipient;
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(reminders().size(), qsizetype(1), kWaitMs);
        QTest::qWait(1500); // both engines have scanned again since
        QCOMPARE(reminders(),
                 QStringList{QStringLiteral("maintenance reminder: Database upgrade to all@example.com")});
        // Stamped once (it goes out in the maintenance's later webhooks as scheduled_reminded_at).
        QVERIFY(db.store().incidents.find(soon)->scheduledRemindedAt.isValid());
        QVERIFY(!db.store().incidents.find(later)->scheduledRemindedAt.isValid());
        QVERIFY(!db.store().incidents.find(quiet)->scheduledRemindedAt.isValid());
        // No webhook for a reminder; nothing moved before its window.
        QCOMPARE(queued(db.store(), EventKind::Incident), incidentWebhooks);
        QCOMPARE(toString(db.store().incidents.find(soon)->status), toString(IncidentStatus::Scheduled));
        QCOMPARE(toString(db.store().components.find(api)->status), toString(ComponentStatus::Operational));
        QSqlQuery &q = db.store().db().run(
            QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'incident.remind'"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        q.finish();
        // The email says what and when.
        for (const Message &m : db.store().outbox.list({}))
            if (m.kind == EventKind::Email) {
                const QByteArray body = db.store().outbox.find(m.id)->body;
                QVERIFY2(body.contains("Database upgrade"), body.constData());
            }
    }

    // Statuspage's scheduled_auto_in_progress / scheduled_auto_completed through the API map onto the
    // automatic transitions the clock runs (one flag: both or neither); a contradiction is refused with one
    // sentence and nothing is stored.
    void apiAutoSwitches_data()
    {
        QTest::addColumn<QByteArray>("fields");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("automatic");
        QTest::addColumn<QString>("error");
        QTest::newRow("both on")
            << QByteArray("\"scheduled_auto_in_progress\": true, \"scheduled_auto_completed\": true") << 201
            << true << QString();
        QTest::newRow("both off")
            << QByteArray("\"scheduled_auto_in_progress\": false, \"scheduled_auto_completed\": false") << 201
            << false << QString();
        QTest::newRow("start only") << QByteArray("\"scheduled_auto_in_progress\": true") << 201 << true
                                    << QString();
        QTest::newRow("completed only, with auto_transition")
            << QByteArray("\"scheduled_auto_completed\": true, \"scheduled_auto_transition\": true") << 201
            << true << QString();
        QTest::newRow("start without completion")
            << QByteArray("\"scheduled_auto_in_progress\": true, \"scheduled_auto_completed\": false") << 400
            << false
            << QStringLiteral(
                   "incident.scheduled_auto_in_progress and incident.scheduled_auto_completed must be "
                   "the same: StatusDesk starts and completes a maintenance automatically together, "
                   "or neither");
        QTest::newRow("against auto_transition")
            << QByteArray("\"scheduled_auto_transition\": false, \"scheduled_auto_in_progress\": true") << 400
            << false
            << QStringLiteral("incident.scheduled_auto_transition contradicts "
                              "incident.scheduled_auto_in_progress/scheduled_auto_completed");
        QTest::newRow("wrong type") << QByteArray("\"scheduled_auto_completed\": \"yes\"") << 400 << false
                                    << QString();
    }
    void apiAutoSwitches()
    {
        QFETCH(QByteArray, fields);
        QFETCH(int, status);
        QFETCH(bool, automatic);
        QFETCH(QString, error);
        test::TempDatabase db;
        const QString key = api::ApiKeyStore(db.store().db()).create(QStringLiteral("tests"))->secret;
        api::ApiHandlers handlers(db.context());
        const QString base = QStringLiteral("/v1/pages/") + db.store().page.get().id;
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(7200);
        api::ApiRequest r;
        r.method = "POST";
        r.path = base + QStringLiteral("/incidents");
        r.authorization = "OAuth " + key.toLatin1();
        r.body = "{\"incident\": {\"name\": \"Database upgrade\", \"status\": \"scheduled\", "
                 "\"scheduled_for\": \"" +
                 start.toString(Qt::ISODate).toLatin1() + "\", \"scheduled_until\": \"" +
                 start.addSecs(3600).toString(Qt::ISODate).toLatin1() + "\", " + fields + "}}";
        const api::ApiResponse created = handlers.handle(r);
        QCOMPARE(created.status, status);
        const QJsonObject o = QJsonDocument::fromJson(created.body).object();
        if (status != 201) {
            if (!error.isEmpty())
                QCOMPARE(o.value(QStringLiteral("error")).toString(), error);
            QCOMPARE(db.store().incidents.all().size(), size_t(0));
            return;
        }
        const Incident stored = *db.store().incidents.find(o.value(QStringLiteral("id")).toString());
        QCOMPARE(stored.scheduledAutoTransition, automatic);
        QCOMPARE(o.value(QStringLiteral("scheduled_auto_in_progress")).toBool(), automatic);
        QCOMPARE(o.value(QStringLiteral("scheduled_auto_completed")).toBool(), automatic);

        // PATCH turns it the other way with the same switches.
        api::ApiRequest patch = r;
        patch.method = "PATCH";
        patch.path = base + QStringLiteral("/incidents/") + stored.id;
        patch.body = automatic ? "{\"incident\": {\"scheduled_auto_in_progress\": false, "
                                 "\"scheduled_auto_completed\": false}}"
                               : "{\"incident\": {\"scheduled_auto_in_progress\": true, "
                                 "\"scheduled_auto_completed\": true}}";
        const api::ApiResponse patched = handlers.handle(patch);
        QCOMPARE(patched.status, 200);
        QCOMPARE(db.store().incidents.find(stored.id)->scheduledAutoTransition, !automatic);
        QCOMPARE(QJsonDocument::fromJson(patched.body)
                     .object()
                     .value(QStringLiteral("scheduled_auto_completed"))
                     .toBool(),
                 !automatic);
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
