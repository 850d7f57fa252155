#include "app/api/apikeystore.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "app/upstream/upstreamservice.h"
#include "models/itemmodels/subscribersmodel.h"
#include "models/itemmodels/upstreammodels.h"
#include "models/upstreamrepository.h"
#include "tests/gui/whenmodal.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "tests/upstream/upstreamtestsupport.h"
#include "ui/alertcenter.h"
#include "ui/importdialog.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"
#include "ui/subscriberdialog.h"
#include "ui/subscribersview.h"
#include "ui/upstreamdialogs.h"
#include "ui/upstreamview.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
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

// test::whenModal, and a failed check inside `act` still closes the dialog: the test fails instead of
// hanging.
void whenModal(QObject *context, std::function<void(QDialog *)> act)
{
    test::whenModal(context, [act](QDialog *dialog) {
        const auto closeAnyway = qScopeGuard([dialog] {
            if (dialog->isVisible())
                dialog->reject();
        });
        act(dialog);
    });
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

    // A followed page that leaves "All Systems Operational" is said: on the status bar, and as an alert
    // (a desktop notification).
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
        QSignalSpy alerted(f.window->alerts(), &AlertCenter::alerted);
        f.cdn.setDefault(page(summary(false)));
        QTRY_VERIFY_WITH_TIMEOUT(f.window->statusBar()->currentMessage().contains(
                                     QLatin1String("CDN is no longer operational: Partial System Outage")),
                                 15000);
        // And as an alert: a desktop notification where the desktop runs the service (tst_alerts shows
        // AlertCenter's Notify under a session bus), the tray's balloon where it has only a tray.
        const auto pageAlerts = [&alerted] {
            QList<Alert> out;
            for (const QList<QVariant> &args : alerted) {
                const Alert a = qvariant_cast<Alert>(args.at(0));
                if (a.kind == Alert::Kind::UpstreamLeftOperational)
                    out << a;
            }
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(pageAlerts().size(), qsizetype(1), 5000);
        const Alert alert = pageAlerts().first();
        QCOMPARE(alert.title, QStringLiteral("CDN is no longer operational"));
        QVERIFY2(alert.body.contains(QLatin1String("Partial System Outage")), qPrintable(alert.body));
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
        whenModal(f.window.get(), [local](QDialog *dialog) {
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
        whenModal(f.window.get(), [&](QDialog *dialog) {
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

    // A subscriber chooses followed pages in its own dialog, ticked like components: added hearing Vendor X,
    // then edited to hear the CDN instead.
    void subscriberDialogChoosesFollowedPages()
    {
        Fixture f;
        f.open();
        SubscribersView *subscribers = f.window->subscribersView();
        auto tick = [](SubscriberDialog *d, const QString &name) {
            QListWidget *pages = d->followedPages();
            QVERIFY(pages);
            QCOMPARE(pages->count(), 2);
            for (int i = 0; i < pages->count(); ++i)
                pages->item(i)->setCheckState(pages->item(i)->text() == name ? Qt::Checked : Qt::Unchecked);
        };
        whenModal(f.window.get(), [&](QDialog *dialog) {
            auto *d = qobject_cast<SubscriberDialog *>(dialog);
            QVERIFY(d);
            d->endpointEdit()->setText(QStringLiteral("https://hooks.example.com/vendors"));
            d->emailEdit()->setText(QStringLiteral("ops@example.com"));
            tick(d, QStringLiteral("Vendor X"));
            QVERIFY(d->canSave());
            d->accept();
        });
        subscribers->addSubscriber();
        UpstreamRepository repo(f.db.store().db());
        QCOMPARE(repo.subscribersOf(f.vendorId).size(), qsizetype(1));
        const QString id = repo.subscribersOf(f.vendorId).first();
        QVERIFY(repo.subscribersOf(f.cdnId).isEmpty());
        f.db.store().db().finishAll();

        QTRY_COMPARE_WITH_TIMEOUT(subscribers->model()->rowCount(), 1, 5000);
        subscribers->table()->selectRow(0);
        bool wasTicked = false;
        whenModal(f.window.get(), [&](QDialog *dialog) {
            auto *d = qobject_cast<SubscriberDialog *>(dialog);
            QVERIFY(d);
            wasTicked = d->upstreamIds() == QStringList{f.vendorId};
            tick(d, QStringLiteral("CDN"));
            d->accept();
        });
        subscribers->editSelected();
        QVERIFY(wasTicked);
        QCOMPARE(repo.upstreamsOf(id), QStringList{f.cdnId});
        f.db.store().db().finishAll();
    }

    // File → Import from Statuspage… against a real `statusdesk-cli serve` (Statuspage's v1 API): the page's
    // groups, components, an incident with its updates and its webhook subscribers arrive; the key field is
    // cleared when the import ends and the key is stored nowhere; a second import changes nothing.
    void importFromTheFileMenu()
    {
        test::UpstreamPage source;
        QVERIFY(!source.url.isEmpty());
        const QString incident =
            source.openIncident(QStringLiteral("Elevated API errors"), IncidentStatus::Investigating,
                                source.api, ComponentStatus::PartialOutage);
        QVERIFY(source.updateIncident(incident, IncidentStatus::Identified, QStringLiteral("Found it.")));
        NewSubscriber hook;
        hook.endpoint = QStringLiteral("https://hooks.acme.example/status");
        hook.email = QStringLiteral("ops@acme.example");
        hook.componentIds = {source.web};
        QVERIFY(SubscriberService(source.context()).add(hook));
        const QString key = api::ApiKeyStore(source.store().db()).create(QStringLiteral("export"))->secret;
        const QString pageId = source.store().page.get().id;
        source.store().db().finishAll();

        test::TempDatabase db;
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        window.show();
        auto *action = window.findChild<QAction *>(QStringLiteral("importStatuspageAction"));
        QVERIFY(action);
        QVERIFY(window.menuBar()->actions().first()->menu()->actions().contains(action)); // under File
        QStringList reports;
        auto importOnce = [&](QDialog *dialog) {
            auto *import = qobject_cast<ImportDialog *>(dialog);
            QVERIFY(import);
            import->pageEdit()->setText(pageId);
            import->keyEdit()->setText(key);
            import->apiEdit()->setText(source.url + QStringLiteral("/v1"));
            QSignalSpy finished(import, &ImportDialog::importFinished);
            import->start();
            QVERIFY(finished.wait(60'000));
            QVERIFY(import->keyEdit()->text().isEmpty());
            reports << import->report()->toPlainText();
            import->reject();
        };
        for (int run = 0; run < 2; ++run) {
            whenModal(&window, importOnce);
            action->trigger();
        }
        QCOMPARE(reports.size(), 2);
        QVERIFY2(reports.at(0).contains(QLatin1String("Components: 2 created")), qPrintable(reports.at(0)));
        QVERIFY2(reports.at(0).contains(QLatin1String("Incidents: 1 created")), qPrintable(reports.at(0)));
        QVERIFY2(reports.at(0).contains(QLatin1String("Webhook subscribers: 1 created")),
                 qPrintable(reports.at(0)));
        QVERIFY2(reports.at(0).contains(QLatin1String("Imported; nobody was notified.")),
                 qPrintable(reports.at(0)));
        QVERIFY2(reports.at(1).contains(QLatin1String("Nothing changed")), qPrintable(reports.at(1)));
        for (const QString &r : reports)
            QVERIFY(!r.contains(key));

        db.reopen();
        Store &store = db.store();
        QCOMPARE(store.page.get().name, QStringLiteral("Vendor X Status"));
        QCOMPARE(store.components.count(), 2);
        const std::vector<Incident> incidents = store.incidents.all();
        QCOMPARE(incidents.size(), size_t(1));
        QCOMPARE(incidents.front().name, QStringLiteral("Elevated API errors"));
        QCOMPARE(incidents.front().updates.size(), size_t(2));
        const std::vector<Subscriber> subscribers = store.subscribers.list();
        QCOMPARE(subscribers.size(), size_t(1));
        QCOMPARE(subscribers.front().endpoint, hook.endpoint);
        QCOMPARE(subscribers.front().componentIds.size(), qsizetype(1));
        QCOMPARE(store.outbox.list({}).size(), size_t(0)); // nobody was notified
        for (const QString &table : {QStringLiteral("audit_log"), QStringLiteral("settings")}) {
            QSqlQuery &q = store.db().run(QStringLiteral("SELECT * FROM %1").arg(table));
            while (q.next()) {
                for (int c = 0; c < q.record().count(); ++c)
                    QVERIFY2(!q.value(c).toString().contains(key), qPrintable(table));
            }
        }
        store.db().finishAll();
    }
};

QTEST_MAIN(TestUpstreamView)
#include "tst_upstreamview.moc"
