#include "app/services/incidentservice.h"
#include "app/upstream/upstreamservice.h"
#include "models/itemmodels/upstreammodels.h"
#include "models/upstreamrepository.h"
#include "tests/gui/whenmodal.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/importdialog.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"
#include "ui/upstreamdialogs.h"
#include "ui/upstreamview.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

using namespace sd;

namespace {

// The documented summary.json example (tests/data/statuspage-v2): two components in partial and major outage,
// an incident, two maintenances. `operational` turns every component operational and the indicator to none.
QByteArray summary(bool operational)
{
    QJsonObject s =
        QJsonDocument::fromJson(test::fixture(QStringLiteral("statuspage-v2/summary.json"))).object();
    if (operational) {
        QJsonArray components;
        for (const QJsonValue &v : s.value(QLatin1String("components")).toArray()) {
            QJsonObject c = v.toObject();
            c.insert(QStringLiteral("status"), QStringLiteral("operational"));
            c.insert(QStringLiteral("updated_at"), QStringLiteral("2014-05-13T00:00:00.000Z"));
            components.append(c);
        }
        s.insert(QStringLiteral("components"), components);
        s.insert(QStringLiteral("incidents"), QJsonArray());
        s.insert(QStringLiteral("scheduled_maintenances"), QJsonArray());
        s.insert(QStringLiteral("status"),
                 QJsonObject{{QStringLiteral("indicator"), QStringLiteral("none")},
                             {QStringLiteral("description"), QStringLiteral("All Systems Operational")}});
    }
    return QJsonDocument(s).toJson(QJsonDocument::Compact);
}

test::HttpReceiver::Script page(const QByteArray &body)
{
    test::HttpReceiver::Script s;
    s.body = body;
    s.headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};
    return s;
}

struct Fixture
{
    test::TempDatabase db;
    test::HttpReceiver vendor; // in a partial outage
    test::HttpReceiver cdn;    // operational
    std::unique_ptr<MainWindow> window;
    QString vendorId;
    QString cdnId;

    Fixture()
    {
        vendor.start(QHostAddress(QStringLiteral("127.0.0.1")));
        cdn.start(QHostAddress(QStringLiteral("127.0.0.1")));
        vendor.setDefault(page(summary(false)));
        cdn.setDefault(page(summary(true)));
        vendorId = follow(vendor.url(QString()), QStringLiteral("Vendor X"));
        cdnId = follow(cdn.url(QString()), QStringLiteral("CDN"));
        db.reopen();
    }
    QString follow(const QString &url, const QString &name)
    {
        upstream::NewUpstream n;
        n.url = url;
        n.name = name;
        n.intervalMs = 1000;
        return upstream::UpstreamService(db.context()).follow(n)->id;
    }
    void open()
    {
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        window = std::make_unique<MainWindow>(std::move(session));
        window->show();
    }
    UpstreamView *view() { return window->findChild<UpstreamView *>(); }
};

} // namespace

// The console's Upstream tab on a real session: followed pages read by the session's poller from loopback
// servers, their components and incidents, staleness, the timeline, linking a local incident, the notice when
// a page leaves operational, and the models under QAbstractItemModelTester.
class TestUpstreamView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_upstreamview"));
    }

    void modelsPassTheTester()
    {
        auto parsed = upstream::parseSummary(summary(false));
        QVERIFY(parsed);
        UpstreamComponentsModel components;
        QAbstractItemModelTester t1(&components, QAbstractItemModelTester::FailureReportingMode::QtTest);
        components.setSummary(parsed.value());
        QCOMPARE(components.rowCount(), 2);
        UpstreamIncidentsModel incidents;
        QAbstractItemModelTester t2(&incidents, QAbstractItemModelTester::FailureReportingMode::QtTest);
        incidents.setSummary(parsed.value());
        QCOMPARE(incidents.rowCount(), 3);
        QCOMPARE(incidents.rowCount(incidents.index(2, 0)), 2); // the maintenance's two updates
        QCOMPARE(incidents.incidentAt(incidents.index(0, 0, incidents.index(2, 0)))->id,
                 QStringLiteral("k7mf5z1gz05c"));
        UpstreamsModel pages;
        QAbstractItemModelTester t3(&pages, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Upstream a;
        a.id = QStringLiteral("aaaaaaaaaaaa");
        a.name = QStringLiteral("A");
        Upstream b = a;
        b.id = QStringLiteral("bbbbbbbbbbbb");
        pages.setRows({a, b}, {});
        a.staleSince = QDateTime::currentDateTimeUtc();
        pages.setRows({a, b}, {{a.id, 3}}); // in place
        QVERIFY(pages.index(0, UpstreamsModel::FreshnessColumn)
                    .data()
                    .toString()
                    .startsWith(QLatin1String("stale since")));
        QCOMPARE(pages.index(0, UpstreamsModel::HearersColumn).data().toInt(), 3);
        pages.setRows({b}, {}); // reset
        UpstreamEventsModel events;
        QAbstractItemModelTester t4(&events, QAbstractItemModelTester::FailureReportingMode::QtTest);
        UpstreamEvent e;
        e.upstreamId = b.id;
        e.text = QStringLiteral("API: Operational → Major outage");
        events.setRows({e}, {{b.id, QStringLiteral("B")}});
        QCOMPARE(events.index(0, UpstreamEventsModel::PageColumn).data().toString(), QStringLiteral("B"));
    }

    void tabShowsFollowedPages()
    {
        Fixture f;
        f.open();
        UpstreamView *view = f.view();
        QVERIFY(view);
        f.window->tabs()->setCurrentWidget(view);
        UpstreamsModel *pages = view->pagesModel();
        auto statusOf = [pages](const QString &id) {
            const int row = pages->rowOf(id);
            return row < 0 ? QString() : pages->index(row, UpstreamsModel::StatusColumn).data().toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(f.vendorId), QStringLiteral("Partial System Outage"), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(f.cdnId), QStringLiteral("All Systems Operational"), 15000);
        QCOMPARE(pages->index(pages->rowOf(f.vendorId), UpstreamsModel::FreshnessColumn).data().toString(),
                 QStringLiteral("fresh"));
        view->selectPage(f.vendorId);
        QTRY_COMPARE_WITH_TIMEOUT(view->componentsModel()->rowCount(), 2, 5000);
        QCOMPARE(view->incidentsModel()->rowCount(), 3);
        QCOMPARE(view->incidentsModel()->index(0, UpstreamIncidentsModel::NameColumn).data().toString(),
                 QStringLiteral("Unplanned Database Outage"));
        auto *header = view->findChild<QLabel *>(QStringLiteral("upstreamHeader"));
        QVERIFY(header->text().contains(QLatin1String("Partial System Outage")));
        // The timeline: each page's baseline.
        QTRY_VERIFY_WITH_TIMEOUT(view->eventsModel()->rowCount() >= 2, 5000);

        // The CDN starts answering 500: shown stale, with the reason.
        test::HttpReceiver::Script failing = page("oops");
        failing.status = 500;
        failing.reason = "Internal Server Error";
        f.cdn.setDefault(failing);
        QTRY_VERIFY_WITH_TIMEOUT(pages->index(pages->rowOf(f.cdnId), UpstreamsModel::FreshnessColumn)
                                     .data()
                                     .toString()
                                     .startsWith(QLatin1String("stale since")),
                                 20000);
        view->selectPage(f.cdnId);
        QTRY_VERIFY_WITH_TIMEOUT(header->text().contains(QLatin1String("answered HTTP 500")), 5000);
    }

    // A followed page that leaves "All Systems Operational" is said (a desktop notification where one is
    // shown, else the status bar).
    void leavingOperationalIsSaid()
    {
        Fixture f;
        f.open();
        UpstreamView *view = f.view();
        QTRY_COMPARE_WITH_TIMEOUT(
            view->pagesModel()
                ->index(view->pagesModel()->rowOf(f.cdnId), UpstreamsModel::StatusColumn)
                .data()
                .toString(),
            QStringLiteral("All Systems Operational"), 15000);
        f.cdn.setDefault(page(summary(false)));
        QTRY_VERIFY_WITH_TIMEOUT(f.window->statusBar()->currentMessage().contains(
                                     QLatin1String("CDN is no longer operational: Partial System Outage")),
                                 15000);
    }

    // "Caused by Vendor X: ...": linked from the Upstream tab, shown in the local incident's timeline.
    void linkShowsInTheIncidentTimeline()
    {
        Fixture f;
        NewIncident n;
        n.name = QStringLiteral("Checkout failing");
        n.body = QStringLiteral("Payments time out.");
        n.notify = false;
        const QString local = IncidentService(f.db.context()).create(n)->incident.id;
        f.db.reopen();
        f.open();
        UpstreamView *view = f.view();
        f.window->tabs()->setCurrentWidget(view);
        view->selectPage(f.vendorId);
        QTRY_COMPARE_WITH_TIMEOUT(view->incidentsModel()->rowCount(), 3, 15000);
        view->incidentsTree()->setCurrentIndex(view->incidentsModel()->index(0, 0));
        test::whenModal(f.window.get(), [local](QDialog *dialog) {
            auto *combo = dialog->findChild<QComboBox *>(QStringLiteral("linkIncident"));
            QVERIFY(combo);
            combo->setCurrentIndex(combo->findData(local));
            dialog->accept();
        });
        view->linkToIncident();
        QTRY_COMPARE_WITH_TIMEOUT(UpstreamRepository(f.db.store().db()).links(local).size(), size_t(1), 5000);
        f.db.store().db().finishAll();
        IncidentsView *incidents = f.window->incidentsView();
        f.window->tabs()->setCurrentWidget(incidents);
        incidents->reload();
        incidents->table()->selectRow(0);
        QTRY_VERIFY_WITH_TIMEOUT(incidents->history()->toPlainText().contains(
                                     QLatin1String("Caused by Vendor X: Unplanned Database Outage")),
                                 5000);
    }

    void followDialogChecksThePage()
    {
        Fixture f;
        test::HttpReceiver notStatuspage;
        notStatuspage.start(QHostAddress(QStringLiteral("127.0.0.1")));
        notStatuspage.setDefault(page("<html>hello</html>"));
        f.open();
        UpstreamView *view = f.view();
        // Not a Statuspage page: the dialog says so and stays; OK again follows it anyway.
        bool said = false;
        test::whenModal(f.window.get(), [&](QDialog *dialog) {
            auto *follow = qobject_cast<FollowPageDialog *>(dialog);
            QVERIFY(follow);
            follow->urlEdit()->setText(notStatuspage.url(QString()));
            follow->accept();
            QTRY_VERIFY_WITH_TIMEOUT(
                follow->message()->text().contains(QLatin1String("not a Statuspage summary")), 10000);
            said = true;
            follow->reject();
        });
        view->followPage();
        QVERIFY(said);
        QCOMPARE(view->pagesModel()->rowCount(), 2);
    }
};

QTEST_MAIN(TestUpstreamView)
#include "tst_upstreamview.moc"
