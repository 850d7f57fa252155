#include "app/formats/webhookpayload.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "models/timeformat.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sd;

namespace {

QDateTime at(const char *iso) { return timefmt::parseIso(QString::fromLatin1(iso)); }

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("bool");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    default:
        return QStringLiteral("undefined");
    }
}

// Every key of `expected` must be in `actual` with the same JSON type, recursively; returns the first
// difference. When `values` is set, leaves must also be equal.
QString compareShape(const QJsonValue &expected, const QJsonValue &actual, const QString &path, bool values)
{
    if (typeName(expected) != typeName(actual))
        return QStringLiteral("%1: expected %2, got %3").arg(path, typeName(expected), typeName(actual));
    if (expected.isObject()) {
        const QJsonObject e = expected.toObject(), a = actual.toObject();
        for (auto it = e.begin(); it != e.end(); ++it) {
            if (!a.contains(it.key()))
                return QStringLiteral("%1.%2: missing").arg(path, it.key());
            const QString diff = compareShape(it.value(), a.value(it.key()), path + QLatin1Char('.') + it.key(), values);
            if (!diff.isEmpty())
                return diff;
        }
    } else if (expected.isArray()) {
        const QJsonArray e = expected.toArray(), a = actual.toArray();
        if (e.size() != a.size())
            return QStringLiteral("%1: expected %2 items, got %3").arg(path).arg(e.size()).arg(a.size());
        for (int i = 0; i < e.size(); ++i) {
            const QString diff = compareShape(e.at(i), a.at(i), path + QStringLiteral("[%1]").arg(i), values);
            if (!diff.isEmpty())
                return diff;
        }
    } else if (values && expected != actual) {
        return QStringLiteral("%1: expected %2, got %3")
            .arg(path, expected.toVariant().toString(), actual.toVariant().toString());
    }
    return {};
}

Page samplePage()
{
    Page p;
    p.id = QStringLiteral("j2mfxwj97wnj");
    p.url = QStringLiteral("http://statustest.flyingkleinbrothers.com:5000/");
    p.documentationUrl = QStringLiteral("http://doers.statuspage.io/customer-notifications/webhooks/");
    p.timeZone = QStringLiteral("America/Denver");
    return p;
}

Subscriber sampleSubscriber()
{
    Subscriber s;
    s.id = QStringLiteral("aaaaaaaaaaaa");
    s.unsubscribeToken = QStringLiteral("j0vqr9kl3513");
    return s;
}

QJsonObject parse(const QByteArray &bytes) { return QJsonDocument::fromJson(bytes).object(); }

} // namespace

class TestPayloads final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void componentBodyMatchesSample()
    {
        const QJsonObject sample = parse(test::fixture(QStringLiteral("component-update-example.json")));
        QVERIFY(!sample.isEmpty());
        Component c;
        c.id = QStringLiteral("rb5wq1dczvbm");
        c.name = QStringLiteral("Some Component");
        c.status = ComponentStatus::Operational;
        c.createdAt = c.updatedAt = at("2013-05-29T21:32:28Z");
        ComponentUpdate u{QStringLiteral("k7730b5v92bv"), c.id, ComponentStatus::MajorOutage, ComponentStatus::Operational,
                          at("2013-05-29T21:32:28Z")};
        const PageStatus status{QStringLiteral("major"), QStringLiteral("Partial System Outage")};
        const QJsonObject event = payload::componentEvent(samplePage(), status, c, u, at("2013-05-29T21:32:29Z"));
        const QJsonObject body = parse(payload::forSubscriber(event, samplePage(), sampleSubscriber()));
        QCOMPARE(compareShape(sample, body, QStringLiteral("$"), false), QString());
        QCOMPARE(compareShape(sample, body, QStringLiteral("$"), true), QString());
        // What recent captures add.
        QCOMPARE(body[u"meta"][u"generated_at"].toString(), QStringLiteral("2013-05-29T21:32:29Z"));
        QCOMPARE(body[u"component_update"][u"component_type"].toString(), QStringLiteral("Component"));
        for (const char *key : {"position", "description", "showcase", "page_id", "group_id", "updated_at"})
            QVERIFY2(body[u"component"].toObject().contains(QLatin1String(key)), key);
        QVERIFY(body[u"component"][u"group_id"].isNull()); // unset: null, never missing
    }

    void incidentBodyMatchesSample()
    {
        const QJsonObject sample = parse(test::fixture(QStringLiteral("incident-update-example.json")));
        QVERIFY(!sample.isEmpty());
        Incident i;
        i.id = QStringLiteral("lbkhbwn21v5q");
        i.name = QStringLiteral("Virginia Is Down");
        i.status = IncidentStatus::Monitoring;
        i.impact = Impact::Critical;
        i.createdAt = at("2013-05-29T15:08:51-06:00");
        i.updatedAt = at("2013-05-29T16:30:35-06:00");
        i.monitoringAt = at("2013-05-29T16:07:53-06:00");
        i.shortlink = QStringLiteral("http://j.mp/18zyDQx");
        auto update = [&](const char *id, IncidentStatus s, const char *body, const char *created, const char *updated) {
            IncidentUpdate u;
            u.id = QString::fromLatin1(id);
            u.incidentId = i.id;
            u.status = s;
            u.body = QString::fromLatin1(body);
            u.createdAt = u.displayAt = at(created);
            u.updatedAt = at(updated);
            return u;
        };
        i.updates = {update("drfcwbnpxnr6", IncidentStatus::Monitoring,
                            "A fix has been implemented and we are monitoring the results.", "2013-05-29T16:07:53-06:00",
                            "2013-05-29T16:09:09-06:00"),
                     update("2rryghr4qgrh", IncidentStatus::Identified,
                            "We are waiting for the cloud to come back online and will update when we have further "
                            "information",
                            "2013-05-29T15:18:51-06:00", "2013-05-29T15:28:51-06:00"),
                     update("qbbsfhy5s9kk", IncidentStatus::Investigating,
                            "The cloud, located in Norther Virginia, has once again gone the way of the dodo.",
                            "2013-05-29T15:08:51-06:00", "2013-05-29T15:28:51-06:00")};
        const PageStatus status{QStringLiteral("critical"), QStringLiteral("Major System Outage")};
        const QJsonObject event = payload::incidentEvent(samplePage(), status, i, {}, at("2013-05-29T22:30:36Z"));
        const QJsonObject body = parse(payload::forSubscriber(event, samplePage(), sampleSubscriber()));
        QCOMPARE(compareShape(sample, body, QStringLiteral("$"), false), QString());
        QCOMPARE(compareShape(sample, body, QStringLiteral("$"), true), QString());
        QCOMPARE(body[u"incident"][u"created_at"].toString(), QStringLiteral("2013-05-29T15:08:51-06:00"));
        QVERIFY(body[u"incident"][u"components"].isArray());
    }

    void timestampConventions()
    {
        const QDateTime t = at("2026-01-15T12:00:00Z");
        QCOMPARE(timefmt::utc(t).toString(), QStringLiteral("2026-01-15T12:00:00Z"));
        QCOMPARE(timefmt::inZone(t, QStringLiteral("America/Denver")).toString(),
                 QStringLiteral("2026-01-15T05:00:00-07:00"));
        QCOMPARE(timefmt::inZone(t, QStringLiteral("Asia/Kolkata")).toString(),
                 QStringLiteral("2026-01-15T17:30:00+05:30"));
        QVERIFY(timefmt::utc(QDateTime()).isNull());
    }

    void serviceBuiltBodiesAreNewestFirstWithAffectedComponents()
    {
        test::TempDatabase db;
        QDateTime clock = at("2026-03-01T10:00:00Z");
        ServiceContext ctx{db.store(), [&clock] { return clock; }};
        auto component = ComponentService(ctx).add({QStringLiteral("API"), {}, {}, ComponentStatus::Operational, true});
        auto subscriber = SubscriberService(ctx).add(
            {QStringLiteral("http://127.0.0.1:9/hook"), QStringLiteral("ops@example.com"), {}, {}, false});
        QVERIFY(subscriber.ok());
        IncidentService incidents(ctx);
        auto created = incidents.create({{IncidentStatus::Investigating, QStringLiteral("Looking"),
                                          {{component->id, ComponentStatus::PartialOutage}}, std::nullopt, true},
                                         QStringLiteral("API errors")});
        QVERIFY2(created.ok(), qPrintable(created.error()));
        clock = clock.addSecs(600);
        auto updated = incidents.update(created->incident.id, {{IncidentStatus::Identified, QStringLiteral("Found it"), {}}});
        QVERIFY(updated.ok());

        MessageFilter f;
        f.kind = EventKind::Incident;
        const auto list = db.store().outbox.list(f);
        QCOMPARE(list.size(), size_t(2));
        const QJsonObject latest = parse(db.store().outbox.find(list.front().id)->body);
        const QJsonArray updates = latest[u"incident"][u"incident_updates"].toArray();
        QCOMPARE(updates.size(), 2);
        QCOMPARE(updates.at(0)[u"status"].toString(), QStringLiteral("identified"));
        QCOMPARE(updates.at(1)[u"status"].toString(), QStringLiteral("investigating"));
        const QJsonObject affected = updates.at(1)[u"affected_components"].toArray().at(0).toObject();
        QCOMPARE(affected[u"code"].toString(), component->id);
        QCOMPARE(affected[u"name"].toString(), QStringLiteral("API"));
        QCOMPARE(affected[u"old_status"].toString(), QStringLiteral("operational"));
        QCOMPARE(affected[u"new_status"].toString(), QStringLiteral("partial_outage"));
        QVERIFY(updates.at(0)[u"affected_components"].isNull());
        QCOMPARE(latest[u"incident"][u"impact"].toString(), QStringLiteral("major"));
        QVERIFY(latest[u"incident"][u"impact_override"].isNull());
        QVERIFY(latest[u"incident"][u"resolved_at"].isNull());
        // meta.unsubscribe carries the subscriber's token, not its id.
        const QString unsubscribe = latest[u"meta"][u"unsubscribe"].toString();
        QVERIFY(unsubscribe.endsWith(QStringLiteral("?unsubscribe=") + subscriber->unsubscribeToken));
        QVERIFY(!unsubscribe.contains(subscriber->id));
        // Incident timestamps carry the page's offset (Etc/UTC here: +00:00).
        QCOMPARE(latest[u"incident"][u"created_at"].toString(), QStringLiteral("2026-03-01T10:00:00+00:00"));
    }
};

QTEST_GUILESS_MAIN(TestPayloads)
#include "tst_payloads.moc"
