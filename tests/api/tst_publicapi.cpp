// The public Status API v2 (issue 10, item 3): every /api/v2/*.json path, field for field as a hosted
// Statuspage page serves it, the roll-up the console shows, CORS, and two real clients driven unchanged
// against `statusdesk-cli serve`: the npm `statuspage.io` client and the `@statuspage/status-widget` web
// component (in headless Chromium).
#include "app/api/publicstatusapi.h"
#include "app/api/statuspagehtml.h"
#include "tests/api/publictestsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace sd;
using namespace Qt::Literals::StringLiterals;
using sd::test::PublicReply;

namespace {

QStringList keysOf(const QJsonObject &o)
{
    QStringList k = o.keys();
    k.sort();
    return k;
}

QStringList sorted(QStringList l)
{
    l.sort();
    return l;
}

const QStringList kPageKeys = sorted({u"id"_s, u"name"_s, u"url"_s, u"time_zone"_s, u"updated_at"_s});
const QStringList kComponentKeys = sorted(
    {u"id"_s, u"name"_s, u"status"_s, u"created_at"_s, u"updated_at"_s, u"position"_s, u"description"_s,
     u"showcase"_s, u"start_date"_s, u"group_id"_s, u"page_id"_s, u"group"_s, u"only_show_if_degraded"_s});
const QStringList kIncidentKeys = sorted(
    {u"id"_s, u"name"_s, u"status"_s, u"created_at"_s, u"updated_at"_s, u"monitoring_at"_s, u"resolved_at"_s,
     u"impact"_s, u"shortlink"_s, u"started_at"_s, u"page_id"_s, u"incident_updates"_s, u"components"_s});
const QStringList kUpdateKeys = sorted({u"id"_s, u"status"_s, u"body"_s, u"incident_id"_s, u"created_at"_s,
                                        u"updated_at"_s, u"display_at"_s, u"affected_components"_s,
                                        u"deliver_notifications"_s, u"custom_tweet"_s, u"tweet_id"_s});

QStringList idsOf(const QJsonArray &a)
{
    QStringList ids;
    for (const QJsonValue &v : a)
        ids << v.toObject().value(QLatin1String("id")).toString();
    return ids;
}

QString clientsDir()
{
    return QDir(QStringLiteral(STATUSDESK_TEST_DATA_DIR)).filePath(QStringLiteral("../clients"));
}

} // namespace

class TestPublicApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void summaryFieldForField();
    void lists_data();
    void lists();
    void rollUpAsTheConsole_data();
    void rollUpAsTheConsole();
    void storedComponentFields();
    void corsAndMethods();
    void managementApiStillNeedsKey();
    void unsubscribeLinkStillAnswered();
    void statuspageIoClient();
    void statusWidgetInChromium();

private:
    PublicReply get(const QString &path, const QByteArray &method = "GET",
                    const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return test::httpSend(*m_nam, QUrl(m_server->url()).resolved(QUrl(path)), method, {}, {}, headers);
    }

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<api::ApiServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

void TestPublicApi::init()
{
    m_db = std::make_unique<test::TempDatabase>();
    m_server = std::make_unique<api::ApiServer>(m_db->store());
    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, false, &error), qPrintable(error));
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy);
}

void TestPublicApi::cleanup()
{
    m_nam.reset();
    m_server.reset();
    m_db.reset();
}

void TestPublicApi::summaryFieldForField()
{
    const test::SeededPage s = test::seedPage(m_db->context());
    QVERIFY(!s.activeMaintenance.isEmpty());
    const PublicReply r = get(QStringLiteral("/api/v2/summary.json")); // no Authorization header at all
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("content-type").startsWith("application/json"));
    const QJsonObject o = r.json.object();
    QCOMPARE(keysOf(o),
             sorted({u"page"_s, u"components"_s, u"incidents"_s, u"scheduled_maintenances"_s, u"status"_s}));

    const Page page = m_db->store().page.get();
    const QJsonObject p = o.value(QLatin1String("page")).toObject();
    QCOMPARE(keysOf(p), kPageKeys);
    QCOMPARE(p.value(QLatin1String("id")).toString(), page.id);
    QCOMPARE(p.value(QLatin1String("name")).toString(), page.name);
    QVERIFY(p.value(QLatin1String("updated_at")).isString());

    // Groups are rows of their own with "group": true and their members' ids, as Statuspage lists them.
    const QJsonArray components = o.value(QLatin1String("components")).toArray();
    QCOMPARE(components.size(), 4); // Core, API, Web, Email
    int groups = 0;
    for (const QJsonValue &v : components) {
        const QJsonObject c = v.toObject();
        if (c.value(QLatin1String("group")).toBool()) {
            ++groups;
            QCOMPARE(keysOf(c), sorted(kComponentKeys + QStringList{u"components"_s}));
            QCOMPARE(c.value(QLatin1String("name")).toString(), QStringLiteral("Core"));
            QCOMPARE(c.value(QLatin1String("components")).toArray().size(), 2);
            QCOMPARE(c.value(QLatin1String("status")).toString(), QStringLiteral("partial_outage")); // worst
        } else {
            QCOMPARE(keysOf(c), kComponentKeys);
            QCOMPARE(c.value(QLatin1String("page_id")).toString(), page.id);
            QVERIFY(c.value(QLatin1String("created_at")).isString());
        }
    }
    QCOMPARE(groups, 1);

    const QJsonArray incidents = o.value(QLatin1String("incidents")).toArray();
    QCOMPARE(idsOf(incidents), QStringList{s.openIncident}); // unresolved only
    const QJsonObject incident = incidents.first().toObject();
    QCOMPARE(keysOf(incident), kIncidentKeys);
    QCOMPARE(incident.value(QLatin1String("status")).toString(), QStringLiteral("identified"));
    const QJsonObject update = incident.value(QLatin1String("incident_updates")).toArray().first().toObject();
    QCOMPARE(keysOf(update), kUpdateKeys);
    const QJsonObject affected =
        update.value(QLatin1String("affected_components")).toArray().first().toObject();
    QCOMPARE(keysOf(affected), sorted({u"code"_s, u"name"_s, u"old_status"_s, u"new_status"_s}));
    QCOMPARE(affected.value(QLatin1String("new_status")).toString(), QStringLiteral("partial_outage"));
    QCOMPARE(keysOf(incident.value(QLatin1String("components")).toArray().first().toObject()),
             kComponentKeys);

    const QJsonArray maintenances = o.value(QLatin1String("scheduled_maintenances")).toArray();
    QCOMPARE(sorted(idsOf(maintenances)), sorted({s.upcomingMaintenance, s.activeMaintenance}));
    for (const QJsonValue &v : maintenances) {
        const QJsonObject m = v.toObject();
        QCOMPARE(keysOf(m), sorted(kIncidentKeys + QStringList{u"scheduled_for"_s, u"scheduled_until"_s}));
        QVERIFY(m.value(QLatin1String("scheduled_for")).isString());
        QVERIFY(m.value(QLatin1String("scheduled_until")).isString());
    }

    // The same roll-up as the console's status bar.
    const PageStatus console = m_db->context().currentPageStatus();
    const QJsonObject status = o.value(QLatin1String("status")).toObject();
    QCOMPARE(keysOf(status), sorted({u"indicator"_s, u"description"_s}));
    QCOMPARE(status.value(QLatin1String("indicator")).toString(), console.indicator);
    QCOMPARE(status.value(QLatin1String("description")).toString(), console.description);
}

void TestPublicApi::lists_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QStringList>("expected"); // names of seeded rows, in order
    QTest::newRow("status") << u"/api/v2/status.json"_s << u"status"_s << QStringList{};
    QTest::newRow("components") << u"/api/v2/components.json"_s << u"components"_s
                                << QStringList{u"Core"_s, u"API"_s, u"Web"_s, u"Email"_s};
    QTest::newRow("incidents: realtime, newest first")
        << u"/api/v2/incidents.json"_s << u"incidents"_s << QStringList{u"Database slow"_s, u"Old outage"_s};
    QTest::newRow("incidents/unresolved")
        << u"/api/v2/incidents/unresolved.json"_s << u"incidents"_s << QStringList{u"Database slow"_s};
    QTest::newRow("scheduled-maintenances")
        << u"/api/v2/scheduled-maintenances.json"_s << u"scheduled_maintenances"_s
        << QStringList{u"Upgrade later"_s, u"Upgrade now"_s}; // by scheduled_for, latest first
    QTest::newRow("scheduled-maintenances/upcoming")
        << u"/api/v2/scheduled-maintenances/upcoming.json"_s << u"scheduled_maintenances"_s
        << QStringList{u"Upgrade later"_s};
    QTest::newRow("scheduled-maintenances/active")
        << u"/api/v2/scheduled-maintenances/active.json"_s << u"scheduled_maintenances"_s
        << QStringList{u"Upgrade now"_s};
}

void TestPublicApi::lists()
{
    QFETCH(QString, path);
    QFETCH(QString, key);
    QFETCH(QStringList, expected);
    test::seedPage(m_db->context());
    const PublicReply r = get(path);
    QCOMPARE(r.status, 200);
    const QJsonObject o = r.json.object();
    QCOMPARE(keysOf(o), sorted({u"page"_s, key}));
    QCOMPARE(keysOf(o.value(QLatin1String("page")).toObject()), kPageKeys);
    if (key == QLatin1String("status")) {
        QCOMPARE(o.value(key).toObject().value(QLatin1String("indicator")).toString(),
                 m_db->context().currentPageStatus().indicator);
        return;
    }
    QStringList names;
    for (const QJsonValue &v : o.value(key).toArray())
        names << v.toObject().value(QLatin1String("name")).toString();
    QCOMPARE(names, expected);
    QCOMPARE(get(path.chopped(5)).body, r.body); // without ".json" too
}

void TestPublicApi::rollUpAsTheConsole_data()
{
    QTest::addColumn<QList<int>>("statuses"); // ComponentStatus per component
    QTest::addColumn<int>("incidentImpact");  // -1: none; else the override of one open incident
    QTest::addColumn<QString>("indicator");
    QTest::addColumn<QString>("description");
    using S = ComponentStatus;
    QTest::newRow("all operational") << QList<int>{int(S::Operational), int(S::Operational)} << -1
                                     << u"none"_s << u"All Systems Operational"_s;
    QTest::newRow("one component, major outage")
        << QList<int>{int(S::MajorOutage)} << -1 << u"critical"_s << u"Major System Outage"_s;
    QTest::newRow("several, some major") << QList<int>{int(S::MajorOutage), int(S::Operational)} << -1
                                         << u"major"_s << u"Partial System Outage"_s;
    QTest::newRow("several, all degraded")
        << QList<int>{int(S::DegradedPerformance), int(S::DegradedPerformance)} << -1 << u"minor"_s
        << u"Degraded System Service"_s;
    QTest::newRow("maintenance only") << QList<int>{int(S::UnderMaintenance), int(S::Operational)} << -1
                                      << u"maintenance"_s << u"Service Under Maintenance"_s;
    QTest::newRow("open critical incident raises the page")
        << QList<int>{int(S::Operational), int(S::Operational)} << int(Impact::Critical) << u"critical"_s
        << u"Major System Outage"_s;
}

void TestPublicApi::rollUpAsTheConsole()
{
    QFETCH(QList<int>, statuses);
    QFETCH(int, incidentImpact);
    QFETCH(QString, indicator);
    QFETCH(QString, description);
    ServiceContext ctx = m_db->context();
    for (int i = 0; i < statuses.size(); ++i) {
        NewComponent c;
        c.name = QStringLiteral("C%1").arg(i);
        c.status = static_cast<ComponentStatus>(statuses.at(i));
        QVERIFY(ComponentService(ctx).add(c).ok());
    }
    if (incidentImpact >= 0) {
        NewIncident n;
        n.name = QStringLiteral("Something");
        n.body = QStringLiteral("Looking");
        n.impactOverride = static_cast<Impact>(incidentImpact);
        n.notify = false;
        QVERIFY(IncidentService(ctx).create(n).ok());
    }
    const QJsonObject status =
        get(QStringLiteral("/api/v2/status.json")).json.object().value(QLatin1String("status")).toObject();
    QCOMPARE(status.value(QLatin1String("indicator")).toString(), indicator);
    QCOMPARE(status.value(QLatin1String("description")).toString(), description);
    QCOMPARE(status.value(QLatin1String("indicator")).toString(), ctx.currentPageStatus().indicator);
}

// only_show_if_degraded and start_date come from the store, not constants.
void TestPublicApi::storedComponentFields()
{
    NewComponent c;
    c.name = QStringLiteral("Backup");
    c.onlyShowIfDegraded = true;
    c.startDate = QDate(2024, 3, 1);
    QVERIFY(ComponentService(m_db->context()).add(c).ok());
    const QJsonObject backup = get(QStringLiteral("/api/v2/components.json"))
                                   .json.object()
                                   .value(QLatin1String("components"))
                                   .toArray()
                                   .first()
                                   .toObject();
    QCOMPARE(backup.value(QLatin1String("only_show_if_degraded")).toBool(), true);
    QCOMPARE(backup.value(QLatin1String("start_date")).toString(), QStringLiteral("2024-03-01"));
}

void TestPublicApi::corsAndMethods()
{
    const PublicReply r =
        get(QStringLiteral("/api/v2/summary.json"), "GET", {{"Origin", "https://somewhere.example"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("access-control-allow-origin"), QByteArray("*"));

    // A browser's preflight is answered without a key.
    const PublicReply preflight = get(QStringLiteral("/api/v2/components.json"), "OPTIONS",
                                      {{"Origin", "https://somewhere.example"},
                                       {"Access-Control-Request-Method", "GET"},
                                       {"Access-Control-Request-Headers", "cache-control"}});
    QCOMPARE(preflight.status, 204);
    QCOMPARE(preflight.header("access-control-allow-origin"), QByteArray("*"));
    QVERIFY(preflight.header("access-control-allow-methods").contains("GET"));
    QVERIFY(preflight.header("access-control-allow-headers").toLower().contains("cache-control"));

    const PublicReply post = get(QStringLiteral("/api/v2/summary.json"), "POST");
    QCOMPARE(post.status, 405);
    QCOMPARE(post.header("allow"), QByteArray("GET, HEAD, OPTIONS"));
    QVERIFY(!post.json.object().value(QLatin1String("error")).toString().isEmpty());

    const PublicReply unknown = get(QStringLiteral("/api/v2/nothing.json"));
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.header("access-control-allow-origin"), QByteArray("*"));
}

void TestPublicApi::managementApiStillNeedsKey()
{
    const QString path = QStringLiteral("/v1/pages/%1/components").arg(m_db->store().page.get().id);
    QCOMPARE(get(path).status, 401);
}

void TestPublicApi::unsubscribeLinkStillAnswered()
{
    // The page URL with ?unsubscribe= stays the unsubscribe page; without it, the status page.
    const PublicReply link = get(QStringLiteral("/?unsubscribe=nosuchtoken"));
    QCOMPARE(link.status, 404);
    QVERIFY(link.body.contains("Link not valid"));
    const PublicReply page = get(QStringLiteral("/"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("id=\"indicator\""));
}

// npm statuspage.io 3.3.8 (tests/clients, `npm ci` in scripts/test.sh), unchanged, pointed at serve with its
// own setApiUrl.
void TestPublicApi::statuspageIoClient()
{
    QVERIFY2(QFile::exists(clientsDir() + QStringLiteral("/node_modules/statuspage.io/package.json")),
             "the statuspage.io npm package is missing: run scripts/test.sh (npm ci in tests/clients)");
    const test::SeededPage s = test::seedPage(m_db->context());
    const PageStatus console = m_db->context().currentPageStatus();
    test::ServeProcess serve(m_db->path());
    const QString base = serve.waitForUrl();
    QVERIFY2(!base.isEmpty(), serve.errors().constData());

    QProcess node;
    node.setWorkingDirectory(clientsDir());
    node.start(QStringLiteral("node"), {QStringLiteral("statuspage-io.js"), base});
    QVERIFY2(node.waitForStarted(10000), "node is missing: scripts/install-deps.sh installs it");
    QVERIFY(node.waitForFinished(60000));
    QVERIFY2(node.exitCode() == 0, node.readAllStandardError().constData());
    const QJsonObject out = QJsonDocument::fromJson(node.readAllStandardOutput()).object();
    for (const QString &call : out.keys())
        QVERIFY2(!out.value(call).toObject().contains(QLatin1String("client_error")),
                 qPrintable(call + QStringLiteral(": ") +
                            out.value(call).toObject().value(QLatin1String("client_error")).toString()));

    const QJsonObject summary = out.value(QLatin1String("summary")).toObject();
    QCOMPARE(summary.value(QLatin1String("status")).toObject().value(QLatin1String("indicator")).toString(),
             console.indicator);
    QCOMPARE(summary.value(QLatin1String("status")).toObject().value(QLatin1String("description")).toString(),
             console.description);
    QCOMPARE(summary.value(QLatin1String("page")).toObject().value(QLatin1String("id")).toString(),
             m_db->store().page.get().id);
    QCOMPARE(idsOf(summary.value(QLatin1String("incidents")).toArray()), QStringList{s.openIncident});
    QCOMPARE(out.value(QLatin1String("status"))
                 .toObject()
                 .value(QLatin1String("status"))
                 .toObject()
                 .value(QLatin1String("indicator"))
                 .toString(),
             console.indicator);
    QCOMPARE(
        out.value(QLatin1String("components")).toObject().value(QLatin1String("components")).toArray().size(),
        4);
    QCOMPARE(
        sorted(idsOf(
            out.value(QLatin1String("incidents")).toObject().value(QLatin1String("incidents")).toArray())),
        sorted({s.openIncident, s.resolvedIncident}));
    QCOMPARE(
        idsOf(out.value(QLatin1String("unresolved")).toObject().value(QLatin1String("incidents")).toArray()),
        QStringList{s.openIncident});
    // The client's three maintenance calls all read upcoming.json (its own Endpoints table says so).
    for (const char *call : {"maintenancesAll", "maintenancesUpcoming", "maintenancesActive"})
        QCOMPARE(idsOf(out.value(QLatin1String(call))
                           .toObject()
                           .value(QLatin1String("scheduled_maintenances"))
                           .toArray()),
                 QStringList{s.upcomingMaintenance});
}

// @statuspage/status-widget 1.0.5 as a page embeds it: its own bundle in headless Chromium, on a page of
// another origin (file://), fetching SRC/api/v2/summary.json with its own code.
void TestPublicApi::statusWidgetInChromium()
{
    const QString widgetJs =
        clientsDir() + QStringLiteral("/node_modules/@statuspage/status-widget/dist/index.js");
    QVERIFY2(QFile::exists(widgetJs), "the @statuspage/status-widget npm package is missing: run "
                                      "scripts/test.sh (npm ci in tests/clients)");
    const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    QVERIFY2(!chromium.isEmpty(), "chromium is missing: scripts/install-deps.sh installs it");
    test::seedPage(m_db->context());
    const PageStatus console = m_db->context().currentPageStatus();
    test::ServeProcess serve(m_db->path());
    const QString base = serve.waitForUrl();
    QVERIFY2(!base.isEmpty(), serve.errors().constData());

    QFile templ(clientsDir() + QStringLiteral("/widget-page.html"));
    QVERIFY(templ.open(QIODevice::ReadOnly));
    QString html = QString::fromUtf8(templ.readAll());
    html.replace(QStringLiteral("@SRC@"), base.chopped(1)); // the widget takes the page's origin
    html.replace(QStringLiteral("@WIDGET_JS@"), QUrl::fromLocalFile(widgetJs).toString());
    QTemporaryDir dir;
    QFile page(dir.filePath(QStringLiteral("widget.html")));
    QVERIFY(page.open(QIODevice::WriteOnly));
    page.write(html.toUtf8());
    page.close();

    QProcess browser;
    browser.start(chromium, {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                             QStringLiteral("--disable-gpu"), QStringLiteral("--no-first-run"),
                             QStringLiteral("--user-data-dir=") + dir.filePath(QStringLiteral("profile")),
                             QStringLiteral("--virtual-time-budget=15000"), QStringLiteral("--dump-dom"),
                             QUrl::fromLocalFile(page.fileName()).toString()});
    QVERIFY(browser.waitForStarted(10000));
    QVERIFY(browser.waitForFinished(90000));
    const QString dom = QString::fromUtf8(browser.readAllStandardOutput());
    const QRegularExpression result(QStringLiteral("<pre id=\"result\">([^<]*)</pre>"));
    const QString rendered = result.match(dom).captured(1);
    QVERIFY2(rendered.startsWith(QLatin1String("indicator=")),
             qPrintable(QStringLiteral("the widget rendered nothing: \"%1\"; chromium said: %2")
                            .arg(rendered, QString::fromUtf8(browser.readAllStandardError().right(2000)))));
    QCOMPARE(rendered, QStringLiteral("indicator=%1\ntext=%2").arg(console.indicator, console.description));
}

QTEST_MAIN(TestPublicApi)
#include "tst_publicapi.moc"
