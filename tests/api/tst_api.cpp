#include "apikeystore.h"
#include "apirequestparser.h"
#include "apiroutes.h"
#include "apiserver.h"
#include "componentservice.h"
#include "deliverycontroller.h"
#include "httpreceiver.h"
#include "incidentservice.h"
#include "subscriberservice.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <memory>

#ifdef Q_OS_LINUX
#include <sys/stat.h>
#endif

using namespace sd;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QJsonDocument json;
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    QHash<QByteArray, QByteArray> headers;
};

} // namespace

class TestApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void routes_data();
    void routes();
    void apiKeys();
    void refusesRemoteWithoutFlag();

    void subscriberLifecycle();
    void listFilterAndPaging();
    void reactivate();
    void unauthorized_data();
    void unauthorized();
    void badInput_data();
    void badInput();
    void bodyTooLarge();
    void stalledRequestIsCut();
    void componentStatusChangeDelivers();
    void incidents();
    void unsubscribeLink();
    void secondConnectionKeepsSqliteLock();

private:
    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {},
               const QByteArray &auth = QByteArray());
    QString base() const { return QStringLiteral("/v1/pages/") + m_db->store().page.get().id; }
    QString addComponent(const QString &name);
    QString addSubscriber(const QString &endpoint);
    int subscriberCount() { return static_cast<int>(m_db->store().subscribers.all().size()); }
    int messageCount();
    QByteArray rawExchange(const QByteArray &request, int waitMs);

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<api::ApiServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QString m_key;
};

void TestApi::init()
{
    m_db = std::make_unique<test::TempDatabase>();
    m_server = std::make_unique<api::ApiServer>(m_db->store());
    api::ConnectionLimits limits;
    limits.requestTimeoutMs = 500; // short, so the stalled-request test is quick
    m_server->setLimits(limits);
    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, false, &error), qPrintable(error));
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy);
    auto created = api::ApiKeyStore(m_db->store().db()).create(QStringLiteral("tests"));
    QVERIFY(created.ok());
    m_key = created->secret;
}

void TestApi::cleanup()
{
    m_nam.reset();
    m_server.reset();
    m_db.reset();
}

Reply TestApi::send(const QByteArray &method, const QString &path, const QByteArray &body,
                    const QByteArray &auth)
{
    QNetworkRequest request(QUrl(m_server->url()).resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization",
                         auth.isNull() ? QByteArrayLiteral("OAuth ") + m_key.toLatin1() : auth);
    QNetworkReply *reply = m_nam->sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Reply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.json = QJsonDocument::fromJson(out.body);
    for (const auto &[name, value] : reply->rawHeaderPairs())
        out.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return out;
}

QString TestApi::addComponent(const QString &name)
{
    NewComponent c;
    c.name = name;
    auto added = ComponentService(m_db->context()).add(c);
    return added.ok() ? added->id : QString();
}

QString TestApi::addSubscriber(const QString &endpoint)
{
    const Reply r =
        send("POST", base() + QStringLiteral("/subscribers"),
             QJsonDocument(
                 QJsonObject{{QStringLiteral("subscriber"),
                              QJsonObject{{QStringLiteral("endpoint"), endpoint},
                                          {QStringLiteral("email"), QStringLiteral("ops@example.com")}}}})
                 .toJson());
    if (r.status != 201)
        qWarning() << "addSubscriber:" << r.status << r.body;
    return r.json.object().value(QLatin1String("id")).toString();
}

int TestApi::messageCount()
{
    MessageFilter all;
    all.limit = 100000;
    return static_cast<int>(m_db->store().outbox.list(all).size());
}

QByteArray TestApi::rawExchange(const QByteArray &request, int waitMs)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request);
    QByteArray received;
    QSignalSpy closed(&socket, &QTcpSocket::disconnected);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < waitMs && socket.state() == QAbstractSocket::ConnectedState) {
        QTest::qWait(20);
        received += socket.readAll();
    }
    received += socket.readAll();
    return received;
}

void TestApi::routes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<int>("endpoint");
    QTest::addColumn<QString>("id");
    using O = api::RouteMatch::Outcome;
    using E = api::Endpoint;
    QTest::newRow("list subscribers") << QByteArray("GET") << QStringLiteral("/v1/pages/p1/subscribers")
                                      << int(O::Found) << int(E::Subscribers) << QString();
    QTest::newRow("trailing slash") << QByteArray("POST") << QStringLiteral("/v1/pages/p1/subscribers/")
                                    << int(O::Found) << int(E::Subscribers) << QString();
    QTest::newRow("reactivate is not an id")
        << QByteArray("POST") << QStringLiteral("/v1/pages/p1/subscribers/reactivate") << int(O::Found)
        << int(E::ReactivateSubscribers) << QString();
    QTest::newRow("GET reactivate") << QByteArray("GET")
                                    << QStringLiteral("/v1/pages/p1/subscribers/reactivate")
                                    << int(O::MethodNotAllowed) << int(E::ReactivateSubscribers) << QString();
    QTest::newRow("one subscriber") << QByteArray("DELETE") << QStringLiteral("/v1/pages/p1/subscribers/abc")
                                    << int(O::Found) << int(E::Subscriber) << QStringLiteral("abc");
    QTest::newRow("patch component") << QByteArray("PATCH") << QStringLiteral("/v1/pages/p1/components/c1")
                                     << int(O::Found) << int(E::Component) << QStringLiteral("c1");
    QTest::newRow("delete component")
        << QByteArray("DELETE") << QStringLiteral("/v1/pages/p1/components/c1") << int(O::MethodNotAllowed)
        << int(E::Component) << QStringLiteral("c1");
    QTest::newRow("other page") << QByteArray("GET") << QStringLiteral("/v1/pages/p2/components")
                                << int(O::WrongPage) << 0 << QString();
    QTest::newRow("too deep") << QByteArray("GET") << QStringLiteral("/v1/pages/p1/incidents/i1/x")
                              << int(O::NotFound) << 0 << QString();
    QTest::newRow("empty id") << QByteArray("GET") << QStringLiteral("/v1/pages/p1/incidents//")
                              << int(O::NotFound) << 0 << QString();
}

void TestApi::routes()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, outcome);
    QFETCH(int, endpoint);
    QFETCH(QString, id);
    const api::RouteMatch m = api::matchRoute(method, path, QStringLiteral("p1"));
    QCOMPARE(int(m.outcome), outcome);
    if (m.outcome == api::RouteMatch::Outcome::Found ||
        m.outcome == api::RouteMatch::Outcome::MethodNotAllowed) {
        QCOMPARE(int(m.endpoint), endpoint);
        QCOMPARE(m.id, id);
    }
}

void TestApi::apiKeys()
{
    api::ApiKeyStore keys(m_db->store().db());
    auto created = keys.create(QStringLiteral("ci"));
    QVERIFY(created.ok());
    QVERIFY(created->secret.startsWith(QLatin1String("sdk_")));
    QCOMPARE(created->secret.size(), 36); // 32 base-36 characters: about 165 bits
    QSqlQuery &q = m_db->store().db().run(QStringLiteral("SELECT key_hash FROM api_keys WHERE id = ?"),
                                          {created->key.id});
    QVERIFY(q.next());
    const QString stored = q.value(0).toString();
    q.finish();
    QCOMPARE(stored,
             QString::fromLatin1(
                 QCryptographicHash::hash(created->secret.toUtf8(), QCryptographicHash::Sha256).toHex()));
    QVERIFY(!stored.contains(created->secret));
    QVERIFY(keys.verify(created->secret));
    QVERIFY(!keys.verify(created->secret + QLatin1Char('x')));
    QVERIFY(!keys.verify(QString()));
    QVERIFY(keys.revoke(created->key.id).ok());
    QVERIFY(!keys.verify(created->secret));
    QVERIFY(keys.verify(m_key)); // other keys unaffected
    QVERIFY(!keys.revoke(QStringLiteral("nosuchkey")).ok());
    QVERIFY(!keys.create(QStringLiteral("  ")).ok());
    QCOMPARE(keys.list().size(), size_t(2));
    QVERIFY(api::ApiKeyStore::constantTimeEquals("abc", "abc"));
    QVERIFY(!api::ApiKeyStore::constantTimeEquals("abc", "abd"));
    QVERIFY(!api::ApiKeyStore::constantTimeEquals("abc", "ab"));
}

void TestApi::refusesRemoteWithoutFlag()
{
    api::ApiServer other(m_db->store());
    QString error;
    QVERIFY(!other.listen(QHostAddress::AnyIPv4, 0, false, &error));
    QVERIFY2(error.contains(QLatin1String("--allow-remote")), qPrintable(error));
    QCOMPARE(other.port(), quint16(0));
}

void TestApi::subscriberLifecycle()
{
    const QString component = addComponent(QStringLiteral("API"));
    const Reply created = send(
        "POST", base() + QStringLiteral("/subscribers"),
        R"({"subscriber": {"endpoint": "https://example.com/hook", "email": "ops@example.com", "component_ids": [")" +
            component.toLatin1() + R"("]}})");
    QCOMPARE(created.status, 201);
    const QJsonObject s = created.json.object();
    const QString id = s.value(QLatin1String("id")).toString();
    QCOMPARE(s.value(QLatin1String("endpoint")).toString(), QStringLiteral("https://example.com/hook"));
    QCOMPARE(s.value(QLatin1String("state")).toString(), QStringLiteral("active"));
    QCOMPARE(s.value(QLatin1String("components")).toArray(), QJsonArray{component});
    QVERIFY(!s.contains(QLatin1String("secret")));

    const Reply one = send("GET", base() + QStringLiteral("/subscribers/") + id);
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.object().value(QLatin1String("id")).toString(), id);

    const Reply removed = send("DELETE", base() + QStringLiteral("/subscribers/") + id);
    QCOMPARE(removed.status, 200);
    QCOMPARE(removed.json.object().value(QLatin1String("state")).toString(), QStringLiteral("unsubscribed"));
    // History stays: the row is still there and readable.
    QCOMPARE(m_db->store().subscribers.find(id)->state, SubscriberState::Unsubscribed);
    QCOMPARE(send("GET", base() + QStringLiteral("/subscribers/") + id).status, 200);
    QCOMPARE(send("DELETE", base() + QStringLiteral("/subscribers/") + id).status, 404);
    QCOMPARE(send("GET", base() + QStringLiteral("/subscribers")).json.array().size(), 0);
}

void TestApi::listFilterAndPaging()
{
    QStringList ids;
    for (int i = 0; i < 5; ++i)
        ids << addSubscriber(QStringLiteral("https://example.com/h%1").arg(i));
    Subscriber q = *m_db->store().subscribers.find(ids.at(1));
    q.state = SubscriberState::Quarantined;
    q.quarantinedAt = QDateTime::currentDateTimeUtc();
    m_db->store().subscribers.update(q);
    QCOMPARE(send("DELETE", base() + QStringLiteral("/subscribers/") + ids.at(2)).status, 200);

    auto idsOf = [](const Reply &r) {
        QStringList out;
        for (const QJsonValue &v : r.json.array())
            out << v.toObject().value(QLatin1String("id")).toString();
        return out;
    };
    auto sorted = [](QStringList l) {
        l.sort();
        return l;
    };
    const QString list = base() + QStringLiteral("/subscribers");
    const QStringList live = sorted({ids.at(0), ids.at(3), ids.at(4)});
    QCOMPARE(sorted(idsOf(send("GET", list))), live);
    QCOMPARE(sorted(idsOf(send("GET", list + QStringLiteral("?state=active")))), live);
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?state=quarantined"))), QStringList{ids.at(1)});
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?state=unsubscribed"))), QStringList{ids.at(2)});
    const QStringList all = idsOf(send("GET", list + QStringLiteral("?state=all")));
    QCOMPARE(sorted(all), sorted(ids));
    // Pages are slices of the same stable order (created_at, then id).
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?state=all&per_page=2&page=2"))), all.mid(2, 2));
    const QStringList active = idsOf(send("GET", list + QStringLiteral("?state=active")));
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?per_page=2&page=2"))), active.mid(2, 2));
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?per_page=2&page=9"))), QStringList());
}

void TestApi::reactivate()
{
    const QString a = addSubscriber(QStringLiteral("https://example.com/a"));
    const QString b = addSubscriber(QStringLiteral("https://example.com/b"));
    for (const QString &id : {a, b}) {
        Subscriber s = *m_db->store().subscribers.find(id);
        s.state = SubscriberState::Quarantined;
        m_db->store().subscribers.update(s);
    }
    // One unknown id: nothing changes.
    Reply r = send("POST", base() + QStringLiteral("/subscribers/reactivate"),
                   R"({"subscribers": ")" + a.toLatin1() + R"(,nosuchid"})");
    QCOMPARE(r.status, 422);
    QCOMPARE(m_db->store().subscribers.find(a)->state, SubscriberState::Quarantined);

    r = send("POST", base() + QStringLiteral("/subscribers/reactivate"),
             R"({"subscribers": ")" + a.toLatin1() + R"("})");
    QCOMPARE(r.status, 200);
    QCOMPARE(m_db->store().subscribers.find(a)->state, SubscriberState::Active);
    QCOMPARE(m_db->store().subscribers.find(b)->state, SubscriberState::Quarantined);
    r = send("POST", base() + QStringLiteral("/subscribers/reactivate"),
             R"({"subscribers": [")" + b.toLatin1() + R"("]})");
    QCOMPARE(r.status, 200);
    QCOMPARE(m_db->store().subscribers.find(b)->state, SubscriberState::Active);
}

void TestApi::unauthorized_data()
{
    QTest::addColumn<QByteArray>("auth");
    QTest::newRow("no header") << QByteArray("");
    QTest::newRow("wrong scheme") << QByteArray("Bearer KEY");
    QTest::newRow("wrong key") << QByteArray("OAuth sdk_notarealkeynotarealkeynotarealk");
    QTest::newRow("key without scheme") << QByteArray("KEY");
    QTest::newRow("revoked key") << QByteArray("OAuth REVOKED");
}

void TestApi::unauthorized()
{
    QFETCH(QByteArray, auth);
    api::ApiKeyStore keys(m_db->store().db());
    auto revoked = keys.create(QStringLiteral("old"));
    QVERIFY(keys.revoke(revoked->key.id).ok());
    auth.replace("REVOKED", revoked->secret.toLatin1()).replace("KEY", m_key.toLatin1());
    const QString component = addComponent(QStringLiteral("API"));
    const int before = subscriberCount();
    const QList<QPair<QByteArray, QString>> requests{
        {"POST", QStringLiteral("/subscribers")},
        {"GET", QStringLiteral("/subscribers")},
        {"PATCH", QStringLiteral("/components/") + component},
        {"GET", QStringLiteral("/nosuchroute")},
    };
    for (const auto &[method, path] : requests) {
        const Reply r =
            send(method, base() + path,
                 R"({"subscriber": {"endpoint": "https://example.com/x", "email": "a@example.com"}})", auth);
        QCOMPARE(r.status, 401);
        QVERIFY(r.json.object().contains(QLatin1String("error")));
    }
    QCOMPARE(send("GET", QStringLiteral("/v1/pages/otherpage/components"), {}, auth).status, 401);
    QCOMPARE(subscriberCount(), before);
    QCOMPARE(m_db->store().components.find(component)->status, ComponentStatus::Operational);
}

void TestApi::badInput_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path"); // after the page base; a leading '!' means absolute
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    auto row = [](const char *name, const char *method, const char *path, const char *body, int status,
                  const char *error) {
        QTest::newRow(name) << QByteArray(method) << QString::fromUtf8(path) << QByteArray(body) << status
                            << QString::fromUtf8(error);
    };
    row("malformed JSON", "POST", "/subscribers", R"({"subscriber": {)", 400, "malformed JSON");
    row("empty body", "POST", "/subscribers", "", 400, "empty");
    row("not an object", "POST", "/subscribers", "[1,2]", 400, "expected a JSON object");
    row("wrong type", "POST", "/subscribers", R"({"subscriber": {"endpoint": 5, "email": "a@example.com"}})",
        400, "subscriber.endpoint must be a string");
    row("subscriber not object", "POST", "/subscribers", R"({"subscriber": "x"})", 400,
        "subscriber must be an object");
    row("unknown field", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "https://example.com/x", "email": "a@example.com", "sms": "1"}})", 400,
        "unknown field \"subscriber.sms\"");
    row("unknown top-level field", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "https://example.com/x", "email": "a@example.com"}, "x": 1})", 400,
        "unknown field \"x\"");
    row("missing endpoint", "POST", "/subscribers", R"({"subscriber": {"email": "a@example.com"}})", 400,
        "endpoint is required");
    row("component_ids not strings", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "https://example.com/x", "email": "a@example.com", "component_ids": [1]}})",
        400, "component_ids[] must be a string");
    row("slack url", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "https://hooks.slack.com/services/T/B/X", "email": "a@example.com"}})",
        422, "Slack webhook URLs are not supported");
    row("not http", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "ftp://example.com/x", "email": "a@example.com"}})", 422,
        "not an absolute http or https URL");
    row("bad email", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "https://example.com/x", "email": "nope"}})", 422,
        "not a valid address");
    row("unknown component id", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "https://example.com/x", "email": "a@example.com", "component_ids": ["zzz"]}})",
        422, "unknown component id");
    // Issue 11: the target policy, one endpoint per spelling and text that cannot be stored, in one sentence.
    row("metadata address", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "http://169.254.169.254/latest/meta-data/", "email": "a@example.com"}})",
        422, "link-local address");
    row("metadata name", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "http://metadata.google.internal/", "email": "a@example.com"}})", 422,
        "cloud metadata service");
    row("unspecified address", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "http://0.0.0.0:8080/x", "email": "a@example.com"}})", 422,
        "unspecified address");
    row("another spelling of an endpoint", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "HTTPS://Example.COM:443/existing#top", "email": "a@example.com"}})", 422,
        "already subscribed");
    row("NUL in email", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "https://example.com/nul", "email": "a\u0000@example.com"}})", 422,
        "NUL character");
    row("NUL in incident name", "POST", "/incidents", R"({"incident": {"name": "x\u0000y", "body": "x"}})", 422,
        "NUL character");
    row("unknown subscriber", "GET", "/subscribers/nosuchid", "", 404, "unknown subscriber id");
    row("delete unknown subscriber", "DELETE", "/subscribers/nosuchid", "", 404, "unknown subscriber id");
    row("bad state filter", "GET", "/subscribers?state=sleeping", "", 400, "state \"sleeping\" is not valid");
    row("per_page zero", "GET", "/subscribers?per_page=0", "", 400, "per_page must be an integer");
    row("per_page too big", "GET", "/subscribers?per_page=101", "", 400, "per_page must be an integer");
    row("page not a number", "GET", "/subscribers?page=x", "", 400, "page must be an integer");
    row("unknown query parameter", "GET", "/subscribers?sort=id", "", 400, "unknown query parameter");
    row("reactivate wrong type", "POST", "/subscribers/reactivate", R"({"subscribers": 5})", 400,
        "subscribers must be");
    row("reactivate unknown", "POST", "/subscribers/reactivate", R"({"subscribers": "nosuchid"})", 422,
        "unknown subscriber id");
    row("component unknown", "PATCH", "/components/nosuchid", R"({"component": {"status": "major_outage"}})",
        404, "unknown component id");
    row("component bad status", "PATCH", "/components/COMPONENT", R"({"component": {"status": "on_fire"}})",
        400, "component.status \"on_fire\" is not valid");
    row("component status wrong type", "PATCH", "/components/COMPONENT", R"({"component": {"status": true}})",
        400, "component.status must be a string");
    row("component nothing to change", "PATCH", "/components/COMPONENT", R"({"component": {}})", 400,
        "nothing to change");
    row("incident missing name", "POST", "/incidents", R"({"incident": {"body": "x"}})", 400,
        "incident.name is required");
    row("incident name too long", "POST", "/incidents",
        QByteArray(R"({"incident": {"name": ")" + QByteArray(300, 'n') + R"(", "body": "x"}})").constData(),
        422, "the limit is 255");
    row("incident bad impact", "POST", "/incidents",
        R"({"incident": {"name": "x", "body": "x", "impact_override": "huge"}})", 400,
        "impact_override \"huge\" is not valid");
    row("incident components not a map", "POST", "/incidents",
        R"({"incident": {"name": "x", "body": "x", "components": ["a"]}})", 400,
        "incident.components must be an object");
    row("incident unknown component", "POST", "/incidents",
        R"({"incident": {"name": "x", "body": "x", "components": {"zzz": "major_outage"}}})", 422,
        "unknown component id");
    row("incident deliver not bool", "POST", "/incidents",
        R"({"incident": {"name": "x", "body": "x", "deliver_notifications": "no"}})", 400,
        "deliver_notifications must be a boolean");
    row("incident update unknown", "PATCH", "/incidents/nosuchid", R"({"incident": {"body": "x"}})", 404,
        "unknown incident id");
    row("incident update name", "PATCH", "/incidents/INCIDENT", R"({"incident": {"name": "x", "body": "x"}})",
        400, "unknown field \"incident.name\"");
    row("incident update no body", "PATCH", "/incidents/INCIDENT", R"({"incident": {"status": "resolved"}})",
        422, "update body is required");
    row("incident update wrong kind", "PATCH", "/incidents/INCIDENT",
        R"({"incident": {"status": "completed", "body": "x"}})", 422, "does not fit this incident");
    row("unknown route", "GET", "/widgets", "", 404, "no such route");
    row("wrong method", "PUT", "/subscribers", "{}", 405, "not allowed");
    row("wrong method on id", "POST", "/subscribers/abc", "{}", 405, "not allowed");
    row("wrong page", "!/v1/pages/nosuchpage/components", "", "", 404, "unknown page id");
    row("outside the API", "!/admin", "", "", 404, "not found");
}

void TestApi::badInput()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    if (method.startsWith('!')) { // absolute path rows carry it in the method column
        path = QString::fromLatin1(method.mid(1));
        method = "GET";
    } else {
        path = base() + path;
    }
    const QString component = addComponent(QStringLiteral("API"));
    NewIncident ni;
    ni.name = QStringLiteral("Existing");
    ni.body = QStringLiteral("Looking");
    auto incident = IncidentService(m_db->context()).create(ni);
    QVERIFY(incident.ok());
    path.replace(QLatin1String("COMPONENT"), component)
        .replace(QLatin1String("INCIDENT"), incident->incident.id);
    addSubscriber(QStringLiteral("https://example.com/existing"));
    const int subscribers = subscriberCount();
    const auto incidents = m_db->store().incidents.all().size();
    const int messages = messageCount();

    const Reply r = send(method, path, body);
    QCOMPARE(r.status, status);
    QVERIFY2(r.header("content-type").startsWith("application/json"), r.header("content-type").constData());
    const QString message = r.json.object().value(QLatin1String("error")).toString();
    QVERIFY2(message.contains(error), qPrintable(message));
    // Nothing was written.
    QCOMPARE(subscriberCount(), subscribers);
    QCOMPARE(m_db->store().incidents.all().size(), incidents);
    QCOMPARE(m_db->store().incidents.find(incident->incident.id)->updates.size(), size_t(1));
    QCOMPARE(m_db->store().components.find(component)->status, ComponentStatus::Operational);
    QCOMPARE(messageCount(), messages);
    if (status == 405)
        QVERIFY(!r.header("allow").isEmpty());
}

void TestApi::bodyTooLarge()
{
    const int before = subscriberCount();
    // Headers announce 2 MB; the answer comes before the body is sent, and the body is never buffered.
    const QByteArray head =
        "POST " + base().toLatin1() + "/subscribers HTTP/1.1\r\nHost: localhost\r\nAuthorization: OAuth " +
        m_key.toLatin1() + "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n";
    QByteArray answer = rawExchange(head, 3000);
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
    QVERIFY(answer.contains("{\"error\":"));

    // Exactly one byte over the limit, sent in full through QNetworkAccessManager.
    const QByteArray big(1024 * 1024 + 1, ' ');
    const Reply r = send("POST", base() + QStringLiteral("/subscribers"), big);
    QVERIFY2(r.status == 413 || r.status == 0,
             QByteArray::number(r.status).constData()); // 0: closed while uploading
    // Exactly at the limit is parsed (and rejected as JSON, not as size).
    QByteArray atLimit = R"({"subscriber": {"endpoint": "https://example.com/x", "email": "a@example.com"}})";
    atLimit.append(QByteArray(1024 * 1024 - atLimit.size(), ' '));
    const Reply ok = send("POST", base() + QStringLiteral("/subscribers"), atLimit);
    QCOMPARE(ok.status, 201);
    QCOMPARE(subscriberCount(), before + 1);

    answer = rawExchange("POST " + base().toLatin1() +
                             "/subscribers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                         3000);
    QVERIFY2(answer.startsWith("HTTP/1.1 411"), answer.constData());
    answer = rawExchange("GET / HTTP/1.1\r\nX-Big: " + QByteArray(70000, 'a'), 3000);
    QVERIFY2(answer.startsWith("HTTP/1.1 431"), answer.constData());
}

void TestApi::stalledRequestIsCut()
{
    const int before = subscriberCount();
    const QByteArray partial = "POST " + base().toLatin1() +
                               "/subscribers HTTP/1.1\r\nHost: x\r\nAuthorization: OAuth " +
                               m_key.toLatin1() + "\r\nContent-Length: 100\r\n\r\n{\"subscriber\": {";
    QElapsedTimer timer;
    timer.start();
    const QByteArray answer = rawExchange(partial, 5000);
    QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
    QVERIFY(timer.elapsed() < 4000);
    QTRY_COMPARE(m_server->openConnections(), 0);
    QCOMPARE(subscriberCount(), before);
    // Headers alone, never finished, are cut the same way.
    QVERIFY(rawExchange("GET /v1/pages/x HTTP/1.1\r\nHost: x\r\n", 5000).startsWith("HTTP/1.1 408"));
}

void TestApi::componentStatusChangeDelivers()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    const QString component = addComponent(QStringLiteral("API"));
    const QString subscriber = addSubscriber(receiver.url());
    QVERIFY(!subscriber.isEmpty());

    DeliveryController controller(m_db->path());
    connect(m_server.get(), &api::ApiServer::messagesQueued, &controller, &DeliveryController::wake);
    QSignalSpy queued(m_server.get(), &api::ApiServer::messagesQueued);
    QSignalSpy received(&receiver, &test::HttpReceiver::requestReceived);
    controller.start();

    // A name change notifies nobody.
    Reply r = send("PATCH", base() + QStringLiteral("/components/") + component,
                   R"({"component": {"name": "Public API"}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("name")).toString(), QStringLiteral("Public API"));
    QCOMPARE(queued.count(), 0);

    r = send("PATCH", base() + QStringLiteral("/components/") + component,
             R"({"component": {"status": "major_outage"}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("status")).toString(), QStringLiteral("major_outage"));
    QCOMPARE(queued.count(), 1);
    QVERIFY(received.wait(10000));
    const test::ReceivedRequest hook = receiver.requests().constFirst();
    const QJsonObject body = QJsonDocument::fromJson(hook.body).object();
    const QJsonObject update = body.value(QLatin1String("component_update")).toObject();
    QCOMPARE(update.value(QLatin1String("old_status")).toString(), QStringLiteral("operational"));
    QCOMPARE(update.value(QLatin1String("new_status")).toString(), QStringLiteral("major_outage"));
    QCOMPARE(body.value(QLatin1String("component")).toObject().value(QLatin1String("id")).toString(),
             component);
    controller.stop();

    const Reply list = send("GET", base() + QStringLiteral("/components"));
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json.array().size(), 1);
}

void TestApi::incidents()
{
    const QString component = addComponent(QStringLiteral("API"));
    addSubscriber(QStringLiteral("https://example.com/hook"));
    QSignalSpy queued(m_server.get(), &api::ApiServer::messagesQueued);
    const QByteArray create =
        R"({"incident": {"name": "Elevated errors", "status": "investigating", "body": "Looking",
        "impact_override": "major", "component_ids": [")" +
        component.toLatin1() + R"("],
        "components": {")" +
        component.toLatin1() + R"(": "partial_outage"}, "deliver_notifications": true}})";
    Reply r = send("POST", base() + QStringLiteral("/incidents"), create);
    QCOMPARE(r.status, 201);
    const QJsonObject incident = r.json.object();
    const QString id = incident.value(QLatin1String("id")).toString();
    QCOMPARE(incident.value(QLatin1String("name")).toString(), QStringLiteral("Elevated errors"));
    QCOMPARE(incident.value(QLatin1String("impact_override")).toString(), QStringLiteral("major"));
    QCOMPARE(m_db->store().components.find(component)->status, ComponentStatus::PartialOutage);
    QCOMPARE(queued.count(), 1);
    QCOMPARE(queued.constFirst().constFirst().toInt(), 2); // incident + component webhook

    r = send("PATCH", base() + QStringLiteral("/incidents/") + id,
             R"({"incident": {"status": "resolved", "body": "Fixed", "components": {")" +
                 component.toLatin1() + R"(": "operational"}}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("status")).toString(), QStringLiteral("resolved"));
    QCOMPARE(r.json.object().value(QLatin1String("incident_updates")).toArray().size(), 2);

    // An update without status keeps the current one; without notifications nothing is queued.
    r = send("PATCH", base() + QStringLiteral("/incidents/") + id,
             R"({"incident": {"body": "Postscript", "deliver_notifications": false}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("status")).toString(), QStringLiteral("resolved"));
    QCOMPARE(queued.count(), 2);

    QCOMPARE(send("GET", base() + QStringLiteral("/incidents/") + id)
                 .json.object()
                 .value(QLatin1String("id"))
                 .toString(),
             id);
    QCOMPARE(send("GET", base() + QStringLiteral("/incidents")).json.array().size(), 1);
}

void TestApi::unsubscribeLink()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    const QString component = addComponent(QStringLiteral("API"));
    const QString endpoint = receiver.url(QStringLiteral("/hook?a=1&b=2"));
    const QString id = addSubscriber(endpoint);
    QVERIFY(!id.isEmpty());
    const QString token = m_db->store().subscribers.find(id)->unsubscribeToken;

    // The link in webhooks is the page URL + ?unsubscribe=; serve it from this test server.
    const QString page = QStringLiteral("/?unsubscribe=") + token;
    Reply r = send("GET", page, {}, QByteArray(""));
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("content-type").startsWith("text/html"));
    QVERIFY2(r.body.contains("/hook?a=1&amp;b=2"), r.body.constData()); // escaped
    QVERIFY(!r.body.contains("&b=2"));
    QVERIFY(r.body.contains("<form method=\"post\""));
    QCOMPARE(m_db->store().subscribers.find(id)->state, SubscriberState::Active); // GET changes nothing

    const Reply unknown = send("GET", QStringLiteral("/?unsubscribe=nosuchtoken"), {}, QByteArray(""));
    QCOMPARE(unknown.status, 404);
    QVERIFY(!unknown.body.contains("hook"));

    r = send("POST", page, QByteArray(), QByteArray(""));
    QCOMPARE(r.status, 200);
    QCOMPARE(m_db->store().subscribers.find(id)->state, SubscriberState::Unsubscribed);
    QCOMPARE(send("POST", page, QByteArray(), QByteArray("")).status, 404); // spent

    // It receives nothing more, and its history is kept.
    DeliveryController controller(m_db->path());
    connect(m_server.get(), &api::ApiServer::messagesQueued, &controller, &DeliveryController::wake);
    QSignalSpy idle(&controller, &DeliveryController::idle);
    controller.start();
    const int messages = messageCount();
    QCOMPARE(send("PATCH", base() + QStringLiteral("/components/") + component,
                  R"({"component": {"status": "major_outage"}})")
                 .status,
             200);
    QCOMPARE(messageCount(), messages);
    QTest::qWait(1000);
    QCOMPARE(receiver.requests().size(), 0);
    controller.stop();
    QVERIFY(m_db->store().subscribers.find(id).has_value());
}

// serve opens the store, then the delivery engine opens a second connection. Opening it must not drop this
// process's SQLite lock, or another statusdesk-cli closing the file deletes the WAL under the server.
void TestApi::secondConnectionKeepsSqliteLock()
{
    if (m_db->isPostgres())
        QSKIP("SQLite file check (POSIX locks on the database file)");
#ifdef Q_OS_LINUX
    auto hasLock = [this] {
        QFile locks(QStringLiteral("/proc/locks"));
        if (!locks.open(QIODevice::ReadOnly))
            return false;
        struct stat st = {};
        if (::stat(QFile::encodeName(m_db->path()).constData(), &st) != 0)
            return false;
        const QByteArray inode = ':' + QByteArray::number(static_cast<qulonglong>(st.st_ino)) + ' ';
        const QByteArray pid = ' ' + QByteArray::number(QCoreApplication::applicationPid()) + ' ';
        const QList<QByteArray> lines = locks.readAll().split('\n');
        return std::any_of(lines.begin(), lines.end(),
                           [&](const QByteArray &l) { return l.contains(inode) && l.contains(pid); });
    };
    (void)m_db->store().page.get();
    QVERIFY(hasLock());
    QString error;
    auto second = Database::open(m_db->path(), &error);
    QVERIFY2(second, qPrintable(error));
    QVERIFY(hasLock());
    second.reset();
    QVERIFY(hasLock());
#else
    QSKIP("reads /proc/locks");
#endif
}

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
