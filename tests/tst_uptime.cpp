// Component status history and uptime (issue 22 item 2): a component driven through a known timeline with
// the clock injected; the figures and the page's days checked against values worked out by hand.
#include "app/api/apihandlers.h"
#include "app/api/apikeystore.h"
#include "app/api/publicstatusapi.h"
#include "app/api/statuspagehtml.h"
#include "app/formats/uptimeviews.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/pageservice.h"
#include "app/services/uptimereport.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sd;

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

// The timeline every test here uses, on a page in Europe/Berlin (UTC+1 in March before the 29th):
//   08:00Z created operational; 10:00Z partial_outage; 10:30Z major_outage; 10:40Z operational;
//   14:00Z-15:00Z a maintenance (in_progress, component under_maintenance, then completed, operational).
struct Timeline
{
    test::TempDatabase db;
    QDateTime now = utc("2026-03-10T08:00:00Z");
    QString component;
    QString maintenance;

    ServiceContext ctx()
    {
        return ServiceContext{db.store(), [this]() { return now; }, QStringLiteral("tester")};
    }

    Timeline()
    {
        PageService(ctx()).update(
            {std::nullopt, std::nullopt, std::nullopt, QStringLiteral("Europe/Berlin")});
        NewComponent c;
        c.name = QStringLiteral("API");
        component = ComponentService(ctx()).add(c)->id;
        set("2026-03-10T10:00:00Z", ComponentStatus::PartialOutage);
        set("2026-03-10T10:30:00Z", ComponentStatus::MajorOutage);
        set("2026-03-10T10:40:00Z", ComponentStatus::Operational);
        now = utc("2026-03-10T14:00:00Z");
        NewIncident m;
        m.name = QStringLiteral("Database upgrade");
        m.body = QStringLiteral("Under way");
        m.status = IncidentStatus::InProgress;
        m.scheduledFor = now;
        m.scheduledUntil = now.addSecs(3600);
        m.components = {{component, ComponentStatus::UnderMaintenance}};
        maintenance = IncidentService(ctx()).create(m)->incident.id;
        now = utc("2026-03-10T15:00:00Z");
        IncidentUpdateInput done;
        done.status = IncidentStatus::Completed;
        done.body = QStringLiteral("Done");
        done.components = {{component, ComponentStatus::Operational}};
        IncidentService(ctx()).update(maintenance, done);
        now = utc("2026-03-11T12:00:00Z");
    }

    void set(const char *at, ComponentStatus s)
    {
        now = utc(at);
        ComponentPatch p;
        p.status = s;
        QVERIFY(ComponentService(ctx()).update(component, p).ok());
    }
};

} // namespace

class TestUptime final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void figuresOfTheTimeline()
    {
        Timeline t;
        UptimeReporter reporter(t.db.store(), [&]() { return t.now; });
        auto r = reporter.component(t.component, QStringLiteral("2026-03-10"), QStringLiteral("2026-03-11"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        QCOMPARE(r->rangeStart, QDate(2026, 3, 10));
        QCOMPARE(r->rangeEnd, QDate(2026, 3, 11));
        QCOMPARE(r->figures.partialOutageSeconds, 1800);
        QCOMPARE(r->figures.majorOutageSeconds, 600);
        QCOMPARE(r->figures.maintenanceSeconds, 3600);
        QCOMPARE(r->figures.degradedSeconds, 0);
        // Counted from creation (08:00Z) to now (the next day 12:00Z): 28 h.
        QCOMPARE(r->figures.countedSeconds, 28 * 3600);
        // Downtime 600 + 0.3 × 1800 = 1140 s; the maintenance hour is not downtime.
        QCOMPARE(r->figures.downtimeSeconds(), 1140.0);
        const QJsonObject o = json::uptimeReport(r.value(), false);
        QCOMPARE(o.value(QLatin1String("uptime_percentage")).toDouble(), 98.87); // 100 × (1 − 1140 / 100800)
        QCOMPARE(o.value(QLatin1String("major_outage")).toInt(), 600);
        QCOMPARE(o.value(QLatin1String("partial_outage")).toInt(), 1800);
        QCOMPARE(o.value(QLatin1String("range_start")).toString(), QStringLiteral("2026-03-10"));
        QVERIFY(o.value(QLatin1String("warnings")).toArray().isEmpty());
        const QJsonArray related = o.value(QLatin1String("related_events")).toArray();
        QCOMPARE(related.size(), 1);
        QCOMPARE(related.at(0).toObject().value(QLatin1String("id")).toString(), t.maintenance);
    }

    // The same figures through the API (GET .../components/{id}/uptime), the clock the timeline's.
    void apiFigures()
    {
        Timeline t;
        const QString key = api::ApiKeyStore(t.db.store().db()).create(QStringLiteral("uptime"))->secret;
        api::ApiHandlers handlers(t.ctx());
        const QString base = QStringLiteral("/v1/pages/%1").arg(t.db.store().page.get().id);
        auto get = [&](const QString &path, const QString &query) {
            api::ApiRequest r;
            r.method = "GET";
            r.path = base + path;
            r.query = QUrlQuery(query);
            r.authorization = "OAuth " + key.toLatin1();
            return handlers.handle(r);
        };
        const api::ApiResponse r = get(QStringLiteral("/components/%1/uptime").arg(t.component),
                                       QStringLiteral("start=2026-03-10&end=2026-03-12"));
        QCOMPARE(r.status, 200);
        const QJsonObject o = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(o.value(QLatin1String("uptime_percentage")).toDouble(), 98.87);
        QCOMPARE(o.value(QLatin1String("major_outage")).toInt(), 600);
        QCOMPARE(o.value(QLatin1String("partial_outage")).toInt(), 1800);
        QCOMPARE(o.value(QLatin1String("range_end")).toString(), QStringLiteral("2026-03-11"));
        QVERIFY(o.value(QLatin1String("warnings"))
                    .toArray()
                    .at(0)
                    .toString()
                    .startsWith(QLatin1String("End date was adjusted")));
        const QString group = t.db.store().components.find(t.component)->groupId;
        QVERIFY(group.isEmpty()); // ungrouped: the group route answers 404 for an unknown id
        QCOMPARE(get(QStringLiteral("/component-groups/nosuchgroup0/uptime"), QString()).status, 404);
        QCOMPARE(
            get(QStringLiteral("/components/%1/uptime").arg(t.component), QStringLiteral("start=last-week"))
                .status,
            400);
        QCOMPARE(get(QStringLiteral("/components/%1/uptime").arg(t.component),
                     QStringLiteral("start=2025-01-01&end=2026-03-01"))
                     .status,
                 422);
    }

    void rangeRules_data()
    {
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("end");
        QTest::addColumn<QDate>("rangeStart"); // invalid: refused
        QTest::addColumn<QDate>("rangeEnd");
        QTest::addColumn<QString>("message"); // warning, or the refusal's words
        QTest::newRow("defaults: from creation, to today")
            << ""
            << "" << QDate(2026, 3, 10) << QDate(2026, 3, 11) << "";
        QTest::newRow("future end adjusted")
            << "2026-03-10"
            << "2026-03-20" << QDate(2026, 3, 10) << QDate(2026, 3, 11) << "End date was adjusted to today";
        QTest::newRow("year and month")
            << "2026-03"
            << "2026" << QDate(2026, 3, 10) << QDate(2026, 3, 11) << "Start date was adjusted";
        QTest::newRow("not a date") << "yesterday"
                                    << "" << QDate() << QDate() << "is not a date";
        QTest::newRow("more than six months")
            << "2025-01-01"
            << "2026-03-01" << QDate() << QDate() << "longer than six calendar months";
        QTest::newRow("start after end") << "2026-03-11"
                                         << "2026-03-10" << QDate() << QDate() << "is after";
        QTest::newRow("before 1970") << "1969-12-01"
                                     << "1970-01-02" << QDate() << QDate() << "1970-01-01";
    }

    void rangeRules()
    {
        QFETCH(QString, start);
        QFETCH(QString, end);
        QFETCH(QDate, rangeStart);
        QFETCH(QDate, rangeEnd);
        QFETCH(QString, message);
        Timeline t;
        auto r = UptimeReporter(t.db.store(), [&]() { return t.now; }).component(t.component, start, end);
        if (!rangeStart.isValid()) {
            QVERIFY(!r.ok());
            QVERIFY2(r.error().contains(message), qPrintable(r.error()));
            return;
        }
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        QCOMPARE(r->rangeStart, rangeStart);
        QCOMPARE(r->rangeEnd, rangeEnd);
        if (message.isEmpty())
            QVERIFY(r->warnings.isEmpty());
        else
            QVERIFY2(r->warnings.join(QLatin1Char(' ')).contains(message),
                     qPrintable(r->warnings.join(QLatin1Char(' '))));
    }

    // The 90-day strip: a day's worst status and its minutes, in the page's days.
    void daysOfTheStrip()
    {
        Timeline t;
        UptimeReporter reporter(t.db.store(), [&]() { return t.now; });
        const auto days = reporter.componentDays(*t.db.store().components.find(t.component));
        QCOMPARE(int(days.size()), 90);
        QCOMPARE(days.back().date, QDate(2026, 3, 11));
        const uptime::Day &incidentDay = days.at(88);
        QCOMPARE(incidentDay.date, QDate(2026, 3, 10));
        QVERIFY(incidentDay.hasData);
        QCOMPARE(incidentDay.figures.worst, ComponentStatus::MajorOutage);
        QCOMPARE(incidentDay.figures.majorOutageSeconds / 60, 10);
        QCOMPARE(incidentDay.figures.partialOutageSeconds / 60, 30);
        QCOMPARE(incidentDay.figures.maintenanceSeconds / 60, 60);
        // From 09:00 Berlin (creation) to midnight Berlin: 15 h.
        QCOMPARE(incidentDay.figures.countedSeconds, 15 * 3600);
        QCOMPARE(days.back().figures.worst, ComponentStatus::Operational);
        QVERIFY(days.back().hasData);
        QVERIFY(!days.at(87).hasData); // before the component existed
    }

    // Days are the page's: across Europe/Berlin's spring change (2026-03-29) a day has 23 hours, across the
    // autumn one (2026-10-25) 25; a status change at 23:30 UTC falls on the next Berlin day.
    void daysAcrossDst_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QDate>("day");
        QTest::addColumn<int>("hours");
        QTest::newRow("Berlin spring") << "Europe/Berlin" << QDate(2026, 3, 29) << 23;
        QTest::newRow("Berlin autumn") << "Europe/Berlin" << QDate(2026, 10, 25) << 25;
        QTest::newRow("Denver spring") << "America/Denver" << QDate(2026, 3, 8) << 23;
        QTest::newRow("Etc/UTC") << "Etc/UTC" << QDate(2026, 3, 29) << 24;
    }

    void daysAcrossDst()
    {
        QFETCH(QString, zone);
        QFETCH(QDate, day);
        QFETCH(int, hours);
        test::TempDatabase db;
        QDateTime now = QDateTime(day.addDays(-3), QTime(0, 0), Qt::UTC);
        ServiceContext ctx{db.store(), [&]() { return now; }, QStringLiteral("tester")};
        QVERIFY(PageService(ctx).update({std::nullopt, std::nullopt, std::nullopt, zone}).ok());
        NewComponent c;
        c.name = QStringLiteral("Edge");
        const QString id = ComponentService(ctx).add(c)->id;
        // Major outage from the day's local 12:00 to the next day's local 12:00.
        const QTimeZone tz(zone.toUtf8());
        now = QDateTime(day, QTime(12, 0), tz).toUTC();
        ComponentPatch p;
        p.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(ctx).update(id, p).ok());
        now = QDateTime(day.addDays(1), QTime(12, 0), tz).toUTC();
        p.status = ComponentStatus::Operational;
        QVERIFY(ComponentService(ctx).update(id, p).ok());
        now = now.addDays(3);
        const auto days = UptimeReporter(db.store(), [&]() {
                              return now;
                          }).componentDays(*db.store().components.find(id), 10);
        auto it = std::find_if(days.begin(), days.end(), [&](const uptime::Day &d) { return d.date == day; });
        QVERIFY(it != days.end());
        QCOMPARE(it->figures.countedSeconds, qint64(hours) * 3600);
        // Local noon to local midnight: 12 h (the clocks change in the early morning).
        QCOMPARE(it->figures.majorOutageSeconds, 12 * 3600);
        QCOMPARE((it + 1)->figures.majorOutageSeconds, 12 * 3600);
    }

    // The public page's strips, rendered for the timeline's "now": the incident day red (worst: major
    // outage) with its minutes in the title, today green, the days before the component grey.
    void publicPageStrip()
    {
        Timeline t;
        const QString html = api::renderStatusPage(api::PublicSnapshot::load(t.db.store(), t.now), {});
        const QString day = QStringLiteral("<span class=\"d-major_outage\" title=\"Mar 10: 10 min major "
                                           "outage, 30 min partial outage, 1 h maintenance");
        QCOMPARE(html.count(day), 2);                               // the component's strip and the page's
        QVERIFY(html.contains(day + QStringLiteral("\"></span>"))); // the component's: minutes only
        QVERIFY(html.contains(day + QStringLiteral(" · Database upgrade\"></span>"))); // the page's names it
        QVERIFY(
            html.contains(QStringLiteral("<span class=\"d-operational\" title=\"Mar 11: No downtime\">")));
        QVERIFY(html.contains(QStringLiteral("<span class=\"d-nodata\" title=\"Mar 9: No data\">")));
        QVERIFY(html.contains(QStringLiteral("<span>98.87 % uptime</span>")));
        // A partial outage with no incident at all still colours its day (it showed green before).
        ComponentPatch p;
        p.status = ComponentStatus::PartialOutage;
        QVERIFY(ComponentService(t.ctx()).update(t.component, p).ok());
        t.now = t.now.addSecs(600);
        const QString later = api::renderStatusPage(api::PublicSnapshot::load(t.db.store(), t.now), {});
        QVERIFY(later.contains(
            QStringLiteral("<span class=\"d-partial_outage\" title=\"Mar 11: 10 min partial outage\">")));
    }

    void groupIsItsWorstMember()
    {
        test::TempDatabase db;
        QDateTime now = utc("2026-05-01T00:00:00Z");
        ServiceContext ctx{db.store(), [&]() { return now; }, QStringLiteral("tester")};
        PageService(ctx).update({std::nullopt, std::nullopt, std::nullopt, QStringLiteral("Etc/UTC")});
        NewComponent a;
        a.name = QStringLiteral("A");
        a.group = QStringLiteral("Core");
        NewComponent b = a;
        b.name = QStringLiteral("B");
        const QString ida = ComponentService(ctx).add(a)->id;
        const QString idb = ComponentService(ctx).add(b)->id;
        auto set = [&](const QString &id, const char *at, ComponentStatus s) {
            now = utc(at);
            ComponentPatch p;
            p.status = s;
            ComponentService(ctx).update(id, p);
        };
        set(ida, "2026-05-01T01:00:00Z", ComponentStatus::PartialOutage); // A partial 01:00-03:00
        set(idb, "2026-05-01T02:00:00Z", ComponentStatus::MajorOutage);   // B major 02:00-02:30
        set(idb, "2026-05-01T02:30:00Z", ComponentStatus::Operational);
        set(ida, "2026-05-01T03:00:00Z", ComponentStatus::Operational);
        now = utc("2026-05-02T00:00:00Z");
        const QString group = db.store().components.find(ida)->groupId;
        auto r = UptimeReporter(db.store(), [&]() {
                     return now;
                 }).group(group, QStringLiteral("2026-05-01"), QStringLiteral("2026-05-01"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        QCOMPARE(r->figures.majorOutageSeconds, 1800);
        QCOMPARE(r->figures.partialOutageSeconds, 5400); // 01:00-02:00 and 02:30-03:00
        QCOMPARE(r->figures.countedSeconds, 86400);
        QCOMPARE(int(r->relatedByComponent.size()), 2);
    }
};

QTEST_GUILESS_MAIN(TestUptime)
#include "tst_uptime.moc"
