#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "tests/support/testsupport.h"

#include <QTest>

using namespace sd;

class TestNotifications final : public QObject
{
    Q_OBJECT

    struct Fixture
    {
        test::TempDatabase db;
        QString api, web;
        QString everyone, apiOnly, webOnly;
        Fixture()
        {
            ComponentService components(db.context());
            api = components.add({QStringLiteral("API")})->id;
            web = components.add({QStringLiteral("Website")})->id;
            SubscriberService subscribers(db.context());
            everyone = subscribers.add({QStringLiteral("http://127.0.0.1:9/all"), QStringLiteral("a@example.com")})->id;
            apiOnly = subscribers.add({QStringLiteral("http://127.0.0.1:9/api"), QStringLiteral("b@example.com"), {api}})->id;
            webOnly = subscribers.add({QStringLiteral("http://127.0.0.1:9/web"), QStringLiteral("c@example.com"), {web}})->id;
        }
        QStringList recipients(EventKind kind)
        {
            MessageFilter f;
            f.kind = kind;
            QStringList out;
            for (const Message &m : db.store().outbox.list(f))
                out << m.subscriberId;
            out.sort();
            return out;
        }
        QStringList sorted(QStringList l)
        {
            l.sort();
            return l;
        }
    };

private Q_SLOTS:
    void componentChanges_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<bool>("notifies");
        QTest::newRow("status") << "status" << true;
        QTest::newRow("name") << "name" << false;
        QTest::newRow("description") << "description" << false;
        QTest::newRow("group") << "group" << false;
        QTest::newRow("position") << "position" << false;
    }
    void componentChanges()
    {
        QFETCH(QString, field);
        QFETCH(bool, notifies);
        Fixture f;
        ComponentPatch patch;
        if (field == QLatin1String("status"))
            patch.status = ComponentStatus::PartialOutage;
        else if (field == QLatin1String("name"))
            patch.name = QStringLiteral("Public API");
        else if (field == QLatin1String("description"))
            patch.description = QStringLiteral("REST and GraphQL");
        else if (field == QLatin1String("group"))
            patch.group = QStringLiteral("Core");
        else
            patch.position = 7;
        auto change = ComponentService(f.db.context()).update(f.api, patch);
        QVERIFY2(change.ok(), qPrintable(change.error()));
        // A status change reaches everyone unfiltered and the API-filtered subscriber, not the web one.
        const QStringList expected = notifies ? f.sorted({f.everyone, f.apiOnly}) : QStringList{};
        QCOMPARE(f.recipients(EventKind::Component), expected);
        QCOMPARE(change->messages, static_cast<int>(expected.size()));
    }

    void statusChangeWithNotifyOffSendsNothing()
    {
        Fixture f;
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        patch.notify = false;
        QVERIFY(ComponentService(f.db.context()).update(f.api, patch).ok());
        QCOMPARE(f.db.store().outbox.countsByState().total(), 0);
        QCOMPARE(f.db.store().components.find(f.api)->status, ComponentStatus::MajorOutage);
    }

    void incidents_data()
    {
        QTest::addColumn<bool>("notify");
        QTest::addColumn<bool>("withComponent");
        QTest::addColumn<int>("incidentMessages");
        QTest::addColumn<int>("componentMessages");
        QTest::newRow("notify, no components") << true << false << 1 << 0; // filtered subscribers hear nothing
        QTest::newRow("notify, affects API") << true << true << 2 << 2;
        QTest::newRow("notify off") << false << true << 0 << 0;
    }
    void incidents()
    {
        QFETCH(bool, notify);
        QFETCH(bool, withComponent);
        QFETCH(int, incidentMessages);
        QFETCH(int, componentMessages);
        Fixture f;
        NewIncident input;
        input.name = QStringLiteral("Errors");
        input.status = IncidentStatus::Investigating;
        input.body = QStringLiteral("Looking into it");
        input.notify = notify;
        if (withComponent)
            input.components = {{f.api, ComponentStatus::MajorOutage}};
        auto created = IncidentService(f.db.context()).create(input);
        QVERIFY2(created.ok(), qPrintable(created.error()));
        QCOMPARE(created->incidentMessages, incidentMessages);
        QCOMPARE(created->componentMessages, componentMessages);
        QCOMPARE(static_cast<int>(f.recipients(EventKind::Incident).size()), incidentMessages);
        if (withComponent && notify)
            QCOMPARE(f.recipients(EventKind::Incident), f.sorted({f.everyone, f.apiOnly}));
    }

    void updateThatChangesComponentsSendsBoth()
    {
        Fixture f;
        IncidentService incidents(f.db.context());
        auto created = incidents.create({{IncidentStatus::Investigating, QStringLiteral("Looking")}, QStringLiteral("Errors")});
        QVERIFY(created.ok());
        auto updated = incidents.update(created->incident.id, {{IncidentStatus::Identified, QStringLiteral("Web is slow"),
                                                               {{f.web, ComponentStatus::DegradedPerformance}}}});
        QVERIFY2(updated.ok(), qPrintable(updated.error()));
        QCOMPARE(updated->componentMessages, 2); // everyone + webOnly
        QCOMPARE(updated->incidentMessages, 2);  // the incident now affects web
    }

    void quarantinedAndUnsubscribedHearNothing()
    {
        Fixture f;
        SubscriberService subscribers(f.db.context());
        QVERIFY(subscribers.remove(f.apiOnly).ok());
        Subscriber q = *f.db.store().subscribers.find(f.everyone);
        q.state = SubscriberState::Quarantined;
        f.db.store().subscribers.update(q);
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        auto change = ComponentService(f.db.context()).update(f.api, patch);
        QCOMPARE(change->messages, 0);
        patch.status = ComponentStatus::Operational;
        change = ComponentService(f.db.context()).update(f.web, {std::nullopt, std::nullopt, std::nullopt,
                                                                 ComponentStatus::MajorOutage});
        QCOMPARE(f.recipients(EventKind::Component), QStringList{f.webOnly});
    }

    void backfilledIncidentNotifiesNobody()
    {
        Fixture f;
        NewIncident input;
        input.name = QStringLiteral("Last week");
        input.status = IncidentStatus::Resolved;
        input.body = QStringLiteral("It happened");
        input.backfilled = true;
        auto created = IncidentService(f.db.context()).create(input);
        QVERIFY(created.ok());
        QCOMPARE(created->incidentMessages, 0);
        QVERIFY(created->incident.backfilled);
    }
};

QTEST_GUILESS_MAIN(TestNotifications)
#include "tst_notifications.moc"
