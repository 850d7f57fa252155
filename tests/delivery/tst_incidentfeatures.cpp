// Issue 22 items 1, 3 and 4 end to end over loopback: a subscriber of one incident hears that incident's
// updates (up to the one that resolves it) and nothing of another incident or of component changes; an
// incident from a template fans out as one made by hand; a published postmortem notifies when asked.
#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "app/services/templateservice.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace sd;
using sd::test::HttpReceiver;

namespace {

QJsonObject json(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

// What one receiver heard, by kind: incident webhooks as (incident id, status of its newest update), and the
// ids of the components in component webhooks.
struct Heard
{
    QList<QPair<QString, QString>> incidents;
    QStringList components;
};

Heard heard(const HttpReceiver &r, const QString &path)
{
    Heard h;
    for (const auto &req : r.requests()) {
        if (req.path != path.toUtf8())
            continue;
        const QJsonObject o = json(req.body);
        if (o.contains(QLatin1String("incident"))) {
            const QJsonObject i = o.value(QLatin1String("incident")).toObject();
            h.incidents << qMakePair(i.value(QLatin1String("id")).toString(),
                                     i.value(QLatin1String("incident_updates"))
                                         .toArray()
                                         .first()
                                         .toObject()
                                         .value(QLatin1String("status"))
                                         .toString());
        } else if (o.contains(QLatin1String("component"))) {
            h.components
                << o.value(QLatin1String("component")).toObject().value(QLatin1String("id")).toString();
        }
    }
    return h;
}

struct Setup
{
    test::TempDatabase db;
    HttpReceiver receiver;
    DeliveryController controller{db.path()};
    QString api;
    QString database;

    Setup()
    {
        receiver.start();
        api = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        database = ComponentService(db.context()).add({QStringLiteral("Database")})->id;
    }
    QString subscribe(const QString &path, const QString &incidentId = {})
    {
        NewSubscriber n;
        n.endpoint = receiver.url(path);
        n.email = QStringLiteral("ops@example.com");
        n.incidentId = incidentId;
        auto s = SubscriberService(db.context()).add(n);
        if (!s.ok())
            qFatal("%s", qPrintable(s.error()));
        return s->id;
    }
    QString incident(const QString &name, const QString &component)
    {
        NewIncident n;
        n.name = name;
        n.body = QStringLiteral("Looking into it");
        n.components = {{component, ComponentStatus::PartialOutage}};
        return IncidentService(db.context()).create(n)->incident.id;
    }
    void update(const QString &id, IncidentStatus status, const QString &component, ComponentStatus cs)
    {
        IncidentUpdateInput u;
        u.status = status;
        u.body = QStringLiteral("Update");
        u.components = {{component, cs}};
        QVERIFY(IncidentService(db.context()).update(id, u).ok());
    }
    int queued() { return int(db.store().outbox.list({}).size()); }
};

} // namespace

class TestIncidentFeatures final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void incidentSubscriberHearsItsIncidentOnly()
    {
        Setup t;
        const QString everything = t.subscribe(QStringLiteral("/all"));
        const QString a = t.incident(QStringLiteral("A: API errors"), t.api);
        const QString onlyA = t.subscribe(QStringLiteral("/only-a"), a);
        Q_UNUSED(everything);
        const QString b = t.incident(QStringLiteral("B: slow database"), t.database);
        t.update(a, IncidentStatus::Identified, t.api, ComponentStatus::MajorOutage);
        t.update(b, IncidentStatus::Monitoring, t.database, ComponentStatus::DegradedPerformance);
        ComponentPatch p;
        p.status = ComponentStatus::UnderMaintenance;
        QVERIFY(ComponentService(t.db.context()).update(t.database, p).ok());
        t.update(a, IncidentStatus::Resolved, t.api, ComponentStatus::Operational);
        t.update(a, IncidentStatus::Resolved, t.api, ComponentStatus::Operational); // after it resolved
        // The page-wide listing leaves the incident's subscriber out; the incident's own list has it.
        QCOMPARE(int(t.db.store().subscribers.list().size()), 1);
        QCOMPARE(int(t.db.store().subscribers.forIncident(a).size()), 1);
        QCOMPARE(t.db.store().subscribers.forIncident(a).front().id, onlyA);
        const int total = t.queued();
        t.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(int(t.receiver.requests().size()), total, 20000);
        const Heard mine = heard(t.receiver, QStringLiteral("/only-a"));
        // A's updates after it subscribed: identified, resolved; nothing of B, nothing of a component, and
        // nothing after the update that resolved A.
        const QList<QPair<QString, QString>> expected{{a, QStringLiteral("identified")},
                                                      {a, QStringLiteral("resolved")}};
        QCOMPARE(mine.incidents, expected);
        QVERIFY(mine.components.isEmpty());
        const Heard all = heard(t.receiver, QStringLiteral("/all"));
        QCOMPARE(all.incidents.size(), 6); // A x4 (created, identified, resolved, resolved again), B x2
        QVERIFY(!all.components.isEmpty());
        // Unsubscribing works as for any subscriber.
        QVERIFY(SubscriberService(t.db.context()).remove(onlyA).ok());
        QCOMPARE(t.db.store().subscribers.find(onlyA)->state, SubscriberState::Unsubscribed);
    }

    void incidentSubscriberRefusals()
    {
        Setup t;
        const QString a = t.incident(QStringLiteral("A"), t.api);
        t.update(a, IncidentStatus::Resolved, t.api, ComponentStatus::Operational);
        NewSubscriber n;
        n.endpoint = t.receiver.url(QStringLiteral("/late"));
        n.email = QStringLiteral("ops@example.com");
        n.incidentId = a;
        auto late = SubscriberService(t.db.context()).add(n);
        QVERIFY(!late.ok());
        QVERIFY2(late.error().contains(QLatin1String("resolved")), qPrintable(late.error()));
        n.incidentId = QStringLiteral("nosuchincide");
        auto unknown = SubscriberService(t.db.context()).add(n);
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().contains(QLatin1String("unknown incident")));
        QCOMPARE(int(t.db.store().subscribers.all().size()), 0);
    }

    // An incident from a template: its component statuses change in the same transaction and the webhooks
    // are those of the same incident made by hand (one component webhook per changed component per
    // subscriber, one incident webhook per subscriber).
    void templateFansOutAsByHand()
    {
        Setup t;
        t.subscribe(QStringLiteral("/one"));
        t.subscribe(QStringLiteral("/two"));
        TemplateInput in;
        in.name = QStringLiteral("db-down");
        in.title = QStringLiteral("Database unavailable");
        in.body = QStringLiteral("We are investigating elevated error rates on the database.");
        in.updateStatus = IncidentStatus::Identified;
        in.components = std::vector<TemplateComponent>{{t.api, ComponentStatus::PartialOutage},
                                                       {t.database, ComponentStatus::MajorOutage}};
        QVERIFY(TemplateService(t.db.context()).add(in).ok());
        auto made = TemplateService(t.db.context()).createIncident(QStringLiteral("db-down"));
        QVERIFY2(made.ok(), qPrintable(made.ok() ? QString() : made.error()));
        QCOMPARE(made->incidentMessages, 2);
        QCOMPARE(made->componentMessages, 4);
        QCOMPARE(made->incident.name, QStringLiteral("Database unavailable"));
        QCOMPARE(made->incident.status, IncidentStatus::Identified);
        QCOMPARE(t.db.store().components.find(t.database)->status, ComponentStatus::MajorOutage);
        const auto audit = t.db.store().audit.list({});
        QVERIFY(std::any_of(audit.begin(), audit.end(), [](const AuditEntry &e) {
            return e.action == QLatin1String("incident.create") &&
                   e.detail.contains(QLatin1String("from template \"db-down\""));
        }));
        t.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(int(t.receiver.requests().size()), 6, 20000);
        for (const char *path : {"/one", "/two"}) {
            const Heard h = heard(t.receiver, QString::fromLatin1(path));
            QCOMPARE(h.incidents.size(), 1);
            QCOMPARE(QSet<QString>(h.components.begin(), h.components.end()),
                     (QSet<QString>{t.api, t.database}));
        }
    }

    void postmortemPublishNotifies()
    {
        Setup t;
        t.subscribe(QStringLiteral("/one"));
        const QString a = t.incident(QStringLiteral("A"), t.api);
        t.update(a, IncidentStatus::Resolved, t.api, ComponentStatus::Operational);
        QVERIFY(IncidentService(t.db.context())
                    .setPostmortem(a, {QStringLiteral("What happened: a full disk."), false})
                    .ok());
        const int before = t.queued();
        auto quiet = IncidentService(t.db.context()).publishPostmortem(a, false);
        QVERIFY(quiet.ok());
        QCOMPARE(t.queued(), before); // published without notify: nobody hears
        auto loud = IncidentService(t.db.context()).publishPostmortem(a, true);
        QVERIFY(loud.ok());
        QCOMPARE(loud->incidentMessages, 1);
        t.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(int(t.receiver.requests().size()), before + 1, 20000);
        const QJsonObject last = json(t.receiver.requests().last().body);
        const QJsonObject incident = last.value(QLatin1String("incident")).toObject();
        QCOMPARE(incident.value(QLatin1String("id")).toString(), a);
        QCOMPARE(incident.value(QLatin1String("status")).toString(), QStringLiteral("postmortem"));
        QCOMPARE(incident.value(QLatin1String("postmortem_body")).toString(),
                 QStringLiteral("What happened: a full disk."));
        QVERIFY(incident.value(QLatin1String("postmortem_published_at")).isString());
        QCOMPARE(incident.value(QLatin1String("postmortem_notified_subscribers")).toBool(), true);
        const QJsonObject newest =
            incident.value(QLatin1String("incident_updates")).toArray().first().toObject();
        QCOMPARE(newest.value(QLatin1String("status")).toString(), QStringLiteral("postmortem"));
        QCOMPARE(newest.value(QLatin1String("body")).toString(),
                 QStringLiteral("What happened: a full disk."));
        QCOMPARE(incident.value(QLatin1String("incident_updates")).toArray().size(),
                 3); // + created, resolved
    }
};

QTEST_MAIN(TestIncidentFeatures)
#include "tst_incidentfeatures.moc"
