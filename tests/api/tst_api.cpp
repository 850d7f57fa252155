#include "app/api/apikeystore.h"
#include "app/api/apirequestparser.h"
#include "app/api/apiroutetable.h"
#include "app/api/apiserver.h"
#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

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

    // Issue 10: the management API as Statuspage's clients call it.
    void paginationIsStable();
    void tolerantInput();
    void pageGetAndPatch();
    void componentFields();
    void componentGroups();
    void incidentLists();
    void incidentEdits();
    void postmortemCycle();
    void subscriberManagement();

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
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("id");
    using O = api::RouteMatch::Outcome;
    QTest::newRow("list subscribers")
        << QByteArray("GET") << QStringLiteral("/v1/pages/p1/subscribers") << int(O::Found)
        << QStringLiteral("/v1/pages/{page_id}/subscribers") << QString();
    QTest::newRow("trailing slash") << QByteArray("POST") << QStringLiteral("/v1/pages/p1/subscribers/")
                                    << int(O::Found) << QStringLiteral("/v1/pages/{page_id}/subscribers")
                                    << QString();
    QTest::newRow("reactivate is not an id")
        << QByteArray("POST") << QStringLiteral("/v1/pages/p1/subscribers/reactivate") << int(O::Found)
        << QStringLiteral("/v1/pages/{page_id}/subscribers/reactivate") << QString();
    QTest::newRow("GET reactivate") << QByteArray("GET")
                                    << QStringLiteral("/v1/pages/p1/subscribers/reactivate")
                                    << int(O::MethodNotAllowed)
                                    << QStringLiteral("/v1/pages/{page_id}/subscribers/reactivate")
                                    << QString();
    QTest::newRow("one subscriber") << QByteArray("DELETE") << QStringLiteral("/v1/pages/p1/subscribers/abc")
                                    << int(O::Found) << QStringLiteral("/v1/pages/{page_id}/subscribers/{id}")
                                    << QStringLiteral("abc");
    QTest::newRow("patch component") << QByteArray("PATCH") << QStringLiteral("/v1/pages/p1/components/c1")
                                     << int(O::Found) << QStringLiteral("/v1/pages/{page_id}/components/{id}")
                                     << QStringLiteral("c1");
    QTest::newRow("delete component")
        << QByteArray("DELETE") << QStringLiteral("/v1/pages/p1/components/c1") << int(O::Found)
        << QStringLiteral("/v1/pages/{page_id}/components/{id}") << QStringLiteral("c1");
    QTest::newRow("json suffix") << QByteArray("GET") << QStringLiteral("/v1/pages/p1/components/c1.json")
                                 << int(O::Found) << QStringLiteral("/v1/pages/{page_id}/components/{id}")
                                 << QStringLiteral("c1");
    QTest::newRow("pages list") << QByteArray("GET") << QStringLiteral("/v1/pages.json") << int(O::Found)
                                << QStringLiteral("/v1/pages") << QString();
    QTest::newRow("unresolved is not an id")
        << QByteArray("GET") << QStringLiteral("/v1/pages/p1/incidents/unresolved") << int(O::Found)
        << QStringLiteral("/v1/pages/{page_id}/incidents/unresolved") << QString();
    QTest::newRow("incident update") << QByteArray("PATCH")
                                     << QStringLiteral("/v1/pages/p1/incidents/i1/incident_updates/u1")
                                     << int(O::Found)
                                     << QStringLiteral(
                                            "/v1/pages/{page_id}/incidents/{id}/incident_updates/{update_id}")
                                     << QStringLiteral("i1");
    QTest::newRow("postmortem publish by POST")
        << QByteArray("POST") << QStringLiteral("/v1/pages/p1/incidents/i1/postmortem/publish")
        << int(O::Found) << QStringLiteral("/v1/pages/{page_id}/incidents/{id}/postmortem/publish")
        << QStringLiteral("i1");
    QTest::newRow("group") << QByteArray("DELETE") << QStringLiteral("/v1/pages/p1/component-groups/g1")
                           << int(O::Found) << QStringLiteral("/v1/pages/{page_id}/component-groups/{id}")
                           << QStringLiteral("g1");
    QTest::newRow("other page") << QByteArray("GET") << QStringLiteral("/v1/pages/p2/components")
                                << int(O::WrongPage) << QString() << QString();
    QTest::newRow("too deep") << QByteArray("GET") << QStringLiteral("/v1/pages/p1/incidents/i1/x")
                              << int(O::NotFound) << QString() << QString();
    QTest::newRow("empty id") << QByteArray("GET") << QStringLiteral("/v1/pages/p1/incidents//")
                              << int(O::NotFound) << QString() << QString();
}

void TestApi::routes()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, outcome);
    QFETCH(QString, pattern);
    QFETCH(QString, id);
    const api::RouteMatch m = api::matchRoute(method, path, QStringLiteral("p1"));
    QCOMPARE(int(m.outcome), outcome);
    if (m.outcome == api::RouteMatch::Outcome::Found ||
        m.outcome == api::RouteMatch::Outcome::MethodNotAllowed) {
        QCOMPARE(m.pattern, pattern);
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
    // Pages are slices of the same stable order (created_at, then id); for subscribers Statuspage documents
    // page as zero-based ("the first page is page 0").
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?state=all&per_page=2&page=1"))), all.mid(2, 2));
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?state=all&limit=2&page=0"))), all.mid(0, 2));
    const QStringList active = idsOf(send("GET", list + QStringLiteral("?state=active")));
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?per_page=2&page=1"))), active.mid(2, 2));
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?per_page=2&page=9"))), QStringList());
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?sort_direction=desc"))),
             QStringList({active.at(2), active.at(1), active.at(0)}));
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?q=H3"))), QStringList{ids.at(3)});
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?state=unconfirmed"))), QStringList());
    QCOMPARE(idsOf(send("GET", list + QStringLiteral("?type=email"))), QStringList());
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
    QCOMPARE(r.status, 201); // as Statuspage documents
    QCOMPARE(m_db->store().subscribers.find(a)->state, SubscriberState::Active);
    QCOMPARE(m_db->store().subscribers.find(b)->state, SubscriberState::Quarantined);
    r = send("POST", base() + QStringLiteral("/subscribers/reactivate"),
             R"({"subscribers": [")" + b.toLatin1() + R"("]})");
    QCOMPARE(r.status, 201);
    QCOMPARE(m_db->store().subscribers.find(b)->state, SubscriberState::Active);
}

void TestApi::unauthorized_data()
{
    QTest::addColumn<QByteArray>("auth");
    QTest::newRow("no header") << QByteArray("");
    QTest::newRow("wrong scheme") << QByteArray("Basic KEY"); // OAuth and Bearer are taken
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
        R"({"subscriber": {"endpoint": "HTTPS://Example.COM:443/existing#top", "email": "a@example.com"}})",
        422, "already subscribed");
    row("NUL in email", "POST", "/subscribers",
        R"({"subscriber": {"endpoint": "https://example.com/nul", "email": "a\u0000@example.com"}})", 422,
        "NUL character");
    row("NUL in incident name", "POST", "/incidents", R"({"incident": {"name": "x\u0000y", "body": "x"}})",
        422, "NUL character");
    row("unknown subscriber", "GET", "/subscribers/nosuchid", "", 404, "unknown subscriber id");
    row("delete unknown subscriber", "DELETE", "/subscribers/nosuchid", "", 404, "unknown subscriber id");
    row("bad state filter", "GET", "/subscribers?state=sleeping", "", 400, "state \"sleeping\" is not valid");
    row("per_page zero", "GET", "/subscribers?per_page=0", "", 400, "per_page must be an integer");
    row("per_page too big", "GET", "/subscribers?per_page=101", "", 400, "per_page must be an integer");
    row("page not a number", "GET", "/subscribers?page=x", "", 400, "page must be an integer");
    row("limit too big", "GET", "/incidents?limit=101", "", 400, "limit must be an integer");
    row("components page zero", "GET", "/components?page=0", "", 400, "page must be an integer from 1");
    row("bad sort direction", "GET", "/subscribers?sort_direction=up", "", 400, "sort_direction \"up\"");
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
    row("incident update name wrong type", "PATCH", "/incidents/INCIDENT", R"({"incident": {"name": 5}})",
        400, "incident.name must be a string");
    row("incident update nothing", "PATCH", "/incidents/INCIDENT",
        R"({"incident": {"body": "", "status": "", "impact_override": ""}})", 400, "nothing to change");
    row("incident undocumented field", "PATCH", "/incidents/INCIDENT", R"({"incident": {"colour": "red"}})",
        400, "unknown field \"incident.colour\"");
    row("incident ignored field wrong type", "POST", "/incidents",
        R"({"incident": {"name": "x", "auto_tweet_on_creation": "often"}})", 400,
        "incident.auto_tweet_on_creation must be a boolean");
    row("incident update edit unknown", "PATCH", "/incidents/INCIDENT/incident_updates/nosuchid",
        R"({"incident_update": {"body": "x"}})", 404, "unknown incident update id");
    row("incident update edit empty body", "PATCH", "/incidents/INCIDENT/incident_updates/UPDATE",
        R"({"incident_update": {"body": " "}})", 422, "update body is required");
    row("publish without postmortem", "PUT", "/incidents/INCIDENT/postmortem/publish", "", 422,
        "no postmortem to publish");
    row("component create without name", "POST", "/components", R"({"component": {"status": "operational"}})",
        400, "component.name is required");
    row("component unknown group", "PATCH", "/components/COMPONENT",
        R"({"component": {"group_id": "nosuch"}})", 422, "unknown component group id");
    row("component bad start_date", "POST", "/components",
        R"({"component": {"name": "x", "start_date": "May"}})", 400, "component.start_date must be a date");
    row("form bad boolean", "POST", "/components", "component[name]=x&component[showcase]=maybe", 400,
        "component.showcase must be true or false");
    row("form malformed key", "POST", "/components", "component[name=x", 400, "is malformed");
    row("group without components", "POST", "/component-groups", R"({"component_group": {"name": "G"}})", 400,
        "component_group.components is required");
    row("group unknown component", "POST", "/component-groups",
        R"({"component_group": {"name": "G", "components": ["nosuch"]}})", 422, "unknown component id");
    row("unknown group", "GET", "/component-groups/nosuch", "", 404, "unknown component group id");
    row("bulk unsubscribe unknown", "POST", "/subscribers/unsubscribe",
        R"({"subscribers": "SUBSCRIBER,nosuch"})", 422,
        "unknown subscriber id \"nosuch\"; nobody was unsubscribed");
    row("bulk unsubscribe bad state", "POST", "/subscribers/unsubscribe",
        R"({"subscribers": "all", "state": "gone"})", 400, "state \"gone\" is not valid");
    row("subscriber patch unknown component", "PATCH", "/subscribers/SUBSCRIBER",
        R"({"component_ids": ["zzz"]})", 422, "unknown component id");
    row("subscriber patch wrong type", "PATCH", "/subscribers/SUBSCRIBER", R"({"component_ids": "zzz"})", 400,
        "component_ids must be an array of strings");
    row("sms subscriber", "POST", "/subscribers",
        R"({"subscriber": {"phone_number": "202-555-0105", "email": "a@example.com"}})", 400,
        "webhook subscribers only");
    row("page bad time zone", "PATCH", "", R"({"page": {"time_zone": "Mars/Olympus"}})", 422, "time zone");
    row("page undocumented field", "PATCH", "", R"({"page": {"colour": "red"}})", 400,
        "unknown field \"page.colour\"");
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
    const QString subscriber = addSubscriber(QStringLiteral("https://example.com/existing"));
    path.replace(QLatin1String("COMPONENT"), component)
        .replace(QLatin1String("INCIDENT"), incident->incident.id)
        .replace(QLatin1String("UPDATE"), incident->incident.updates.front().id)
        .replace(QLatin1String("SUBSCRIBER"), subscriber);
    body.replace("SUBSCRIBER", subscriber.toLatin1());
    const Page pageBefore = m_db->store().page.get();
    const int components = m_db->store().components.count();
    const auto groups = m_db->store().components.groups().size();
    const int subscribers = subscriberCount();
    const auto incidents = m_db->store().incidents.all().size();
    const int messages = messageCount();

    const Reply r = send(method, path, body);
    QCOMPARE(r.status, status);
    QVERIFY2(r.header("content-type").startsWith("application/json"), r.header("content-type").constData());
    const QString message = r.json.object().value(QLatin1String("message")).toString();
    QVERIFY2(message.contains(error), qPrintable(message));
    QCOMPARE(r.json.object().value(QLatin1String("error")).toString(), message); // kept for earlier clients
    // Nothing was written.
    QCOMPARE(subscriberCount(), subscribers);
    QCOMPARE(m_db->store().incidents.all().size(), incidents);
    QCOMPARE(m_db->store().incidents.find(incident->incident.id)->updates.size(), size_t(1));
    QCOMPARE(m_db->store().components.find(component)->status, ComponentStatus::Operational);
    QCOMPARE(messageCount(), messages);
    QCOMPARE(m_db->store().components.count(), components);
    QCOMPARE(m_db->store().components.groups().size(), groups);
    QCOMPARE(m_db->store().subscribers.find(subscriber)->state, SubscriberState::Active);
    QCOMPARE(m_db->store().subscribers.find(subscriber)->componentIds, QStringList());
    QCOMPARE(m_db->store().incidents.find(incident->incident.id)->updates.front().body,
             QStringLiteral("Looking"));
    QCOMPARE(m_db->store().page.get().timeZone, pageBefore.timeZone);
    QCOMPARE(m_db->store().page.get().updatedAt, pageBefore.updatedAt);
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

namespace {

QStringList idsIn(const QJsonArray &array)
{
    QStringList out;
    for (const QJsonValue &v : array)
        out << v.toObject().value(QLatin1String("id")).toString();
    return out;
}

} // namespace

void TestApi::paginationIsStable()
{
    // Before issue 10, page=2 of components and incidents answered page 1 again.
    QStringList components;
    for (int i = 0; i < 5; ++i)
        components << addComponent(QStringLiteral("C%1").arg(i));
    for (int i = 0; i < 5; ++i) {
        NewIncident n;
        n.name = QStringLiteral("Incident %1").arg(i);
        n.body = QStringLiteral("Looking");
        QVERIFY(IncidentService(m_db->context()).create(n).ok());
    }
    for (const QString &list : {QStringLiteral("/components"), QStringLiteral("/incidents")}) {
        const QStringList whole = idsIn(send("GET", base() + list).json.array());
        QCOMPARE(whole.size(), 5);
        QStringList paged;
        for (int page = 1; page <= 3; ++page) {
            const Reply r = send("GET", base() + list + QStringLiteral("?per_page=2&page=%1").arg(page));
            QCOMPARE(r.status, 200);
            QVERIFY(r.json.array().size() <= 2);
            paged << idsIn(r.json.array());
        }
        QCOMPARE(paged, whole); // every item once, in one order
        QCOMPARE(send("GET", base() + list + QStringLiteral("?per_page=2&page=4")).json.array().size(), 0);
    }
    // limit is the incidents listing's documented name for the page size.
    QCOMPARE(send("GET", base() + QStringLiteral("/incidents?limit=3&page=2")).json.array().size(), 2);
    QCOMPARE(send("GET", base() + QStringLiteral("/components?per_page=100")).json.array().size(), 5);
}

void TestApi::tolerantInput()
{
    // A form-encoded body, as Statuspage documents (component[name]=...).
    Reply r = send("POST", base() + QStringLiteral("/components"),
                   "component[name]=Form+made&component[description]=a%20b&component[showcase]=false"
                   "&component[start_date]=2024-05-01&component[only_show_if_degraded]=1");
    QCOMPARE(r.status, 201);
    const QString formId = r.json.object().value(QLatin1String("id")).toString();
    const auto stored = m_db->store().components.find(formId);
    QVERIFY(stored);
    QCOMPARE(stored->name, QStringLiteral("Form made"));
    QCOMPARE(stored->description, QStringLiteral("a b"));
    QCOMPARE(stored->showcase, false);
    QCOMPARE(stored->onlyShowIfDegraded, true);
    QCOMPARE(stored->startDate, QDate(2024, 5, 1));

    // The Go SDK's incident: every field present, the unused ones as empty strings; documented fields
    // StatusDesk does not use are accepted.
    r = send("POST", base() + QStringLiteral("/incidents"),
             R"({"incident": {"name": "Only a name", "status": "", "impact_override": "", "scheduled_for": "",
                 "scheduled_until": "", "body": "", "component_ids": null, "components": null,
                 "auto_tweet_on_creation": false, "metadata": {"jira": {"issue_id": "1"}},
                 "reminder_intervals": "[3, 6]"}})");
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.object().value(QLatin1String("status")).toString(), QStringLiteral("investigating"));
    QCOMPARE(r.json.object().value(QLatin1String("impact_override")), QJsonValue(QJsonValue::Null));
    const QString incident = r.json.object().value(QLatin1String("id")).toString();

    // Form-encoded incident with a component map and a list.
    r = send("POST", base() + QStringLiteral("/incidents"),
             "incident[name]=Form+incident&incident[status]=identified&incident[body]=Found"
             "&incident[components][" +
                 formId.toLatin1() + "]=major_outage&incident[component_ids][]=" + formId.toLatin1() +
                 "&incident[deliver_notifications]=false");
    QCOMPARE(r.status, 201);
    QCOMPARE(m_db->store().components.find(formId)->status, ComponentStatus::MajorOutage);

    // .json suffixes, ?api_key= and Bearer, as clients send them.
    QCOMPARE(send("GET", base() + QStringLiteral("/incidents/") + incident + QStringLiteral(".json")).status,
             200);
    QCOMPARE(send("GET", base() + QStringLiteral(".json")).status, 200);
    QCOMPARE(
        send("GET", base() + QStringLiteral("/components.json?api_key=") + m_key, {}, QByteArray("")).status,
        200);
    QCOMPARE(send("GET", base() + QStringLiteral("/components?api_key=wrong"), {}, QByteArray("")).status,
             401);
    QCOMPARE(send("GET", base() + QStringLiteral("/components"), {}, "Bearer " + m_key.toLatin1()).status,
             200);
    // Query parameters Statuspage does not document for an endpoint are ignored, as it does.
    QCOMPARE(send("GET", base() + QStringLiteral("/components?sort=id&per_page=")).status, 200);
}

void TestApi::pageGetAndPatch()
{
    Reply r = send("GET", QStringLiteral("/v1/pages"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.array().size(), 1);
    QCOMPARE(r.json.array().at(0).toObject().value(QLatin1String("id")).toString(),
             m_db->store().page.get().id);
    r = send(
        "PATCH", base(),
        R"({"page": {"name": "Renamed", "time_zone": "Europe/Berlin", "url": "https://status.example.com/",
                 "branding": "basic", "hidden_from_search": true, "css_greens": "#00ff00"}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("name")).toString(), QStringLiteral("Renamed"));
    const Page p = m_db->store().page.get();
    QCOMPARE(p.name, QStringLiteral("Renamed"));
    QCOMPARE(p.timeZone, QStringLiteral("Europe/Berlin"));
    QCOMPARE(p.url, QStringLiteral("https://status.example.com/"));
    QCOMPARE(send("PUT", base(), R"({"page": {"name": "Put"}})").status, 200);
    QCOMPARE(m_db->store().page.get().name, QStringLiteral("Put"));
}

void TestApi::componentFields()
{
    const QString id = addComponent(QStringLiteral("API"));
    const QString other = addComponent(QStringLiteral("DB"));
    Reply r = send("POST", base() + QStringLiteral("/component-groups"),
                   R"({"description": "Backends", "component_group": {"name": "Core", "components": [")" +
                       other.toLatin1() + R"("]}})");
    QCOMPARE(r.status, 201);
    const QString group = r.json.object().value(QLatin1String("id")).toString();
    r = send("PATCH", base() + QStringLiteral("/components/") + id,
             R"({"component": {"only_show_if_degraded": true, "start_date": "2023-01-02", "group_id": ")" +
                 group.toLatin1() + R"(", "showcase": false, "description": "The API"}})");
    QCOMPARE(r.status, 200);
    QJsonObject c = r.json.object();
    QCOMPARE(c.value(QLatin1String("only_show_if_degraded")).toBool(), true);
    QCOMPARE(c.value(QLatin1String("start_date")).toString(), QStringLiteral("2023-01-02"));
    QCOMPARE(c.value(QLatin1String("group_id")).toString(), group);
    QCOMPARE(c.value(QLatin1String("showcase")).toBool(), false);
    // Stored, not echoed: a fresh read has them.
    c = send("GET", base() + QStringLiteral("/components/") + id).json.object();
    QCOMPARE(c.value(QLatin1String("start_date")).toString(), QStringLiteral("2023-01-02"));
    QCOMPARE(c.value(QLatin1String("only_show_if_degraded")).toBool(), true);
    // PUT is PATCH; an empty group_id takes it out of its group.
    r = send("PUT", base() + QStringLiteral("/components/") + id, R"({"component": {"group_id": ""}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("group_id")), QJsonValue(QJsonValue::Null));
    // Create answers 201; delete 204 with no body.
    r = send("POST", base() + QStringLiteral("/components"),
             R"({"component": {"name": "Edge", "status": "degraded_performance", "group_id": ")" +
                 group.toLatin1() + R"("}})");
    QCOMPARE(r.status, 201);
    const QString edge = r.json.object().value(QLatin1String("id")).toString();
    QCOMPARE(m_db->store().components.find(edge)->status, ComponentStatus::DegradedPerformance);
    QCOMPARE(m_db->store().components.find(edge)->groupId, group);
    r = send("DELETE", base() + QStringLiteral("/components/") + edge);
    QCOMPARE(r.status, 204);
    QVERIFY(r.body.isEmpty());
    QVERIFY(!m_db->store().components.find(edge));
    QCOMPARE(send("DELETE", base() + QStringLiteral("/components/") + edge).status, 404);
}

void TestApi::componentGroups()
{
    const QString a = addComponent(QStringLiteral("A"));
    const QString b = addComponent(QStringLiteral("B"));
    Reply r = send("POST", base() + QStringLiteral("/component-groups"),
                   R"({"description": "First", "component_group": {"name": "G", "components": [")" +
                       a.toLatin1() + R"("]}})");
    QCOMPARE(r.status, 201);
    const QString g = r.json.object().value(QLatin1String("id")).toString();
    QCOMPARE(r.json.object().value(QLatin1String("description")).toString(), QStringLiteral("First"));
    QCOMPARE(r.json.object().value(QLatin1String("components")).toArray(), QJsonArray{a});
    r = send("PATCH", base() + QStringLiteral("/component-groups/") + g,
             R"({"description": "Second", "component_group": {"name": "G2", "components": [")" +
                 b.toLatin1() + R"("]}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("name")).toString(), QStringLiteral("G2"));
    QCOMPARE(r.json.object().value(QLatin1String("components")).toArray(), QJsonArray{b});
    QCOMPARE(m_db->store().components.find(a)->groupId, QString());
    QCOMPARE(m_db->store().components.find(b)->groupId, g);
    r = send("GET", base() + QStringLiteral("/component-groups"));
    QCOMPARE(idsIn(r.json.array()), QStringList{g});
    QCOMPARE(send("GET", base() + QStringLiteral("/component-groups/") + g)
                 .json.object()
                 .value(QLatin1String("description"))
                 .toString(),
             QStringLiteral("Second"));
    r = send("DELETE", base() + QStringLiteral("/component-groups/") + g);
    QCOMPARE(r.status, 200);
    QVERIFY(!m_db->store().components.findGroup(g));
    QVERIFY(m_db->store().components.find(b)); // the components stay
    QCOMPARE(m_db->store().components.find(b)->groupId, QString());
}

void TestApi::incidentLists()
{
    IncidentService incidents(m_db->context());
    auto make = [&](const QString &name, IncidentStatus status, qint64 startsInSecs) {
        NewIncident n;
        n.name = name;
        n.status = status;
        n.body = QStringLiteral("Text about ") + name;
        if (status == IncidentStatus::Scheduled || status == IncidentStatus::InProgress) {
            n.scheduledFor = QDateTime::currentDateTimeUtc().addSecs(startsInSecs);
            n.scheduledUntil = n.scheduledFor.addSecs(3600);
        }
        auto created = incidents.create(n);
        return created.ok() ? created->incident.id : QString();
    };
    const QString open = make(QStringLiteral("Open"), IncidentStatus::Investigating, 0);
    const QString resolved = make(QStringLiteral("Done"), IncidentStatus::Resolved, 0);
    const QString upcoming = make(QStringLiteral("Upgrade"), IncidentStatus::Scheduled, 86400);
    const QString active = make(QStringLiteral("Migration"), IncidentStatus::InProgress, -60);
    auto list = [&](const QString &path) { return idsIn(send("GET", base() + path).json.array()); };
    QCOMPARE(list(QStringLiteral("/incidents/unresolved")), QStringList{open});
    QCOMPARE(list(QStringLiteral("/incidents/scheduled")), QStringList{upcoming});
    QCOMPARE(list(QStringLiteral("/incidents/upcoming")), QStringList{upcoming});
    QCOMPARE(list(QStringLiteral("/incidents/active_maintenance.json")), QStringList{active});
    QCOMPARE(list(QStringLiteral("/incidents?q=upgrade")), QStringList{upcoming});
    QCOMPARE(list(QStringLiteral("/incidents?q=about%20Done")), QStringList{resolved}); // update bodies too
    QCOMPARE(list(QStringLiteral("/incidents")).size(), 4);
}

void TestApi::incidentEdits()
{
    const QString component = addComponent(QStringLiteral("API"));
    addSubscriber(QStringLiteral("https://example.com/hook"));
    // Created from its name alone, as Statuspage allows.
    Reply r = send("POST", base() + QStringLiteral("/incidents"), R"({"incident": {"name": "Just a name"}})");
    QCOMPARE(r.status, 201);
    const QString id = r.json.object().value(QLatin1String("id")).toString();
    QCOMPARE(r.json.object().value(QLatin1String("incident_updates")).toArray().size(), 1);
    const int messagesAfterCreate = messageCount();

    // A rename posts no update and notifies nobody.
    r = send("PATCH", base() + QStringLiteral("/incidents/") + id,
             R"({"incident": {"name": "Better name"}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("name")).toString(), QStringLiteral("Better name"));
    QCOMPARE(m_db->store().incidents.find(id)->updates.size(), size_t(1));
    QCOMPARE(messageCount(), messagesAfterCreate);

    // A status-only update posts an update and notifies.
    r = send("PATCH", base() + QStringLiteral("/incidents/") + id,
             R"({"incident": {"status": "identified"}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("status")).toString(), QStringLiteral("identified"));
    QCOMPARE(m_db->store().incidents.find(id)->updates.size(), size_t(2));
    QVERIFY(messageCount() > messagesAfterCreate);

    // Correcting a posted update's text.
    const QString updateId = m_db->store().incidents.find(id)->updates.front().id;
    r = send("PATCH", base() + QStringLiteral("/incidents/%1/incident_updates/%2").arg(id, updateId),
             R"({"incident_update": {"body": "We found it", "display_at": "2024-05-01T12:00:00Z"}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("body")).toString(), QStringLiteral("We found it"));
    QCOMPARE(r.json.object().value(QLatin1String("id")).toString(), updateId);
    QCOMPARE(m_db->store().incidents.find(id)->updates.front().body, QStringLiteral("We found it"));

    // DELETE answers the incident as it was; it is gone after.
    r = send("DELETE", base() + QStringLiteral("/incidents/") + id);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("id")).toString(), id);
    QVERIFY(!m_db->store().incidents.find(id));
    QCOMPARE(send("GET", base() + QStringLiteral("/incidents/") + id).status, 404);
    Q_UNUSED(component);
}

void TestApi::postmortemCycle()
{
    NewIncident n;
    n.name = QStringLiteral("Outage");
    n.body = QStringLiteral("Down");
    n.status = IncidentStatus::Resolved;
    const QString id = IncidentService(m_db->context()).create(n)->incident.id;
    const QString pm = base() + QStringLiteral("/incidents/") + id + QStringLiteral("/postmortem");
    Reply r = send("PUT", pm, R"({"postmortem": {"body_draft": "What happened"}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("body_draft")).toString(), QStringLiteral("What happened"));
    QCOMPARE(r.json.object().value(QLatin1String("published_at")), QJsonValue(QJsonValue::Null));
    r = send("PUT", pm + QStringLiteral("/publish"), R"({"postmortem": {"notify_subscribers": false}})");
    QCOMPARE(r.status, 200);
    QVERIFY(r.json.object().value(QLatin1String("published_at")).isString());
    QCOMPARE(r.json.object().value(QLatin1String("body")).toString(), QStringLiteral("What happened"));
    QVERIFY(m_db->store().incidents.find(id)->postmortemPublishedAt.isValid());
    r = send("PUT", pm + QStringLiteral("/revert"));
    QCOMPARE(r.status, 200);
    QVERIFY(!m_db->store().incidents.find(id)->postmortemPublishedAt.isValid());
    QCOMPARE(m_db->store().incidents.find(id)->postmortemBody, QStringLiteral("What happened"));
    QCOMPARE(send("GET", pm).json.object().value(QLatin1String("body_draft")).toString(),
             QStringLiteral("What happened"));
    QCOMPARE(send("DELETE", pm).status, 204);
    QCOMPARE(m_db->store().incidents.find(id)->postmortemBody, QString());
}

void TestApi::subscriberManagement()
{
    const QString component = addComponent(QStringLiteral("API"));
    const QString a = addSubscriber(QStringLiteral("https://example.com/a"));
    const QString b = addSubscriber(QStringLiteral("https://example.com/b"));
    const QString c = addSubscriber(QStringLiteral("https://example.com/c"));
    // skip_confirmation_notification is documented; webhook subscribers are never asked to confirm.
    Reply r = send("POST", base() + QStringLiteral("/subscribers"),
                   R"({"subscriber": {"endpoint": "https://example.com/d", "email": "d@example.com",
                       "skip_confirmation_notification": true}})");
    QCOMPARE(r.status, 201);
    const QString d = r.json.object().value(QLatin1String("id")).toString();

    r = send("PATCH", base() + QStringLiteral("/subscribers/") + a,
             R"({"component_ids": [")" + component.toLatin1() + R"("]})");
    QCOMPARE(r.status, 200);
    QCOMPARE(m_db->store().subscribers.find(a)->componentIds, QStringList{component});

    r = send("GET", base() + QStringLiteral("/subscribers/count"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.object().value(QLatin1String("webhook")).toInt(), 4);
    QCOMPARE(r.json.object().value(QLatin1String("email")).toInt(), 0);

    r = send("POST", base() + QStringLiteral("/subscribers/unsubscribe"),
             R"({"subscribers": ")" + b.toLatin1() + "," + c.toLatin1() +
                 R"(", "type": "webhook", "skip_unsubscription_notification": true})");
    QCOMPARE(r.status, 201);
    QCOMPARE(m_db->store().subscribers.find(b)->state, SubscriberState::Unsubscribed);
    QCOMPARE(m_db->store().subscribers.find(c)->state, SubscriberState::Unsubscribed);
    const QStringList unsubscribed =
        idsIn(send("GET", base() + QStringLiteral("/subscribers/unsubscribed")).json.array());
    QCOMPARE(QSet<QString>(unsubscribed.begin(), unsubscribed.end()), QSet<QString>({b, c}));
    QCOMPARE(
        idsIn(
            send("GET", base() + QStringLiteral("/subscribers/unsubscribed?per_page=1&page=2")).json.array()),
        QStringList{unsubscribed.at(1)});
    QCOMPARE(send("GET", base() + QStringLiteral("/subscribers/count?state=all"))
                 .json.object()
                 .value(QLatin1String("webhook"))
                 .toInt(),
             2);

    // "all" reactivates every quarantined one.
    for (const QString &id : {a, d}) {
        Subscriber s = *m_db->store().subscribers.find(id);
        s.state = SubscriberState::Quarantined;
        m_db->store().subscribers.update(s);
    }
    r = send("POST", base() + QStringLiteral("/subscribers/reactivate"), R"({"subscribers": "all"})");
    QCOMPARE(r.status, 201);
    QCOMPARE(m_db->store().subscribers.find(a)->state, SubscriberState::Active);
    QCOMPARE(m_db->store().subscribers.find(d)->state, SubscriberState::Active);
    // "all" unsubscribes every live one.
    r = send("POST", base() + QStringLiteral("/subscribers/unsubscribe"), R"({"subscribers": "all"})");
    QCOMPARE(r.status, 201);
    QCOMPARE(m_db->store().subscribers.list().size(), size_t(0));
    QCOMPARE(send("GET", base() + QStringLiteral("/subscribers/count"))
                 .json.object()
                 .value(QLatin1String("webhook"))
                 .toInt(),
             0);
}

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
