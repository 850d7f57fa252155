#include "app/api/apihandlers.h"
#include "app/api/apikeystore.h"
#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/pageservice.h"
#include "app/services/resendservice.h"
#include "app/services/serviceworker.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace sd;

namespace {

// The test's own context under a chosen operator, as the CLI's --as or the console's name would give.
ServiceContext as(test::TempDatabase &db, const QString &actor)
{
    ServiceContext ctx = db.context();
    ctx.actor = actor;
    return ctx;
}

int countRows(test::TempDatabase &db, const QString &table, const QString &where = {})
{
    QSqlQuery &q = db.store().db().run(QStringLiteral("SELECT count(*) FROM ") + table +
                                       (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where));
    const int n = q.next() ? q.value(0).toInt() : -1;
    q.finish();
    return n;
}

// Every message's created_by (or next_actor), distinct.
QStringList distinctColumn(test::TempDatabase &db, const QString &column,
                           const QString &table = QStringLiteral("messages"))
{
    QSqlQuery &q = db.store().db().run(
        QStringLiteral("SELECT DISTINCT COALESCE(%1, '') FROM %2 ORDER BY 1").arg(column, table));
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    q.finish();
    return out;
}

// Table sizes that any operator change may touch: equal before and after means nothing was written.
QList<int> footprint(test::TempDatabase &db)
{
    QList<int> out;
    for (const char *table : {"audit_log", "components", "component_groups", "component_updates", "incidents",
                              "incident_updates", "subscribers", "messages", "notices", "api_keys"})
        out << countRows(db, QLatin1String(table));
    out << countRows(db, QStringLiteral("messages"), QStringLiteral("next_actor IS NOT NULL"));
    out << countRows(db, QStringLiteral("subscribers"), QStringLiteral("state = 'unsubscribed'"));
    return out;
}

enum class Op
{
    PageSet,
    ComponentAdd,
    ComponentRename,
    ComponentEdit,
    ComponentStatus,
    ComponentRemove,
    IncidentCreate,
    IncidentUpdate,
    IncidentPostmortem,
    SubscriberAdd,
    SubscriberEdit,
    SubscriberRemove,
    SubscriberReactivate,
    SubscriberRotateSecret,
    SubscriberImport,
    SubscriberTest,
    Resend,
    ApiKeyCreate,
    ApiKeyRevoke
};

// A page with two components (one in a group), one subscriber, one incident and one queued message.
struct Fixture
{
    test::TempDatabase db;
    Component api, web;
    Subscriber subscriber;
    Incident incident;
    QString messageId;
    QString apiKeyId;

    Fixture()
    {
        const ServiceContext setup = as(db, QStringLiteral("setup"));
        ComponentService components(setup);
        NewComponent a{QStringLiteral("API")};
        a.group = QStringLiteral("Core");
        api = components.add(a).value();
        web = components.add({QStringLiteral("Web")}).value();
        subscriber = SubscriberService(setup)
                         .add({QStringLiteral("http://127.0.0.1:9/hook"), QStringLiteral("ops@example.com")})
                         .value();
        ComponentPatch down;
        down.status = ComponentStatus::MajorOutage;
        components.update(web.id, down);
        messageId = db.store().outbox.list({}).front().id;
        NewIncident in;
        in.name = QStringLiteral("Slow API");
        in.body = QStringLiteral("Looking into it");
        in.notify = false;
        incident = IncidentService(setup).create(in).value().incident;
        apiKeyId =
            api::ApiKeyStore(db.store().db()).create(QStringLiteral("ci"), QStringLiteral("setup"))->key.id;
    }

    // Runs `op` under `actor`; returns the error, or an empty string.
    QString run(Op op, const QString &actor)
    {
        const ServiceContext ctx = as(db, actor);
        auto error = [](const auto &result) { return result.ok() ? QString() : result.error(); };
        switch (op) {
        case Op::PageSet: {
            PagePatch p;
            p.name = QStringLiteral("Acme status");
            return error(PageService(ctx).update(p));
        }
        case Op::ComponentAdd:
            return error(ComponentService(ctx).add({QStringLiteral("Search")}));
        case Op::ComponentRename: {
            ComponentPatch p;
            p.name = QStringLiteral("Public API");
            return error(ComponentService(ctx).update(api.id, p));
        }
        case Op::ComponentEdit: {
            ComponentPatch p;
            p.description = QStringLiteral("REST and GraphQL");
            return error(ComponentService(ctx).update(api.id, p));
        }
        case Op::ComponentStatus: {
            ComponentPatch p;
            p.status = ComponentStatus::PartialOutage;
            return error(ComponentService(ctx).update(api.id, p));
        }
        case Op::ComponentRemove:
            return error(ComponentService(ctx).remove(web.id));
        case Op::IncidentCreate: {
            NewIncident in;
            in.name = QStringLiteral("Database down");
            in.body = QStringLiteral("Investigating");
            return error(IncidentService(ctx).create(in));
        }
        case Op::IncidentUpdate:
            return error(IncidentService(ctx).update(
                incident.id,
                {IncidentStatus::Identified, QStringLiteral("Found it"), {}, std::nullopt, true}));
        case Op::IncidentPostmortem:
            return error(
                IncidentService(ctx).setPostmortem(incident.id, {QStringLiteral("What happened"), true}));
        case Op::SubscriberAdd:
            return error(SubscriberService(ctx).add(
                {QStringLiteral("http://127.0.0.1:9/other"), QStringLiteral("dev@example.com")}));
        case Op::SubscriberEdit: {
            SubscriberPatch p;
            p.email = QStringLiteral("oncall@example.com");
            return error(SubscriberService(ctx).edit(subscriber.id, p));
        }
        case Op::SubscriberRemove:
            return error(SubscriberService(ctx).remove(subscriber.id));
        case Op::SubscriberReactivate:
            return error(SubscriberService(ctx).reactivate(subscriber.id));
        case Op::SubscriberRotateSecret:
            return error(SubscriberService(ctx).rotateSecret(subscriber.id));
        case Op::SubscriberImport: {
            const ImportReport r = SubscriberService(ctx).importCsv(
                QByteArrayLiteral("endpoint,email\nhttp://127.0.0.1:9/imported,imp@example.com\n"));
            return r.errors.empty() && r.added.size() == 1 ? QString() : QStringLiteral("import failed");
        }
        case Op::SubscriberTest:
            return error(SubscriberService(ctx).sendTest(subscriber.id));
        case Op::Resend:
            return error(ResendService(ctx).resend({messageId}));
        case Op::ApiKeyCreate:
        case Op::ApiKeyRevoke:
            if (op == Op::ApiKeyCreate)
                return error(api::ApiKeyStore(db.store().db()).create(QStringLiteral("deploy bot"), actor));
            return error(api::ApiKeyStore(db.store().db()).revoke(apiKeyId, actor));
        }
        return QStringLiteral("unknown op");
    }
};

} // namespace

Q_DECLARE_METATYPE(Op)

// Who did what: every change and every manual resend names its operator, and every operator change writes
// one audit_log row in its own transaction.
class TestAudit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void componentStatusChangeRecordsItsOperator_data()
    {
        QTest::addColumn<QString>("actor");
        QTest::newRow("user@host") << QStringLiteral("alice@desk-7");
        QTest::newRow("console name") << QStringLiteral("Zoë (incident commander)");
        QTest::newRow("api key") << QStringLiteral("api-key:ci");
    }
    void componentStatusChangeRecordsItsOperator()
    {
        QFETCH(QString, actor);
        test::TempDatabase db;
        const auto c = ComponentService(db.context()).add({QStringLiteral("API")}).value();
        for (int i = 0; i < 3; ++i)
            QVERIFY(
                SubscriberService(db.context())
                    .add({QStringLiteral("http://127.0.0.1:9/%1").arg(i), QStringLiteral("a@example.com")})
                    .ok());
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        const auto change = ComponentService(as(db, actor)).update(c.id, patch);
        QVERIFY2(change.ok(), qPrintable(change.error()));
        QCOMPARE(change->messages, 3);

        const auto history = db.store().components.updatesFor(c.id);
        QCOMPARE(history.size(), size_t(1));
        QCOMPARE(history.front().actor, actor);
        QCOMPARE(distinctColumn(db, QStringLiteral("created_by")), QStringList{actor});
        const auto audit = db.store().audit.list({});
        QCOMPARE(audit.front().actor, actor);
        QCOMPARE(audit.front().action, QStringLiteral("component.status"));
        QCOMPARE(audit.front().subjectKind, QStringLiteral("component"));
        QCOMPARE(audit.front().subjectId, c.id);
        QVERIFY2(audit.front().detail.contains(QStringLiteral("operational → major_outage")),
                 qPrintable(audit.front().detail));
    }

    // An incident's timeline names who posted each update, and the component changes an update carries
    // are recorded under the same operator.
    void incidentUpdatesRecordTheirOperators()
    {
        test::TempDatabase db;
        const auto c = ComponentService(db.context()).add({QStringLiteral("API")}).value();
        QVERIFY(SubscriberService(db.context())
                    .add({QStringLiteral("http://127.0.0.1:9/a"), QStringLiteral("a@example.com")})
                    .ok());
        NewIncident in;
        in.name = QStringLiteral("Errors on API");
        in.body = QStringLiteral("Investigating");
        const auto created = IncidentService(as(db, QStringLiteral("alice"))).create(in);
        QVERIFY2(created.ok(), qPrintable(created.error()));
        IncidentUpdateInput update;
        update.status = IncidentStatus::Identified;
        update.body = QStringLiteral("Bad deploy");
        update.components = {{c.id, ComponentStatus::PartialOutage}};
        // A second later: the timeline orders by created_at, and both writes can fall in one millisecond.
        ServiceContext bob = as(db, QStringLiteral("bob"));
        bob.now = [] { return QDateTime::currentDateTimeUtc().addSecs(1); };
        const auto updated = IncidentService(bob).update(created->incident.id, update);
        QVERIFY2(updated.ok(), qPrintable(updated.error()));

        const Incident stored = *db.store().incidents.find(created->incident.id);
        QCOMPARE(stored.updates.size(), size_t(2));
        QCOMPARE(stored.updates.at(0).actor, QStringLiteral("bob")); // newest first
        QCOMPARE(stored.updates.at(1).actor, QStringLiteral("alice"));
        QCOMPARE(db.store().components.updatesFor(c.id).front().actor, QStringLiteral("bob"));
        QCOMPARE(distinctColumn(db, QStringLiteral("created_by")),
                 (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
        QCOMPARE(countRows(db, QStringLiteral("messages"), QStringLiteral("created_by = 'bob'")), 2);

        const auto audit = db.store().audit.list({});
        QCOMPARE(audit.at(0).action, QStringLiteral("incident.update"));
        QCOMPARE(audit.at(0).actor, QStringLiteral("bob"));
        QVERIFY2(audit.at(0).detail.contains(QStringLiteral("investigating → identified")),
                 qPrintable(audit.at(0).detail));
        QCOMPARE(audit.at(1).action, QStringLiteral("incident.create"));
        QCOMPARE(audit.at(1).actor, QStringLiteral("alice"));
    }

    // The webhook a subscriber receives is the same bytes whoever made the change: the operator is never
    // part of a Statuspage-shaped body.
    void webhookBodiesNeverNameTheOperator()
    {
        test::TempDatabase db;
        const auto c = ComponentService(db.context()).add({QStringLiteral("API")}).value();
        QVERIFY(SubscriberService(db.context())
                    .add({QStringLiteral("http://127.0.0.1:9/a"), QStringLiteral("a@example.com")})
                    .ok());
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(as(db, QStringLiteral("operator-marker-xyz"))).update(c.id, patch).ok());
        NewIncident in;
        in.name = QStringLiteral("Down");
        in.body = QStringLiteral("Looking");
        QVERIFY(IncidentService(as(db, QStringLiteral("operator-marker-xyz"))).create(in).ok());
        QSqlQuery &q = db.store().db().run(QStringLiteral("SELECT body FROM message_bodies"));
        int bodies = 0;
        while (q.next()) {
            ++bodies;
            QVERIFY(!q.value(0).toByteArray().contains("operator-marker-xyz"));
            QVERIFY(!q.value(0).toByteArray().contains("\"actor\""));
        }
        q.finish();
        QCOMPARE(bodies, 2);
    }

    // A manual resend names who asked for it; the engine copies that into the attempt it makes, and its
    // own attempts name nobody.
    void resendAttemptRecordsWhoAskedForIt()
    {
        test::TempDatabase db;
        DeliverySettings settings;
        DeliverySettings::parseSchedule(QStringLiteral("0,60s"), &settings.retryScheduleMs);
        settings.timeoutMs = 5000;
        settings.save(db.store().settings);
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        const auto c = ComponentService(db.context()).add({QStringLiteral("API")}).value();
        QVERIFY(SubscriberService(db.context()).add({receiver.url(), QStringLiteral("a@example.com")}).ok());
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(as(db, QStringLiteral("alice"))).update(c.id, patch).ok());
        const QString id = db.store().outbox.list({}).front().id;

        DeliveryController controller{db.path()};
        controller.start();
        auto attempts = [&] {
            db.store().db().finishAll();
            return db.store().outbox.attempts(id);
        };
        QTRY_COMPARE_WITH_TIMEOUT(attempts().size(), size_t(1), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(toString(db.store().outbox.find(id)->state),
                                  toString(DeliveryState::Delivered), 10000);

        const auto resent = ResendService(as(db, QStringLiteral("carol@desk-2"))).resend({id});
        QVERIFY2(resent.ok(), qPrintable(resent.error()));
        QCOMPARE(distinctColumn(db, QStringLiteral("next_actor")),
                 QStringList{QStringLiteral("carol@desk-2")});
        controller.wake();
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(attempts().size(), size_t(2), 10000);
        controller.stop();

        const auto list = attempts();
        QCOMPARE(toString(list.at(0).trigger), toString(AttemptTrigger::Automatic));
        QCOMPARE(list.at(0).actor, QString());
        QCOMPARE(toString(list.at(1).trigger), toString(AttemptTrigger::Manual));
        QCOMPARE(list.at(1).actor, QStringLiteral("carol@desk-2"));
        // Spent once sent: a later automatic retry would not carry it.
        QCOMPARE(distinctColumn(db, QStringLiteral("next_actor")), QStringList{QString()});
        QCOMPARE(distinctColumn(db, QStringLiteral("created_by")), QStringList{QStringLiteral("alice")});
        const auto audit = db.store().audit.list({});
        QCOMPARE(audit.front().action, QStringLiteral("resend"));
        QCOMPARE(audit.front().actor, QStringLiteral("carol@desk-2"));
        QCOMPARE(audit.front().subjectId, id);
    }

    // The console's writes run on the worker thread: they carry the name the console had when the job was
    // handed over.
    void workerJobsCarryTheConsoleOperator()
    {
        test::TempDatabase db;
        const auto c = ComponentService(db.context()).add({QStringLiteral("API")}).value();
        ServiceWorker worker(db.path());
        worker.setActor(QStringLiteral("dana"));
        ComponentPatch first;
        first.status = ComponentStatus::MajorOutage;
        int done = 0;
        worker.run<ComponentChange>(
            [=](ServiceWorker::Services &s) { return s.components.update(c.id, first); }, this,
            [&](const Result<ComponentChange> &r) { done += r.ok() ? 1 : 100; });
        worker.setActor(QStringLiteral("erin"));
        ComponentPatch second;
        second.status = ComponentStatus::Operational;
        worker.run<ComponentChange>(
            [=](ServiceWorker::Services &s) { return s.components.update(c.id, second); }, this,
            [&](const Result<ComponentChange> &r) { done += r.ok() ? 1 : 100; });
        QTRY_COMPARE_WITH_TIMEOUT(done, 2, 10000);
        db.store().db().finishAll();
        QStringList byActor; // both may share a millisecond, so not by position
        for (const ComponentUpdate &u : db.store().components.updatesFor(c.id))
            byActor << u.actor + QLatin1Char(' ') + toString(u.newStatus);
        byActor.sort();
        QCOMPARE(byActor,
                 (QStringList{QStringLiteral("dana major_outage"), QStringLiteral("erin operational")}));
    }

    void everyOperatorChangeWritesOneAuditRow_data()
    {
        QTest::addColumn<Op>("op");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("subjectKind");
        QTest::newRow("page set") << Op::PageSet << "page.set"
                                  << "page";
        QTest::newRow("component add") << Op::ComponentAdd << "component.add"
                                       << "component";
        QTest::newRow("component rename") << Op::ComponentRename << "component.rename"
                                          << "component";
        QTest::newRow("component edit") << Op::ComponentEdit << "component.edit"
                                        << "component";
        QTest::newRow("component status") << Op::ComponentStatus << "component.status"
                                          << "component";
        QTest::newRow("component remove") << Op::ComponentRemove << "component.remove"
                                          << "component";
        QTest::newRow("incident create") << Op::IncidentCreate << "incident.create"
                                         << "incident";
        QTest::newRow("incident update") << Op::IncidentUpdate << "incident.update"
                                         << "incident";
        QTest::newRow("incident postmortem") << Op::IncidentPostmortem << "incident.postmortem"
                                             << "incident";
        QTest::newRow("subscriber add") << Op::SubscriberAdd << "subscriber.add"
                                        << "subscriber";
        QTest::newRow("subscriber edit") << Op::SubscriberEdit << "subscriber.edit"
                                         << "subscriber";
        QTest::newRow("subscriber remove") << Op::SubscriberRemove << "subscriber.remove"
                                           << "subscriber";
        QTest::newRow("subscriber reactivate") << Op::SubscriberReactivate << "subscriber.reactivate"
                                               << "subscriber";
        QTest::newRow("subscriber rotate-secret") << Op::SubscriberRotateSecret << "subscriber.rotate-secret"
                                                  << "subscriber";
        QTest::newRow("subscriber import") << Op::SubscriberImport << "subscriber.import"
                                           << "subscriber";
        QTest::newRow("subscriber test") << Op::SubscriberTest << "subscriber.test"
                                         << "subscriber";
        QTest::newRow("resend") << Op::Resend << "resend"
                                << "delivery";
        QTest::newRow("api-key create") << Op::ApiKeyCreate << "api-key.create"
                                        << "api_key";
        QTest::newRow("api-key revoke") << Op::ApiKeyRevoke << "api-key.revoke"
                                        << "api_key";
    }
    void everyOperatorChangeWritesOneAuditRow()
    {
        QFETCH(Op, op);
        QFETCH(QString, action);
        QFETCH(QString, subjectKind);
        Fixture f;
        const int before = countRows(f.db, QStringLiteral("audit_log"));
        const QString error = f.run(op, QStringLiteral("frank@desk-3"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(countRows(f.db, QStringLiteral("audit_log")), before + 1);
        const AuditEntry e = f.db.store().audit.list({}).front();
        QCOMPARE(e.actor, QStringLiteral("frank@desk-3"));
        QCOMPARE(e.action, action);
        QCOMPARE(e.subjectKind, subjectKind);
        QVERIFY(!e.subjectId.isEmpty());
        QVERIFY(e.at.isValid());
        QVERIFY(!e.detail.isEmpty());
        QVERIFY2(!e.detail.contains(QLatin1Char('\n')), qPrintable(e.detail));       // one line
        QVERIFY2(!e.detail.contains(QLatin1String("whsec_")), qPrintable(e.detail)); // never a secret
    }

    // A refused change writes nothing at all: not the change, not its history, not its audit row. The two
    // resends are refused inside the transaction after the first id was already written.
    void refusedChangeWritesNothing_data()
    {
        QTest::addColumn<int>("refusal");
        QTest::newRow("component: unknown id") << 0;
        QTest::newRow("component: empty name") << 1;
        QTest::newRow("incident: status of the other kind") << 2;
        QTest::newRow("incident: unknown component") << 3;
        QTest::newRow("subscriber: endpoint taken") << 4;
        QTest::newRow("resend: second id unknown") << 5;
        QTest::newRow("resend: second subscriber quarantined") << 6;
        QTest::newRow("page: unknown time zone") << 7;
        QTest::newRow("subscriber: reactivate unknown") << 8;
    }
    void refusedChangeWritesNothing()
    {
        QFETCH(int, refusal);
        Fixture f;
        // A second subscriber with a message, quarantined: its message cannot be resent.
        const auto other = SubscriberService(f.db.context())
                               .add({QStringLiteral("http://127.0.0.1:9/q"), QStringLiteral("q@example.com")})
                               .value();
        ComponentPatch up;
        up.status = ComponentStatus::Operational;
        QVERIFY(ComponentService(f.db.context()).update(f.web.id, up).ok());
        MessageFilter mine;
        mine.subscriberId = other.id;
        const QString quarantinedMessage = f.db.store().outbox.list(mine).front().id;
        Subscriber q = other;
        q.state = SubscriberState::Quarantined;
        f.db.store().subscribers.update(q);

        const QList<int> before = footprint(f.db);
        const ServiceContext ctx = as(f.db, QStringLiteral("grace"));
        QString error;
        switch (refusal) {
        case 0: {
            ComponentPatch p;
            p.status = ComponentStatus::MajorOutage;
            error = ComponentService(ctx).update(QStringLiteral("zzzzzzzzzzzz"), p).error();
            break;
        }
        case 1: {
            ComponentPatch p;
            p.name = QStringLiteral("  ");
            p.status = ComponentStatus::MajorOutage;
            error = ComponentService(ctx).update(f.api.id, p).error();
            break;
        }
        case 2:
            error = IncidentService(ctx)
                        .update(f.incident.id, {{IncidentStatus::InProgress,
                                                 QStringLiteral("x"),
                                                 {{f.api.id, ComponentStatus::MajorOutage}},
                                                 std::nullopt,
                                                 true}})
                        .error();
            break;
        case 3: {
            NewIncident in;
            in.name = QStringLiteral("Down");
            in.body = QStringLiteral("x");
            in.components = {{f.api.id, ComponentStatus::MajorOutage},
                             {QStringLiteral("zzzzzzzzzzzz"), ComponentStatus::MajorOutage}};
            error = IncidentService(ctx).create(in).error();
            break;
        }
        case 4:
            error =
                SubscriberService(ctx).add({f.subscriber.endpoint, QStringLiteral("x@example.com")}).error();
            break;
        case 5:
            error = ResendService(ctx).resend({f.messageId, QStringLiteral("msg_nope")}).error();
            break;
        case 6:
            error = ResendService(ctx).resend({f.messageId, quarantinedMessage}).error();
            break;
        case 7: {
            PagePatch p;
            p.timeZone = QStringLiteral("Mars/Olympus_Mons");
            error = PageService(ctx).update(p).error();
            break;
        }
        case 8:
            error = SubscriberService(ctx).reactivate(QStringLiteral("zzzzzzzzzzzz")).error();
            break;
        }
        QVERIFY2(!error.isEmpty(), "the change was expected to be refused");
        QCOMPARE(footprint(f.db), before);
        QVERIFY(f.db.store().audit.list({QDateTime(), QStringLiteral("grace")}).empty());
    }

    // The audit row is part of the change's transaction: when it cannot be written, the change, its
    // history row and its webhooks are not committed either.
    void auditRowAndChangeCommitTogether()
    {
        test::TempDatabase db;
        const auto c = ComponentService(db.context()).add({QStringLiteral("API")}).value();
        QVERIFY(SubscriberService(db.context())
                    .add({QStringLiteral("http://127.0.0.1:9/a"), QStringLiteral("a@example.com")})
                    .ok());
        if (db.store().db().isPostgres()) {
            // The database is this test's alone, so a plain (not temporary) trigger affects nobody else.
            db.store().db().exec(QStringLiteral(
                "CREATE FUNCTION sd_test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'audit refused'; END $$"));
            db.store().db().exec(QStringLiteral("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR "
                                                "EACH ROW EXECUTE FUNCTION sd_test_refuse_audit()"));
        } else {
            db.store().db().exec(QStringLiteral("CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log "
                                                "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"));
        }
        const QList<int> before = footprint(db);
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        const auto change = ComponentService(as(db, QStringLiteral("heidi"))).update(c.id, patch);
        QVERIFY(!change.ok());
        QVERIFY2(change.error().contains(QLatin1String("audit refused")), qPrintable(change.error()));
        QCOMPARE(toString(db.store().components.find(c.id)->status), toString(ComponentStatus::Operational));
        QCOMPARE(footprint(db), before);

        db.store().db().finishAll();
        db.store().db().exec(db.store().db().isPostgres()
                                 ? QStringLiteral("DROP TRIGGER refuse_audit ON audit_log")
                                 : QStringLiteral("DROP TRIGGER refuse_audit"));
        QVERIFY(ComponentService(as(db, QStringLiteral("heidi"))).update(c.id, patch).ok());
        QCOMPARE(countRows(db, QStringLiteral("audit_log"), QStringLiteral("actor = 'heidi'")), 1);
        QCOMPARE(countRows(db, QStringLiteral("messages"), QStringLiteral("created_by = 'heidi'")), 1);
    }

    void auditListFilters()
    {
        Fixture f;
        QVERIFY(f.run(Op::ComponentStatus, QStringLiteral("ivan")).isEmpty());
        QVERIFY(f.run(Op::SubscriberEdit, QStringLiteral("judy")).isEmpty());
        AuditFilter byActor;
        byActor.actor = QStringLiteral("ivan");
        QCOMPARE(f.db.store().audit.list(byActor).size(), size_t(1));
        AuditFilter bySubject;
        bySubject.subjectId = f.subscriber.id;
        const auto subscriberRows = f.db.store().audit.list(bySubject);
        QCOMPARE(subscriberRows.front().actor, QStringLiteral("judy"));
        QCOMPARE(subscriberRows.back().action, QStringLiteral("subscriber.add"));
        AuditFilter future;
        future.since = QDateTime::currentDateTimeUtc().addSecs(3600);
        QVERIFY(f.db.store().audit.list(future).empty());
        AuditFilter two;
        two.limit = 2;
        const auto newest = f.db.store().audit.list(two);
        QCOMPARE(newest.size(), size_t(2));
        QCOMPARE(newest.at(0).actor, QStringLiteral("judy"));
        QCOMPARE(newest.at(1).actor, QStringLiteral("ivan"));
    }

    // Through the HTTP API a change is recorded under the name of the key that authenticated it; the
    // public unsubscribe page acts for the subscriber.
    void apiChangesAreRecordedUnderTheKeyName()
    {
        test::TempDatabase db;
        const auto c = ComponentService(db.context()).add({QStringLiteral("API")}).value();
        const auto key = api::ApiKeyStore(db.store().db()).create(QStringLiteral("pager bridge"));
        QVERIFY(key.ok());
        api::ApiHandlers handlers(db.context());
        api::ApiRequest patch;
        patch.method = "PATCH";
        patch.path = QStringLiteral("/v1/pages/%1/components/%2").arg(db.store().page.get().id, c.id);
        patch.authorization = "OAuth " + key->secret.toLatin1();
        patch.body = R"({"component":{"status":"major_outage"}})";
        const api::ApiResponse answer = handlers.handle(patch);
        QVERIFY2(answer.status == 200, answer.body.constData());
        QCOMPARE(db.store().components.updatesFor(c.id).front().actor,
                 QStringLiteral("api-key:pager bridge"));
        QCOMPARE(db.store().audit.list({}).front().actor, QStringLiteral("api-key:pager bridge"));
        // The API's incident and component JSON keep Statuspage's fields: no operator in them.
        QVERIFY(!answer.body.contains("pager bridge"));
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
