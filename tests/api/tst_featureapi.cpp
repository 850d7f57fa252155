// Issue 22's API over loopback (items 1, 3, 4, 5): subscriber sorting and the histogram, the incident
// template routes and their messages, a published postmortem that notifies, and the unsubscribe link of a
// subscriber of one incident. Real requests to an ApiServer on an ephemeral port, on both backends.
#include "app/api/apikeystore.h"
#include "app/api/apiserver.h"
#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "models/database.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace sd;

namespace {

// JSON written with single quotes (moc cannot read raw string literals inside the class).
QByteArray js(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QStringList hosts(const char *list)
{
    return QString::fromLatin1(list).split(QLatin1Char(' '));
}

struct Reply
{
    int status = 0;
    QByteArray body;
    QJsonDocument json;
    QString message() const { return json.object().value(QLatin1String("message")).toString(); }
};

} // namespace

class TestFeatureApi final : public QObject
{
    Q_OBJECT

    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {},
               bool authorized = true)
    {
        QNetworkRequest request(QUrl(m_server->url()).resolved(QUrl(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (authorized)
            request.setRawHeader("Authorization", QByteArrayLiteral("OAuth ") + m_key.toLatin1());
        QNetworkReply *reply = m_nam->sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        Reply out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.json = QJsonDocument::fromJson(out.body);
        reply->deleteLater();
        return out;
    }
    QString base() const { return QStringLiteral("/v1/pages/") + m_db->store().page.get().id; }
    QString addSubscriber(const QString &endpoint, const QString &email = QStringLiteral("ops@example.com"))
    {
        const QJsonObject body{
            {QStringLiteral("subscriber"),
             QJsonObject{{QStringLiteral("endpoint"), endpoint}, {QStringLiteral("email"), email}}}};
        const Reply r = send("POST", base() + QStringLiteral("/subscribers"), QJsonDocument(body).toJson());
        return r.json.object().value(QLatin1String("id")).toString();
    }
    // Creation times a millisecond apart could tie; the order the rows are made in is set apart instead.
    void createdAt(const QString &id, const QString &at)
    {
        m_db->store().db().run(QStringLiteral("UPDATE subscribers SET created_at = ? WHERE id = ?"),
                               {toDb(QDateTime::fromString(at, Qt::ISODate)), id});
    }
    void quarantine(const QString &id, const QString &at)
    {
        Subscriber s = *m_db->store().subscribers.find(id);
        s.state = SubscriberState::Quarantined;
        s.quarantinedAt = QDateTime::fromString(at, Qt::ISODate);
        m_db->store().subscribers.update(s);
    }
    QStringList endpointsOf(const Reply &r)
    {
        QStringList out;
        for (const QJsonValue &v : r.json.array())
            out << QUrl(v.toObject().value(QLatin1String("endpoint")).toString()).host().left(1);
        return out;
    }
    QString resolvedIncident()
    {
        NewIncident n;
        n.name = QStringLiteral("Outage");
        n.body = QStringLiteral("Down");
        n.status = IncidentStatus::Resolved;
        return IncidentService(m_db->context()).create(n)->incident.id;
    }

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<api::ApiServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QString m_key;

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TempDatabase>();
        m_server = std::make_unique<api::ApiServer>(m_db->store());
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, false, &error), qPrintable(error));
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_nam->setProxy(QNetworkProxy::NoProxy);
        auto created = api::ApiKeyStore(m_db->store().db()).create(QStringLiteral("tests"));
        QVERIFY(created.ok());
        m_key = created->secret;
    }
    void cleanup()
    {
        m_nam.reset();
        m_server.reset();
        m_db.reset();
    }

    // Three subscribers made in the order c, a, b (hosts c.example, a.example, b.example); b and c
    // quarantined (b first); b's email starts with "hook", a's and c's endpoints contain it.
    void subscriberSorting_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QStringList>("order");
        QTest::newRow("default: primary asc") << "" << hosts("a b c");
        QTest::newRow("primary desc") << "sort_direction=desc" << hosts("c b a");
        QTest::newRow("created_at asc") << "sort_field=created_at" << hosts("c a b");
        QTest::newRow("created_at desc") << "sort_field=created_at&sort_direction=desc" << hosts("b a c");
        QTest::newRow("quarantined_at asc: never last") << "sort_field=quarantined_at" << hosts("b c a");
        QTest::newRow("quarantined_at desc: never last")
            << "sort_field=quarantined_at&sort_direction=desc" << hosts("c b a");
        QTest::newRow("relevance: starts with, then contains")
            << "sort_field=relevance&q=hook" << hosts("b c a");
    }
    void subscriberSorting()
    {
        QFETCH(QString, query);
        QFETCH(QStringList, order);
        const QString c = addSubscriber(QStringLiteral("https://c.example.com/hook"));
        const QString a = addSubscriber(QStringLiteral("https://a.example.com/hook"));
        const QString b =
            addSubscriber(QStringLiteral("https://b.example.com/api"), QStringLiteral("hook@example.com"));
        QVERIFY(!c.isEmpty() && !a.isEmpty() && !b.isEmpty());
        createdAt(c, QStringLiteral("2026-02-01T10:00:00Z"));
        createdAt(a, QStringLiteral("2026-02-02T10:00:00Z"));
        createdAt(b, QStringLiteral("2026-02-03T10:00:00Z"));
        quarantine(b, QStringLiteral("2026-03-01T10:00:00Z"));
        quarantine(c, QStringLiteral("2026-03-02T10:00:00Z"));
        const Reply r = send("GET", base() + QStringLiteral("/subscribers?state=all&") + query);
        QCOMPARE(r.status, 200);
        QCOMPARE(endpointsOf(r), order);
    }

    void subscriberSortingRefusals_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("message");
        QTest::newRow("relevance without q") << "sort_field=relevance"
                                             << "sort_field relevance needs search text in q";
        QTest::newRow("unknown field") << "sort_field=name"
                                       << "sort_field \"name\" is not valid; valid values: primary, "
                                          "created_at, quarantined_at, relevance";
        QTest::newRow("unknown direction") << "sort_direction=up"
                                           << "sort_direction \"up\" is not valid; valid values: asc, desc";
    }
    void subscriberSortingRefusals()
    {
        QFETCH(QString, query);
        QFETCH(QString, message);
        const Reply r = send("GET", base() + QStringLiteral("/subscribers?") + query);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.message().contains(message), r.body.constData());
    }

    // Webhook counts by state; a subscriber of one incident and an unsubscribed one are not counted.
    void histogramByState()
    {
        addSubscriber(QStringLiteral("https://a.example.com/hook"));
        const QString q = addSubscriber(QStringLiteral("https://b.example.com/hook"));
        const QString gone = addSubscriber(QStringLiteral("https://c.example.com/hook"));
        quarantine(q, QStringLiteral("2026-03-01T10:00:00Z"));
        QCOMPARE(send("DELETE", base() + QStringLiteral("/subscribers/") + gone).status, 200);
        NewIncident n;
        n.name = QStringLiteral("Open");
        n.body = QStringLiteral("Looking");
        n.status = IncidentStatus::Investigating;
        const QString incident = IncidentService(m_db->context()).create(n)->incident.id;
        QCOMPARE(
            send("POST", base() + QStringLiteral("/incidents/%1/subscribers").arg(incident),
                 js("{'subscriber': {'endpoint': 'https://d.example.com/hook', 'email': 'd@example.com'}}"))
                .status,
            201);
        const Reply r = send("GET", base() + QStringLiteral("/subscribers/histogram_by_state"));
        QCOMPARE(r.status, 200);
        const QJsonObject webhook = r.json.object().value(QLatin1String("webhook")).toObject();
        QCOMPARE(webhook.value(QLatin1String("active")).toInt(), 1);
        QCOMPARE(webhook.value(QLatin1String("quarantined")).toInt(), 1);
        QCOMPARE(webhook.value(QLatin1String("unconfirmed")).toInt(), 0);
        QCOMPARE(webhook.value(QLatin1String("total")).toInt(), 2);
        for (const char *type : {"email", "sms", "slack", "teams", "integration_partner"})
            QCOMPARE(
                r.json.object().value(QLatin1String(type)).toObject().value(QLatin1String("total")).toInt(),
                0);
    }

    // The template routes: Statuspage's POST and list, StatusDesk's GET/PATCH/DELETE of one, and the
    // field table's messages.
    void templateRoutes()
    {
        NewComponent nc;
        nc.name = QStringLiteral("API");
        const QString api = ComponentService(m_db->context()).add(nc)->id;
        const QString path = base() + QStringLiteral("/incident_templates");
        Reply r =
            send("POST", path,
                 QString::fromUtf8(js("{'template': {'name': 'db-down', 'title': 'Database unavailable', "
                                      "'body': 'We are investigating.', 'update_status': 'identified', "
                                      "'component_ids': ['%1'], 'components': {'%1': 'major_outage'}}}"))
                     .arg(api)
                     .toUtf8());
        QCOMPARE(r.status, 201);
        const QJsonObject made = r.json.object();
        const QString id = made.value(QLatin1String("id")).toString();
        QCOMPARE(made.value(QLatin1String("title")).toString(), QStringLiteral("Database unavailable"));
        QCOMPARE(made.value(QLatin1String("update_status")).toString(), QStringLiteral("identified"));
        QCOMPARE(made.value(QLatin1String("components"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("id"))
                     .toString(),
                 api);
        QCOMPARE(made.value(QLatin1String("component_statuses")).toObject().value(api).toString(),
                 QStringLiteral("major_outage"));
        r = send("GET", path);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.array().size(), 1);
        r = send("PATCH", path + QLatin1Char('/') + id, js("{'template': {'title': 'Database down'}}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.object().value(QLatin1String("title")).toString(), QStringLiteral("Database down"));
        QCOMPARE(r.json.object().value(QLatin1String("body")).toString(),
                 QStringLiteral("We are investigating."));

        const QList<QPair<QByteArray, QString>> refused{
            {js("{'template': {'name': 'x', 'title': 't', 'body': 'b', 'nme': 'y'}}"),
             QStringLiteral("unknown field \"template.nme\"; Statuspage documents: name, title, body")},
            {js("{'template': {'name': 'x', 'title': 't'}}"),
             QStringLiteral("template.name, template.title and template.body are required")},
            {js("{'template': {'name': 'x', 'title': 't', 'body': 'b', 'update_status': 'fixed'}}"),
             QStringLiteral("template.update_status \"fixed\" is not valid")},
            {js("{'template': {'name': 'x', 'title': 't', 'body': 'b', 'components': {'c1': 'broken'}}}"),
             QStringLiteral("template.components.c1 \"broken\" is not valid")},
            {js("{'template': {'name': 'x', 'title': 't', 'body': 'b', 'should_tweet': 'yes'}}"),
             QStringLiteral("template.should_tweet must be a boolean, not a string")},
        };
        for (const auto &[body, message] : refused) {
            r = send("POST", path, body);
            QCOMPARE(r.status, 400);
            QVERIFY2(r.message().contains(message), r.body.constData());
        }
        r = send("PATCH", path + QLatin1Char('/') + id, js("{'template': {}}"));
        QCOMPARE(r.status, 400);
        QVERIFY2(r.message().contains(QLatin1String("template has nothing to change")), r.body.constData());
        QCOMPARE(m_db->store().templates.all().size(), size_t(1)); // nothing refused was stored

        QCOMPARE(send("DELETE", path + QLatin1Char('/') + id).status, 200);
        QCOMPARE(send("GET", path + QLatin1Char('/') + id).status, 404);
        QCOMPARE(send("GET", path).json.array().size(), 0);
    }

    // PUT .../postmortem/publish: notify_subscribers false notifies nobody; true sends the incident webhook
    // with the postmortem as its newest update (what Statuspage sends).
    void postmortemPublishNotifiesOverHttp()
    {
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        const QString id = resolvedIncident();
        QVERIFY(!addSubscriber(receiver.url(QStringLiteral("/hook"))).isEmpty());
        const QString pm = base() + QStringLiteral("/incidents/") + id + QStringLiteral("/postmortem");
        QCOMPARE(send("PUT", pm, js("{'postmortem': {'body_draft': 'A full disk.'}}")).status, 200);
        DeliveryController controller(m_db->path());
        connect(m_server.get(), &api::ApiServer::messagesQueued, &controller, &DeliveryController::wake);
        controller.start();
        QCOMPARE(
            send("PUT", pm + QStringLiteral("/publish"), js("{'postmortem': {'notify_subscribers': false}}"))
                .status,
            200);
        QCOMPARE(send("PUT", pm + QStringLiteral("/revert")).status, 200);
        QCOMPARE(
            send("PUT", pm + QStringLiteral("/publish"), js("{'postmortem': {'notify_subscribers': true}}"))
                .status,
            200);
        // The subscriber was added after the incident was made: the postmortem is all it hears.
        QTRY_COMPARE_WITH_TIMEOUT(int(receiver.requests().size()), 1, 20000);
        QTest::qWait(300);
        QCOMPARE(int(receiver.requests().size()), 1);
        controller.stop();
        const QJsonObject incident = QJsonDocument::fromJson(receiver.requests().first().body)
                                         .object()
                                         .value(QLatin1String("incident"))
                                         .toObject();
        QCOMPARE(incident.value(QLatin1String("id")).toString(), id);
        QCOMPARE(incident.value(QLatin1String("status")).toString(), QStringLiteral("postmortem"));
        const QJsonObject newest =
            incident.value(QLatin1String("incident_updates")).toArray().first().toObject();
        QCOMPARE(newest.value(QLatin1String("status")).toString(), QStringLiteral("postmortem"));
        QCOMPARE(newest.value(QLatin1String("body")).toString(), QStringLiteral("A full disk."));
        QCOMPARE(
            send("PUT", pm + QStringLiteral("/publish"), js("{'postmortem': {'notify_subscribers': 'yes'}}"))
                .status,
            400);
    }

    // A subscriber of one incident carries an unsubscribe link like any other: the public page takes it, and
    // the incident's next update reaches it no more.
    void incidentSubscriberUnsubscribeLink()
    {
        NewIncident n;
        n.name = QStringLiteral("Open");
        n.body = QStringLiteral("Looking");
        n.status = IncidentStatus::Investigating;
        const QString incident = IncidentService(m_db->context()).create(n)->incident.id;
        const Reply made =
            send("POST", base() + QStringLiteral("/incidents/%1/subscribers").arg(incident),
                 js("{'subscriber': {'endpoint': 'https://d.example.com/hook', 'email': 'd@example.com'}}"));
        QCOMPARE(made.status, 201);
        const QString id = made.json.object().value(QLatin1String("id")).toString();
        const QString token = m_db->store().subscribers.find(id)->unsubscribeToken;
        QVERIFY(!token.isEmpty());
        const QString link = QStringLiteral("/?unsubscribe=") + token;
        QCOMPARE(send("GET", link, {}, false).status, 200);
        QCOMPARE(m_db->store().subscribers.find(id)->state, SubscriberState::Active); // GET changes nothing
        QCOMPARE(send("POST", link, {}, false).status, 200);
        QCOMPARE(m_db->store().subscribers.find(id)->state, SubscriberState::Unsubscribed);
        MessageFilter mine;
        mine.subscriberId = id;
        const size_t before = m_db->store().outbox.list(mine).size();
        QCOMPARE(send("PATCH", base() + QStringLiteral("/incidents/") + incident,
                      js("{'incident': {'status': 'identified', 'body': 'Found it'}}"))
                     .status,
                 200);
        QCOMPARE(m_db->store().outbox.list(mine).size(), before);
        const Reply listed =
            send("GET", base() + QStringLiteral("/incidents/%1/subscribers/%2").arg(incident, id));
        QCOMPARE(listed.status, 200);
        QCOMPARE(listed.json.object().value(QLatin1String("state")).toString(),
                 QStringLiteral("unsubscribed"));
    }
};

QTEST_MAIN(TestFeatureApi)
#include "tst_featureapi.moc"
