// Contract tests generated from Statuspage's OpenAPI document (tests/api/statuspage-openapi.json): for every
// route the API serves (api::routeTable()) and every method Statuspage documents for it, one real request
// over loopback; the answer's status must be one the spec documents, and its body must match the documented
// response schema ($ref resolved, arrays and nested objects followed): every documented property present with
// its documented type and format (null allowed: the spec says nothing of nullability and Statuspage answers
// null for unset fields). A property the spec adds later fails here until StatusDesk answers it, without a
// new test. Error answers (401, 404) are checked against the spec's ErrorEntity the same way.
#include "app/api/apikeystore.h"
#include "app/api/apiroutetable.h"
#include "app/api/apiserver.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "app/services/templateservice.h"
#include "tests/support/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace sd;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
};

// Where the spec itself is wrong about what Statuspage answers, with the evidence. Kept short on purpose.
const QHash<QString, QString> &specErrata()
{
    static const QHash<QString, QString> errata{
        // Documented as "string"; the Go SDK (yannh/statuspage-go-sdk ComponentGroupFull.Position) decodes an
        // int32, and components' position is an integer.
        {QStringLiteral("GroupComponent.position"), QStringLiteral("integer")},
        // Documented as "boolean", described as "The timestamp when the postmortem was published".
        {QStringLiteral("Incident.postmortem_published_at"), QStringLiteral("string")},
        // Documented as one object with one incident "id", described as "Related incidents" (several): a list
        // of such objects (issue 22). Each item is still checked against the documented object.
        {QStringLiteral("ComponentUptime.related_events"), QStringLiteral("array")},
        {QStringLiteral("ComponentGroupUptime.related_events"), QStringLiteral("array")},
        {QStringLiteral("ComponentGroupUptime.related_events[].incidents"), QStringLiteral("array")},
    };
    return errata;
}

// The ids every request is made against; made fresh before each request, so a DELETE does not starve the
// next.
struct Fixture
{
    QString component;
    QString group;
    QString incident;
    QString update;
    QString subscriber;
    QString incidentTemplate;
    QString incidentSubscriber; // of `incident`
};

} // namespace

class TestContract final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void everyServedRouteIsDocumented();
    void responsesMatchSchemas_data();
    void responsesMatchSchemas();
    void errorsMatchSchemas_data();
    void errorsMatchSchemas();
    void docsTableMatchesRoutes();

private:
    Fixture seed();
    Reply send(const QByteArray &method, const QString &path, const QByteArray &body, bool authorized = true);
    QJsonObject operation(const QString &routePath, const QByteArray &method) const;
    QJsonObject resolve(const QJsonObject &schema) const;
    void check(const QJsonValue &value, const QJsonObject &schema, const QString &where, const QString &name,
               QStringList *problems) const;
    void checkAnswer(const QJsonObject &op, const Reply &r, const QString &what);

    QJsonObject m_spec;
    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<api::ApiServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QString m_key;
    int m_seeds = 0;
};

namespace {

// "/v1/pages/{page_id}/incidents/{id}" and "/pages/{page_id}/incidents/{incident_id}" -> one key.
QString normalized(QString path)
{
    if (path.startsWith(QLatin1String("/v1/")))
        path = path.mid(3);
    static const QRegularExpression param(QStringLiteral("\\{[^}]*\\}"));
    return path.replace(param, QStringLiteral("{}"));
}

// Request bodies for the methods that take one, keyed by "METHOD normalized-path". A route without a row
// fails everyServedRouteIsDocumented, so a new route gets a contract case.
QHash<QString, QByteArray> requestBodies()
{
    return {
        {QStringLiteral("PATCH /pages/{}"), R"({"page": {"name": "Contract page"}})"},
        {QStringLiteral("PUT /pages/{}"), R"({"page": {"time_zone": "Europe/Berlin"}})"},
        {QStringLiteral("POST /pages/{}/subscribers"),
         R"({"subscriber": {"endpoint": "https://example.com/contract-SEED", "email": "c@example.com"}})"},
        {QStringLiteral("PATCH /pages/{}/subscribers/{}"), R"({"component_ids": ["COMPONENT"]})"},
        {QStringLiteral("POST /pages/{}/subscribers/unsubscribe"), R"({"subscribers": "SUBSCRIBER"})"},
        {QStringLiteral("POST /pages/{}/subscribers/reactivate"), R"({"subscribers": "SUBSCRIBER"})"},
        {QStringLiteral("POST /pages/{}/components"),
         R"({"component": {"name": "New SEED", "start_date": "2024-01-02"}})"},
        {QStringLiteral("PATCH /pages/{}/components/{}"), R"({"component": {"status": "partial_outage"}})"},
        {QStringLiteral("PUT /pages/{}/components/{}"), R"({"component": {"description": "put"}})"},
        {QStringLiteral("POST /pages/{}/component-groups"),
         R"({"description": "d", "component_group": {"name": "New group SEED", "components": ["COMPONENT"]}})"},
        {QStringLiteral("PATCH /pages/{}/component-groups/{}"),
         R"({"component_group": {"name": "Renamed SEED"}})"},
        {QStringLiteral("PUT /pages/{}/component-groups/{}"), R"({"description": "put"})"},
        {QStringLiteral("POST /pages/{}/incidents"),
         R"({"incident": {"name": "Contract incident", "components": {"COMPONENT": "major_outage"}}})"},
        {QStringLiteral("PATCH /pages/{}/incidents/{}"),
         R"({"incident": {"status": "identified", "body": "b"}})"},
        {QStringLiteral("PUT /pages/{}/incidents/{}"), R"({"incident": {"name": "Put name"}})"},
        {QStringLiteral("PATCH /pages/{}/incidents/{}/incident_updates/{}"),
         R"({"incident_update": {"body": "corrected"}})"},
        {QStringLiteral("PUT /pages/{}/incidents/{}/incident_updates/{}"),
         R"({"incident_update": {"display_at": "2024-05-01T12:00:00Z"}})"},
        {QStringLiteral("PUT /pages/{}/incidents/{}/postmortem"),
         R"({"postmortem": {"body_draft": "draft"}})"},
        {QStringLiteral("PUT /pages/{}/incidents/{}/postmortem/publish"),
         R"({"postmortem": {"notify_subscribers": false}})"},
        {QStringLiteral("PUT /pages/{}/incidents/{}/postmortem/revert"), QByteArray()},
        {QStringLiteral("POST /pages/{}/incident_templates"),
         R"({"template": {"name": "Template SEED", "title": "t", "body": "b", "component_ids": ["COMPONENT"]}})"},
        {QStringLiteral("POST /pages/{}/incidents/{}/subscribers"),
         R"({"subscriber": {"endpoint": "https://example.com/incident-sub-SEED", "email": "i@example.com"}})"},
    };
}

} // namespace

void TestContract::initTestCase()
{
    const QString path = QFINDTESTDATA("statuspage-openapi.json");
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    QJsonParseError error;
    m_spec = QJsonDocument::fromJson(f.readAll(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(m_spec.value(QLatin1String("paths")).toObject().size() > 10);
}

void TestContract::init()
{
    m_db = std::make_unique<test::TempDatabase>();
    m_server = std::make_unique<api::ApiServer>(m_db->store());
    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, false, &error), qPrintable(error));
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy);
    auto created = api::ApiKeyStore(m_db->store().db()).create(QStringLiteral("contract"));
    QVERIFY(created.ok());
    m_key = created->secret;
}

void TestContract::cleanup()
{
    m_nam.reset();
    m_server.reset();
    m_db.reset();
}

Fixture TestContract::seed()
{
    const int n = ++m_seeds;
    Fixture f;
    ComponentService components(m_db->context());
    NewComponent c;
    c.name = QStringLiteral("Grouped %1").arg(n);
    c.group = QStringLiteral("Group %1").arg(n);
    c.startDate = QDate(2023, 1, 2);
    f.component = components.add(c)->id;
    f.group = m_db->store().components.find(f.component)->groupId;
    NewIncident i;
    i.name = QStringLiteral("Incident %1").arg(n);
    i.body = QStringLiteral("Looking");
    i.components = {{f.component, ComponentStatus::DegradedPerformance}};
    auto created = IncidentService(m_db->context()).create(i);
    f.incident = created->incident.id;
    f.update = created->incident.updates.front().id;
    IncidentService(m_db->context())
        .setPostmortem(f.incident, PostmortemInput{QStringLiteral("Draft"), false});
    NewIncident m;
    m.name = QStringLiteral("Maintenance %1").arg(n);
    m.body = QStringLiteral("Planned");
    m.status = IncidentStatus::Scheduled;
    m.scheduledFor = QDateTime::currentDateTimeUtc().addDays(1);
    m.scheduledUntil = m.scheduledFor.addSecs(3600);
    IncidentService(m_db->context()).create(m);
    NewIncident active = m;
    active.name = QStringLiteral("Migration %1").arg(n);
    active.status = IncidentStatus::InProgress;
    active.scheduledFor = QDateTime::currentDateTimeUtc().addSecs(-60);
    active.scheduledUntil = active.scheduledFor.addSecs(3600);
    IncidentService(m_db->context()).create(active);
    NewSubscriber s;
    s.endpoint = QStringLiteral("https://example.com/hook-%1").arg(n);
    s.email = QStringLiteral("ops@example.com");
    s.componentIds = {f.component};
    f.subscriber = SubscriberService(m_db->context()).add(s)->id;
    TemplateInput t;
    t.name = QStringLiteral("Seeded template %1").arg(n);
    t.title = QStringLiteral("Elevated errors");
    t.body = QStringLiteral("We are investigating.");
    t.components = std::vector<TemplateComponent>{{f.component, ComponentStatus::PartialOutage}};
    f.incidentTemplate = TemplateService(m_db->context()).add(t)->id;
    NewSubscriber forIncident;
    forIncident.endpoint = QStringLiteral("https://example.com/incident-%1").arg(n);
    forIncident.email = QStringLiteral("ops@example.com");
    forIncident.incidentId = f.incident;
    f.incidentSubscriber = SubscriberService(m_db->context()).add(forIncident)->id;
    NewSubscriber gone = s;
    gone.endpoint = QStringLiteral("https://example.com/gone-%1").arg(n);
    const QString goneId = SubscriberService(m_db->context()).add(gone)->id;
    SubscriberService(m_db->context()).remove(goneId);
    return f;
}

Reply TestContract::send(const QByteArray &method, const QString &path, const QByteArray &body,
                         bool authorized)
{
    QNetworkRequest request(QUrl(m_server->url()).resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", authorized ? QByteArrayLiteral("OAuth ") + m_key.toLatin1()
                                                     : QByteArrayLiteral("OAuth not-a-key"));
    QNetworkReply *reply = m_nam->sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Reply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    reply->deleteLater();
    return out;
}

QJsonObject TestContract::operation(const QString &routePath, const QByteArray &method) const
{
    const QJsonObject paths = m_spec.value(QLatin1String("paths")).toObject();
    const QString key = normalized(routePath);
    for (auto it = paths.begin(); it != paths.end(); ++it) {
        if (normalized(it.key()) == key)
            return it.value().toObject().value(QString::fromLatin1(method.toLower())).toObject();
    }
    return {};
}

QJsonObject TestContract::resolve(const QJsonObject &schema) const
{
    const QString ref = schema.value(QLatin1String("$ref")).toString();
    if (ref.isEmpty())
        return schema;
    QJsonValue node = m_spec;
    const QStringList parts = ref.mid(2).split(QLatin1Char('/')); // "#/components/schemas/X"
    for (const QString &p : parts)
        node = node.toObject().value(p);
    return resolve(node.toObject());
}

void TestContract::check(const QJsonValue &value, const QJsonObject &rawSchema, const QString &where,
                         const QString &name, QStringList *problems) const
{
    const QJsonObject schema = resolve(rawSchema);
    const QString refName = rawSchema.value(QLatin1String("$ref")).toString().section(QLatin1Char('/'), -1);
    if (value.isNull() || value.isUndefined())
        return; // presence is checked by the caller; null is "not set"
    QString type = schema.value(QLatin1String("type")).toString().toLower();
    if (const QString fix = specErrata().value(name); !fix.isEmpty())
        type = fix;
    if (type.isEmpty() && schema.contains(QLatin1String("properties")))
        type = QStringLiteral("object");
    // A property documented as "string" whose own example is a list (Subscriber.components,
    // GroupComponent.components) is a list in the example and in every client.
    if (type == QLatin1String("string") && schema.value(QLatin1String("example")).isArray())
        type = QStringLiteral("array");
    auto fail = [&](const QString &why) { problems->append(QStringLiteral("%1: %2").arg(where, why)); };
    if (type == QLatin1String("string")) {
        if (!value.isString())
            return fail(
                QStringLiteral("documented as a string, answered %1")
                    .arg(QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))));
        const QString format = schema.value(QLatin1String("format")).toString();
        if (format == QLatin1String("date-time") &&
            !QDateTime::fromString(value.toString(), Qt::ISODateWithMs).isValid())
            fail(QStringLiteral("\"%1\" is not a date-time").arg(value.toString()));
        if (format == QLatin1String("date") && !QDate::fromString(value.toString(), Qt::ISODate).isValid())
            fail(QStringLiteral("\"%1\" is not a date").arg(value.toString()));
        const QJsonArray allowed = schema.value(QLatin1String("enum")).toArray();
        if (!allowed.isEmpty() && !allowed.contains(value))
            fail(QStringLiteral("\"%1\" is not one of the documented values").arg(value.toString()));
    } else if (type == QLatin1String("integer")) {
        if (!value.isDouble() || value.toDouble() != double(qint64(value.toDouble())))
            fail(QStringLiteral("documented as an integer"));
    } else if (type == QLatin1String("number")) {
        if (!value.isDouble())
            fail(QStringLiteral("documented as a number"));
    } else if (type == QLatin1String("boolean")) {
        if (!value.isBool())
            fail(QStringLiteral("documented as a boolean"));
    } else if (type == QLatin1String("array")) {
        if (!value.isArray())
            return fail(QStringLiteral("documented as an array"));
        QJsonObject items = schema.value(QLatin1String("items")).toObject();
        if (items.isEmpty() && schema.contains(QLatin1String("properties"))) { // an erratum's list of objects
            items = schema;
            items.insert(QStringLiteral("type"), QStringLiteral("object"));
        }
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            check(array.at(i), items, QStringLiteral("%1[%2]").arg(where).arg(i),
                  items.contains(QLatin1String("$ref"))
                      ? items.value(QLatin1String("$ref")).toString().section(QLatin1Char('/'), -1)
                      : name + QStringLiteral("[]"),
                  problems);
    } else if (type == QLatin1String("object")) {
        if (!value.isObject())
            return fail(QStringLiteral("documented as an object"));
        const QJsonObject o = value.toObject();
        const QString owner = refName.isEmpty() ? name : refName;
        const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
        // Every documented property is answered (the spec marks none required, and clients read them all).
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            if (!o.contains(it.key())) {
                fail(QStringLiteral("documented property \"%1\" is missing").arg(it.key()));
                continue;
            }
            check(o.value(it.key()), it.value().toObject(), where + QLatin1Char('.') + it.key(),
                  owner + QLatin1Char('.') + it.key(), problems);
        }
        const QJsonArray required = schema.value(QLatin1String("required")).toArray();
        for (const QJsonValue &r : required) {
            if (o.value(r.toString()).isNull() || o.value(r.toString()).isUndefined())
                fail(QStringLiteral("required property \"%1\" is missing or null").arg(r.toString()));
        }
    }
}

void TestContract::checkAnswer(const QJsonObject &op, const Reply &r, const QString &what)
{
    const QJsonObject responses = op.value(QLatin1String("responses")).toObject();
    QVERIFY2(responses.contains(QString::number(r.status)),
             qPrintable(
                 QStringLiteral("%1 answered %2, which the spec does not document (%3): %4")
                     .arg(what)
                     .arg(r.status)
                     .arg(responses.keys().join(QStringLiteral(", ")), QString::fromUtf8(r.body.left(300)))));
    const QJsonObject documented = responses.value(QString::number(r.status)).toObject();
    const QJsonObject schema = documented.value(QLatin1String("content"))
                                   .toObject()
                                   .value(QLatin1String("application/json"))
                                   .toObject()
                                   .value(QLatin1String("schema"))
                                   .toObject();
    if (schema.isEmpty()) {
        if (r.status == 204)
            QVERIFY2(r.body.isEmpty(), qPrintable(what + QStringLiteral(": 204 with a body")));
        return; // documented without a body shape (e.g. bulk unsubscribe's 201)
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(what + QStringLiteral(": not JSON")));
    const QJsonValue body = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    if (schema.value(QLatin1String("type")).toString() == QLatin1String("array"))
        QVERIFY2(!body.toArray().isEmpty(),
                 qPrintable(what + QStringLiteral(": an empty list proves nothing")));
    QStringList problems;
    check(body, schema, what, QString(), &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

void TestContract::everyServedRouteIsDocumented()
{
    const auto bodies = requestBodies();
    for (const api::RouteInfo &route : api::routeTable()) {
        for (const QByteArray &method : route.methods) {
            const QJsonObject op = operation(route.path, method);
            QVERIFY2(!op.isEmpty(),
                     qPrintable(QStringLiteral("%1 %2 is served but Statuspage does not document it")
                                    .arg(QString::fromLatin1(method), route.path)));
            if (method != "GET" && method != "DELETE" && op.contains(QLatin1String("requestBody")))
                QVERIFY2(
                    bodies.contains(QString::fromLatin1(method) + QLatin1Char(' ') + normalized(route.path)),
                    qPrintable(QStringLiteral("no contract request for %1 %2")
                                   .arg(QString::fromLatin1(method), route.path)));
        }
    }
}

void TestContract::responsesMatchSchemas_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("route");
    for (const api::RouteInfo &route : api::routeTable()) {
        for (const QByteArray &method : route.methods) {
            const QString name = QString::fromLatin1(method) + QLatin1Char(' ') + route.path;
            QTest::newRow(qPrintable(name)) << method << route.path;
        }
    }
}

namespace {

QString concrete(QString path, const QString &pageId, const Fixture &f, const QString &kind)
{
    path.replace(QLatin1String("{page_id}"), pageId)
        .replace(QLatin1String("{update_id}"), f.update)
        .replace(QLatin1String("{subscriber_id}"), f.incidentSubscriber);
    const QString id = kind == QLatin1String("subscribers")          ? f.subscriber
                       : kind == QLatin1String("components")         ? f.component
                       : kind == QLatin1String("component-groups")   ? f.group
                       : kind == QLatin1String("incident_templates") ? f.incidentTemplate
                                                                     : f.incident;
    return path.replace(QLatin1String("{id}"), id);
}

QString kindOf(const QString &route)
{
    return route.section(QLatin1Char('/'), 4, 4); // /v1/pages/{page_id}/<kind>/...
}

} // namespace

void TestContract::responsesMatchSchemas()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, route);
    const Fixture f = seed();
    if (route.endsWith(QLatin1String("/reactivate"))) { // something to reactivate
        Subscriber s = *m_db->store().subscribers.find(f.subscriber);
        s.state = SubscriberState::Quarantined;
        m_db->store().subscribers.update(s);
    }
    if (route.endsWith(QLatin1String("/postmortem/revert")))
        QVERIFY(IncidentService(m_db->context()).postmortem(f.incident, PostmortemAction::Publish).ok());
    const QString pageId = m_db->store().page.get().id;
    const QString path = concrete(route, pageId, f, kindOf(route));
    QByteArray body =
        requestBodies().value(QString::fromLatin1(method) + QLatin1Char(' ') + normalized(route));
    body.replace("COMPONENT", f.component.toLatin1())
        .replace("SUBSCRIBER", f.subscriber.toLatin1())
        .replace("SEED", QByteArray::number(m_seeds));
    const QJsonObject op = operation(route, method);
    QVERIFY(!op.isEmpty());
    const Reply r = send(method, path, body);
    QVERIFY2(r.status >= 200 && r.status < 300, qPrintable(QStringLiteral("%1 %2 -> %3 %4")
                                                               .arg(QString::fromLatin1(method), path)
                                                               .arg(r.status)
                                                               .arg(QString::fromUtf8(r.body.left(400)))));
    checkAnswer(op, r, QString::fromLatin1(method) + QLatin1Char(' ') + route);
}

void TestContract::errorsMatchSchemas_data()
{
    responsesMatchSchemas_data();
}

void TestContract::errorsMatchSchemas()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, route);
    const Fixture f = seed();
    const QString pageId = m_db->store().page.get().id;
    const QJsonObject op = operation(route, method);
    const QJsonObject responses = op.value(QLatin1String("responses")).toObject();
    const QString what = QString::fromLatin1(method) + QLatin1Char(' ') + route;
    // Without a valid key: 401, where the spec documents it.
    if (responses.contains(QLatin1String("401"))) {
        const Reply r = send(method, concrete(route, pageId, f, kindOf(route)), {}, false);
        QCOMPARE(r.status, 401);
        checkAnswer(op, r, what + QStringLiteral(" (no key)"));
    }
    // An unknown id in the path: 404, where the spec documents it.
    if (route.contains(QLatin1String("{id}")) && responses.contains(QLatin1String("404"))) {
        QString path = route;
        path.replace(QLatin1String("{page_id}"), pageId)
            .replace(QLatin1String("{id}"), QStringLiteral("nosuchid0000"))
            .replace(QLatin1String("{update_id}"), f.update);
        const Reply r = send(method, path, "{}");
        QCOMPARE(r.status, 404);
        checkAnswer(op, r, what + QStringLiteral(" (unknown id)"));
    }
}

void TestContract::docsTableMatchesRoutes()
{
    // docs/api.md's compatibility table lists exactly what is served, and says which methods Statuspage
    // documents: a route added, removed or renamed without the table fails here.
    const QString path = QFINDTESTDATA("../../docs/api.md");
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    const QString text = QString::fromUtf8(f.readAll());
    const qsizetype begin = text.indexOf(QLatin1String("<!-- compatibility table"));
    const qsizetype end = text.indexOf(QLatin1String("<!-- end of compatibility table -->"));
    QVERIFY(begin > 0 && end > begin);
    static const QRegularExpression row(
        QStringLiteral("^\\| `([A-Z]+) (/v1/[^`]*)` \\| ([^|]+) \\| ([^|]+) \\|$"),
        QRegularExpression::MultilineOption);
    QHash<QString, QString> served; // "GET /v1/..." -> the Statuspage column
    QSet<QString> notServed;
    auto it = row.globalMatch(text.mid(begin, end - begin));
    while (it.hasNext()) {
        const auto m = it.next();
        const QString key = m.captured(1) + QLatin1Char(' ') + m.captured(2);
        const QString ours = m.captured(4).trimmed();
        QVERIFY2(!served.contains(key) && !notServed.contains(key),
                 qPrintable(key + QStringLiteral(" listed twice")));
        if (ours.startsWith(QLatin1String("served")))
            served.insert(key, m.captured(3).trimmed());
        else if (ours.startsWith(QLatin1String("not served")))
            notServed.insert(key);
        else
            QFAIL(qPrintable(
                key + QStringLiteral(": the StatusDesk column starts with \"served\" or \"not served\"")));
    }
    QVERIFY(served.size() > 20);
    QSet<QString> routes;
    for (const api::RouteInfo &route : api::routeTable()) {
        for (const QByteArray &m : route.methods + route.extraMethods) {
            const QString key = QString::fromLatin1(m) + QLatin1Char(' ') + route.path;
            routes.insert(key);
            QVERIFY2(served.contains(key),
                     qPrintable(key + QStringLiteral(" is served but not in docs/api.md's table")));
            const bool documented = route.methods.contains(m);
            QCOMPARE(served.value(key),
                     documented ? QStringLiteral("documented") : QStringLiteral("not documented"));
            if (documented) // and the spec agrees
                QVERIFY2(!operation(route.path, m).isEmpty(), qPrintable(key));
        }
    }
    for (auto s = served.begin(); s != served.end(); ++s)
        QVERIFY2(routes.contains(s.key()),
                 qPrintable(s.key() + QStringLiteral(" is in the table but not served")));
    for (const QString &key : std::as_const(notServed)) {
        const QString method = key.section(QLatin1Char(' '), 0, 0);
        const QString p = key.section(QLatin1Char(' '), 1);
        const api::RouteMatch match = api::matchRoute(method.toLatin1(), p, QStringLiteral("{page_id}"));
        // Matching a route only as its {id} (subscribers/histogram_by_state as a subscriber id: a 404) is not
        // serving it.
        bool servedHere = false;
        for (const api::RouteInfo &route : api::routeTable())
            servedHere =
                servedHere || (match.outcome == api::RouteMatch::Outcome::Found &&
                               route.path == match.pattern && normalized(route.path) == normalized(p));
        QVERIFY2(!servedHere, qPrintable(key + QStringLiteral(" is marked not served but is")));
    }
}

QTEST_GUILESS_MAIN(TestContract)
#include "tst_contract.moc"
