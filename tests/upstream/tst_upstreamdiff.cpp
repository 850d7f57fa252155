#include "app/upstream/pollpolicy.h"
#include "app/upstream/relaypayload.h"
#include "app/upstream/summarydiff.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <functional>

using namespace sd;
using namespace sd::upstream;

Q_DECLARE_METATYPE(std::function<void(QJsonObject &)>)

namespace {

// The documented example bodies (tests/data/statuspage-v2/README.md), as served.
QJsonObject documented(const QString &name)
{
    return QJsonDocument::fromJson(test::fixture(QStringLiteral("statuspage-v2/") + name)).object();
}

QByteArray bytes(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Summary parsed(const QJsonObject &o)
{
    auto s = parseSummary(bytes(o));
    if (!s)
        qFatal("fixture does not parse: %s", qPrintable(s.error()));
    return s.value();
}

// Edits one element (by id) of one of the summary's lists.
void editIn(QJsonObject &summary, const QString &list, const QString &id,
            const std::function<void(QJsonObject &)> &edit)
{
    QJsonArray items = summary.value(list).toArray();
    for (int i = 0; i < items.size(); ++i) {
        QJsonObject item = items.at(i).toObject();
        if (item.value(QLatin1String("id")).toString() == id) {
            edit(item);
            items.replace(i, item);
        }
    }
    summary.insert(list, items);
}

void removeFrom(QJsonObject &summary, const QString &list, const QString &id)
{
    QJsonArray items = summary.value(list).toArray();
    for (int i = items.size() - 1; i >= 0; --i) {
        if (items.at(i).toObject().value(QLatin1String("id")).toString() == id)
            items.removeAt(i);
    }
    summary.insert(list, items);
}

void addUpdate(QJsonObject &incident, const QString &id, const QString &status, const QString &body)
{
    QJsonArray updates = incident.value(QLatin1String("incident_updates")).toArray();
    updates.prepend(
        QJsonObject{{QStringLiteral("id"), id},
                    {QStringLiteral("status"), status},
                    {QStringLiteral("body"), body},
                    {QStringLiteral("incident_id"), incident.value(QLatin1String("id"))},
                    {QStringLiteral("created_at"), QStringLiteral("2014-05-14T15:00:00.000-06:00")},
                    {QStringLiteral("display_at"), QStringLiteral("2014-05-14T15:00:00.000-06:00")},
                    {QStringLiteral("updated_at"), QStringLiteral("2014-05-14T15:00:00.000-06:00")}});
    incident.insert(QStringLiteral("incident_updates"), updates);
    incident.insert(QStringLiteral("status"), status);
}

} // namespace

// The diff that turns two reads of a followed page into events, against the example bodies of Statuspage's
// public API documentation: which changes become events, their keys (one change, one key, however often or by
// whom it is seen) and the Statuspage-shaped bodies relayed for them. Pure: no network, no database.
class TestUpstreamDiff final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheDocumentedExamples()
    {
        const Summary s = parsed(documented(QStringLiteral("summary.json")));
        QCOMPARE(s.pageId, QStringLiteral("y2j98763l56x"));
        QCOMPARE(s.pageName, QStringLiteral("Atlassian Statuspage"));
        QCOMPARE(s.indicator, QStringLiteral("major"));
        QCOMPARE(s.description, QStringLiteral("Partial System Outage"));
        QCOMPARE(s.components.size(), size_t(2));
        QCOMPARE(s.component(QStringLiteral("9397cnvk62zn"))->status, QStringLiteral("major_outage"));
        QCOMPARE(s.incidents.size(), size_t(3));
        QCOMPARE(s.countOpenIncidents(), 1);
        const SummaryIncident *web = s.incident(QStringLiteral("k7mf5z1gz05c"));
        QVERIFY(web && web->maintenance);
        QCOMPARE(web->latestUpdateId(), QStringLiteral("drs62w8df6fs")); // newest first, as served
        QCOMPARE(web->scheduledFor, QDateTime(QDate(2014, 5, 14), QTime(20, 30), Qt::UTC));
        auto incidents = parseIncidentList(test::fixture(QStringLiteral("statuspage-v2/incidents.json")));
        QVERIFY2(incidents, qPrintable(incidents.error()));
        QCOMPARE(incidents->size(), size_t(2));
        QVERIFY(incidents->at(1).isClosed());
        auto maintenances =
            parseIncidentList(test::fixture(QStringLiteral("statuspage-v2/scheduled-maintenances.json")));
        QVERIFY2(maintenances, qPrintable(maintenances.error()));
        QVERIFY(maintenances->at(0).maintenance);
    }

    void notASummary_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("says");
        QTest::newRow("html") << QByteArray("<!doctype html><title>Status</title>")
                              << QStringLiteral("not a JSON object");
        QTest::newRow("array") << QByteArray("[]") << QStringLiteral("not a JSON object");
        QTest::newRow("no page") << QByteArray(R"({"components":[]})")
                                 << QStringLiteral("no \"page\" with an id");
        QTest::newRow("no components")
            << QByteArray(R"({"page":{"id":"abc"}})") << QStringLiteral("no \"components\" list");
        QTest::newRow("component without status")
            << QByteArray(R"({"page":{"id":"abc"},"components":[{"id":"x"}]})")
            << QStringLiteral("a component has no id or status");
        QTest::newRow("incidents not a list")
            << QByteArray(R"({"page":{"id":"abc"},"components":[],"incidents":{}})")
            << QStringLiteral("\"incidents\" is not a list");
    }
    void notASummary()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, says);
        auto s = parseSummary(body);
        QVERIFY(!s);
        QVERIFY2(s.error().contains(says), qPrintable(s.error()));
        QVERIFY2(s.error().startsWith(QLatin1String("the answer is not a Statuspage summary")),
                 qPrintable(s.error()));
    }

    void changes_data()
    {
        using Edit = std::function<void(QJsonObject &)>;
        QTest::addColumn<Edit>("edit");
        QTest::addColumn<QStringList>("kinds");
        QTest::addColumn<QStringList>("texts");
        QTest::newRow("nothing") << Edit([](QJsonObject &) {}) << QStringList() << QStringList();
        QTest::newRow("component recovers") << Edit([](QJsonObject &s) {
            editIn(s, QStringLiteral("components"), QStringLiteral("b13yz5g2cw10"), [](QJsonObject &c) {
                c.insert(QStringLiteral("status"), QStringLiteral("operational"));
                c.insert(QStringLiteral("updated_at"), QStringLiteral("2014-05-14T21:00:00.000Z"));
            });
        }) << QStringList{QStringLiteral("component")}
                                            << QStringList{
                                                   QStringLiteral("API: Partial outage → Operational")};
        QTest::newRow("page status and a component")
            << Edit([](QJsonObject &s) {
                   editIn(s, QStringLiteral("components"), QStringLiteral("9397cnvk62zn"),
                          [](QJsonObject &c) {
                              c.insert(QStringLiteral("status"), QStringLiteral("degraded_performance"));
                          });
                   s.insert(
                       QStringLiteral("status"),
                       QJsonObject{{QStringLiteral("indicator"), QStringLiteral("minor")},
                                   {QStringLiteral("description"), QStringLiteral("Minor Service Outage")}});
               })
            << QStringList{QStringLiteral("page_status"), QStringLiteral("component")}
            << QStringList{QStringLiteral("Page status: Partial System Outage → Minor Service Outage"),
                           QStringLiteral("Management Portal: Major outage → Degraded performance")};
        QTest::newRow("a name or position change is not a change") << Edit([](QJsonObject &s) {
            editIn(s, QStringLiteral("components"), QStringLiteral("b13yz5g2cw10"), [](QJsonObject &c) {
                c.insert(QStringLiteral("name"), QStringLiteral("Public API"));
                c.insert(QStringLiteral("position"), 7);
            });
        }) << QStringList() << QStringList();
        QTest::newRow("incident update")
            << Edit([](QJsonObject &s) {
                   editIn(s, QStringLiteral("incidents"), QStringLiteral("cp306tmzcl0y"), [](QJsonObject &i) {
                       addUpdate(i, QStringLiteral("mn1qz8x3v0aa"), QStringLiteral("monitoring"),
                                 QStringLiteral("A fix is out."));
                   });
               })
            << QStringList{QStringLiteral("incident")}
            << QStringList{QStringLiteral("Unplanned Database Outage — Monitoring: A fix is out.")};
        QTest::newRow("new incident")
            << Edit([](QJsonObject &s) {
                   QJsonObject i = documented(QStringLiteral("incidents.json"))
                                       .value(QLatin1String("incidents"))
                                       .toArray()
                                       .at(1)
                                       .toObject();
                   i.insert(QStringLiteral("id"), QStringLiteral("n3w1nc1d3nt0"));
                   i.insert(QStringLiteral("status"), QStringLiteral("investigating"));
                   QJsonArray list = s.value(QLatin1String("incidents")).toArray();
                   list.prepend(i);
                   s.insert(QStringLiteral("incidents"), list);
               })
            << QStringList{QStringLiteral("incident")}
            << QStringList{QStringLiteral(
                   "New incident: Unplanned Database Outage (Investigating): A small display issue with "
                   "the display of the website was discovered after a recent deploy. The deploy has "
                   "been rolled back and the website…")}; // the update's first 140 characters
        QTest::newRow("maintenance starts")
            << Edit([](QJsonObject &s) {
                   editIn(s, QStringLiteral("scheduled_maintenances"), QStringLiteral("w1zdr745wmfy"),
                          [](QJsonObject &i) {
                              addUpdate(i, QStringLiteral("st4rt3d0000a"), QStringLiteral("in_progress"),
                                        QStringLiteral("Under way."));
                          });
               })
            << QStringList{QStringLiteral("maintenance")}
            << QStringList{QStringLiteral(
                   "Maintenance in progress: Network Maintenance (No Interruption Expected): Under way.")};
        QTest::newRow("maintenance ends, not found in the list")
            << Edit([](QJsonObject &s) {
                   removeFrom(s, QStringLiteral("scheduled_maintenances"), QStringLiteral("k7mf5z1gz05c"));
               })
            << QStringList{QStringLiteral("maintenance")}
            << QStringList{
                   QStringLiteral("Maintenance no longer listed (completed or removed): Web Tier Recycle")};
    }
    void changes()
    {
        using Edit = std::function<void(QJsonObject &)>;
        QFETCH(Edit, edit);
        QFETCH(QStringList, kinds);
        QFETCH(QStringList, texts);
        const QJsonObject before = documented(QStringLiteral("summary.json"));
        QJsonObject after = before;
        edit(after);
        const std::vector<Change> changes = diff(parsed(before), parsed(after), {});
        QStringList gotKinds;
        QStringList gotTexts;
        for (const Change &c : changes) {
            gotKinds << toString(c.kind);
            gotTexts << c.text;
        }
        QCOMPARE(gotKinds, kinds);
        QCOMPARE(gotTexts, texts);
        // The same two reads give the same keys (a second poller, or the same one after a restart, records
        // nothing new), and no two changes of one read share a key.
        const std::vector<Change> again = diff(parsed(before), parsed(after), {});
        QSet<QString> keys;
        for (size_t i = 0; i < changes.size(); ++i) {
            QCOMPARE(again.at(i).eventKey, changes.at(i).eventKey);
            keys.insert(changes.at(i).eventKey);
        }
        QCOMPARE(keys.size(), qsizetype(changes.size()));
    }

    // An incident that leaves the summary was resolved: its final state comes from incidents.json.
    void resolvedIncidentFromTheList()
    {
        QJsonObject before = documented(QStringLiteral("summary.json"));
        QJsonObject after = before;
        removeFrom(after, QStringLiteral("incidents"), QStringLiteral("cp306tmzcl0y"));
        QJsonObject resolved = before.value(QLatin1String("incidents")).toArray().at(0).toObject();
        addUpdate(resolved, QStringLiteral("r3s0lv3d0000"), QStringLiteral("resolved"),
                  QStringLiteral("All clear."));
        QJsonObject list = documented(QStringLiteral("incidents.json"));
        list.insert(QStringLiteral("incidents"), QJsonArray{resolved});
        auto closed = parseIncidentList(bytes(list));
        QVERIFY(closed);
        const std::vector<Change> changes = diff(parsed(before), parsed(after), closed.value());
        QCOMPARE(changes.size(), size_t(1));
        QVERIFY(changes.at(0).kind == UpstreamEvent::Kind::Incident);
        QCOMPARE(changes.at(0).oldValue, QStringLiteral("identified"));
        QCOMPARE(changes.at(0).newValue, QStringLiteral("resolved"));
        QCOMPARE(changes.at(0).eventKey, QStringLiteral("incident:cp306tmzcl0y:r3s0lv3d0000:resolved"));
        QCOMPARE(changes.at(0).subject.value(QLatin1String("incident_updates")).toArray().size(), 2);
        // Without the list (older than its last 50), it is closed as it was last seen, under a key of its
        // own.
        const std::vector<Change> unseen = diff(parsed(before), parsed(after), {});
        QCOMPARE(unseen.size(), size_t(1));
        QCOMPARE(unseen.at(0).eventKey, QStringLiteral("incident:cp306tmzcl0y:gone"));
        QCOMPARE(unseen.at(0).subject.value(QLatin1String("status")).toString(), QStringLiteral("resolved"));
    }

    // A component that changes, changes back and changes again is three changes (its updated_at moves).
    void flappingComponentIsSeveralChanges()
    {
        const QJsonObject a = documented(QStringLiteral("summary.json"));
        QJsonObject b = a;
        editIn(b, QStringLiteral("components"), QStringLiteral("b13yz5g2cw10"), [](QJsonObject &c) {
            c.insert(QStringLiteral("status"), QStringLiteral("operational"));
            c.insert(QStringLiteral("updated_at"), QStringLiteral("2014-05-14T21:00:00.000Z"));
        });
        QJsonObject c = b;
        editIn(c, QStringLiteral("components"), QStringLiteral("b13yz5g2cw10"), [](QJsonObject &x) {
            x.insert(QStringLiteral("status"), QStringLiteral("partial_outage"));
            x.insert(QStringLiteral("updated_at"), QStringLiteral("2014-05-14T21:05:00.000Z"));
        });
        const QString first = diff(parsed(a), parsed(b), {}).at(0).eventKey;
        const QString second = diff(parsed(b), parsed(c), {}).at(0).eventKey;
        QVERIFY(first != second);
        QVERIFY(diff(parsed(a), parsed(c), {}).empty()); // same status as before: nothing (a missed flap)
    }

    void componentRelayIsStatuspageShaped()
    {
        const QJsonObject before = documented(QStringLiteral("summary.json"));
        QJsonObject after = before;
        editIn(after, QStringLiteral("components"), QStringLiteral("b13yz5g2cw10"), [](QJsonObject &c) {
            c.insert(QStringLiteral("status"), QStringLiteral("operational"));
            c.insert(QStringLiteral("updated_at"), QStringLiteral("2014-05-14T21:00:00.000Z"));
        });
        const Summary s = parsed(after);
        const Change change = diff(parsed(before), s, {}).at(0);
        Upstream u;
        u.name = QStringLiteral("Vendor X");
        u.url = QStringLiteral("http://metastatuspage.com");
        const QDateTime at(QDate(2026, 12, 7), QTime(12, 0), Qt::UTC);
        const QJsonObject body = componentRelay(u, s, change, QStringLiteral("ev3nt1d00000"),
                                                QStringLiteral("https://docs.example"), at);
        // The keys of Statuspage's component webhook (the seed sample), plus the upstream's page block and
        // source.
        const QJsonObject sample =
            QJsonDocument::fromJson(test::fixture(QStringLiteral("component-update-example.json"))).object();
        for (const QString &key : sample.keys())
            QVERIFY2(body.contains(key), qPrintable(key));
        for (const QString &key : sample.value(QLatin1String("component_update")).toObject().keys())
            QVERIFY2(body.value(QLatin1String("component_update")).toObject().contains(key), qPrintable(key));
        const QJsonObject page = body.value(QLatin1String("page")).toObject();
        QCOMPARE(page.value(QLatin1String("id")).toString(), QStringLiteral("y2j98763l56x"));
        QCOMPARE(page.value(QLatin1String("name")).toString(), QStringLiteral("Vendor X"));
        QCOMPARE(page.value(QLatin1String("status_indicator")).toString(), QStringLiteral("major"));
        QCOMPARE(body.value(QLatin1String("meta")).toObject().value(QLatin1String("source")).toString(),
                 QStringLiteral("http://metastatuspage.com/api/v2/summary.json"));
        const QJsonObject update = body.value(QLatin1String("component_update")).toObject();
        QCOMPARE(update.value(QLatin1String("id")).toString(), QStringLiteral("ev3nt1d00000"));
        QCOMPARE(update.value(QLatin1String("old_status")).toString(), QStringLiteral("partial_outage"));
        QCOMPARE(update.value(QLatin1String("new_status")).toString(), QStringLiteral("operational"));
        QCOMPARE(update.value(QLatin1String("created_at")).toString(),
                 QStringLiteral("2014-05-14T21:00:00Z"));
        QCOMPARE(body.value(QLatin1String("component")).toObject().value(QLatin1String("name")).toString(),
                 QStringLiteral("API"));
    }

    void incidentRelayCarriesEveryWebhookField()
    {
        const QJsonObject before = documented(QStringLiteral("summary.json"));
        QJsonObject after = before;
        editIn(after, QStringLiteral("incidents"), QStringLiteral("cp306tmzcl0y"), [](QJsonObject &i) {
            addUpdate(i, QStringLiteral("mn1qz8x3v0aa"), QStringLiteral("monitoring"),
                      QStringLiteral("A fix is out."));
        });
        const Summary s = parsed(after);
        Upstream u;
        u.name = QStringLiteral("Vendor X");
        u.url = QStringLiteral("http://metastatuspage.com");
        const QJsonObject body = incidentRelay(u, s, diff(parsed(before), s, {}).at(0), QString(),
                                               QDateTime::currentDateTimeUtc());
        const QJsonObject sample =
            QJsonDocument::fromJson(test::fixture(QStringLiteral("incident-update-example.json"))).object();
        const QJsonObject incident = body.value(QLatin1String("incident")).toObject();
        for (const QString &key : sample.value(QLatin1String("incident")).toObject().keys())
            QVERIFY2(incident.contains(key), qPrintable(key));
        const QJsonObject sampleUpdate = sample.value(QLatin1String("incident"))
                                             .toObject()
                                             .value(QLatin1String("incident_updates"))
                                             .toArray()
                                             .at(0)
                                             .toObject();
        const QJsonArray updates = incident.value(QLatin1String("incident_updates")).toArray();
        QCOMPARE(updates.size(), 2);
        for (const QJsonValue &update : updates) {
            for (const QString &key : sampleUpdate.keys())
                QVERIFY2(update.toObject().contains(key), qPrintable(key));
        }
        QCOMPARE(updates.at(0).toObject().value(QLatin1String("status")).toString(),
                 QStringLiteral("monitoring"));
        QCOMPARE(incident.value(QLatin1String("shortlink")).toString(),
                 QStringLiteral("http://stspg.co:5000/Q0E"));
        QVERIFY(body.value(QLatin1String("meta")).toObject().value(QLatin1String("documentation")).isNull());
        QCOMPARE(body.value(QLatin1String("page")).toObject().value(QLatin1String("name")).toString(),
                 QStringLiteral("Vendor X"));
    }

    void pageUrls_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("stored"); // empty: refused
        QTest::newRow("page") << QStringLiteral("https://status.example.com")
                              << QStringLiteral("https://status.example.com");
        QTest::newRow("trailing slash")
            << QStringLiteral("https://Status.Example.com/") << QStringLiteral("https://status.example.com");
        QTest::newRow("summary url") << QStringLiteral("https://status.example.com/api/v2/summary.json")
                                     << QStringLiteral("https://status.example.com");
        QTest::newRow("api base") << QStringLiteral("http://127.0.0.5:8787/api/v2")
                                  << QStringLiteral("http://127.0.0.5:8787");
        QTest::newRow("default port") << QStringLiteral("https://status.example.com:443/")
                                      << QStringLiteral("https://status.example.com");
        QTest::newRow("sub path") << QStringLiteral("https://example.com/status/")
                                  << QStringLiteral("https://example.com/status");
        QTest::newRow("ftp") << QStringLiteral("ftp://status.example.com") << QString();
        QTest::newRow("credentials") << QStringLiteral("https://u:p@status.example.com") << QString();
        QTest::newRow("query") << QStringLiteral("https://status.example.com/?x=1") << QString();
        QTest::newRow("metadata") << QStringLiteral("http://169.254.169.254/") << QString();
        QTest::newRow("words") << QStringLiteral("status page") << QString();
    }
    void pageUrls()
    {
        QFETCH(QString, typed);
        QFETCH(QString, stored);
        auto url = normalizePageUrl(typed);
        if (stored.isEmpty()) {
            QVERIFY(!url);
            QVERIFY(!url.error().isEmpty());
        } else {
            QVERIFY2(url, qPrintable(url.error()));
            QCOMPARE(url.value(), stored);
        }
    }

    void intervals_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("url");
        QTest::addColumn<qint64>("ms"); // -1: refused
        const QString remote = QStringLiteral("https://status.example.com");
        const QString local = QStringLiteral("http://127.0.0.5:8787");
        QTest::newRow("60s") << QStringLiteral("60s") << remote << qint64(60'000);
        QTest::newRow("5m") << QStringLiteral("5m") << remote << qint64(300'000);
        QTest::newRow("plain seconds") << QStringLiteral("90") << remote << qint64(90'000);
        QTest::newRow("too often") << QStringLiteral("10s") << remote << qint64(-1);
        QTest::newRow("loopback 1s") << QStringLiteral("1s") << local << qint64(1'000);
        QTest::newRow("too rare") << QStringLiteral("2h") << remote << qint64(-1);
        QTest::newRow("garbage") << QStringLiteral("often") << remote << qint64(-1);
    }
    void intervals()
    {
        QFETCH(QString, text);
        QFETCH(QString, url);
        QFETCH(qint64, ms);
        auto parsedInterval = parseInterval(text, url);
        QCOMPARE(parsedInterval.ok() ? parsedInterval.value() : qint64(-1), ms);
    }

    void backoff_data()
    {
        QTest::addColumn<int>("failures");
        QTest::addColumn<qint64>("retryAfter");
        QTest::addColumn<qint64>("delay");
        QTest::newRow("fresh") << 0 << qint64(-1) << qint64(60'000);
        QTest::newRow("one failure") << 1 << qint64(-1) << qint64(120'000);
        QTest::newRow("three") << 3 << qint64(-1) << qint64(480'000);
        QTest::newRow("capped") << 20 << qint64(-1) << kMaxBackoffMs;
        QTest::newRow("retry-after longer") << 1 << qint64(900'000) << qint64(900'000);
        QTest::newRow("retry-after shorter") << 3 << qint64(5'000) << qint64(480'000);
        QTest::newRow("retry-after capped") << 1 << qint64(86'400'000) << kMaxRetryAfterMs;
    }
    void backoff()
    {
        QFETCH(int, failures);
        QFETCH(qint64, retryAfter);
        QFETCH(qint64, delay);
        QCOMPARE(nextDelayMs(60'000, failures, retryAfter), delay);
    }

    void retryAfterHeader()
    {
        const QDateTime now(QDate(2015, 10, 21), QTime(7, 27), Qt::UTC);
        QCOMPARE(parseRetryAfter("120", now), qint64(120'000));
        QCOMPARE(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), qint64(60'000));
        QCOMPARE(parseRetryAfter("", now), qint64(-1));
        QCOMPARE(parseRetryAfter("soon", now), qint64(-1));
    }
};

QTEST_GUILESS_MAIN(TestUpstreamDiff)
#include "tst_upstreamdiff.moc"
