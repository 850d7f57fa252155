// A component's page in the console (issue 22 item 2): the 90-day strip and the uptime figure from the status
// history, and the incident timeline's own subscribers (item 3). The page is also saved as
// tst_componentpage.png beside the binary, so a person can look at it (run it under Xvfb with
// QT_QPA_PLATFORM=xcb for a real window system).
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/pageservice.h"
#include "app/services/subscriberservice.h"
#include "models/itemmodels/incidentsmodel.h"
#include "tests/support/testsupport.h"
#include "ui/componentpage.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"
#include "ui/statuspalette.h"
#include "ui/uptimestrip.h"

#include <QDir>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

using namespace sd;

class TestComponentPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_componentpage"));
    }

    void stripAndFigure()
    {
        test::TempDatabase db;
        // The timeline of tst_uptime: created 2026-03-10 08:00Z; partial 10:00-10:30, major 10:30-10:40,
        // maintenance 14:00-15:00; the page is looked at on 2026-03-11 12:00Z, in Europe/Berlin.
        QDateTime now = QDateTime(QDate(2026, 3, 10), QTime(8, 0), Qt::UTC);
        ServiceContext ctx{db.store(), [&]() { return now; }, QStringLiteral("tester")};
        PageService(ctx).update({std::nullopt, std::nullopt, std::nullopt, QStringLiteral("Europe/Berlin")});
        const QString id = ComponentService(ctx).add({QStringLiteral("API")})->id;
        auto set = [&](int h, int m, ComponentStatus s) {
            now = QDateTime(QDate(2026, 3, 10), QTime(h, m), Qt::UTC);
            ComponentPatch p;
            p.status = s;
            QVERIFY(ComponentService(ctx).update(id, p).ok());
        };
        set(10, 0, ComponentStatus::PartialOutage);
        set(10, 30, ComponentStatus::MajorOutage);
        set(10, 40, ComponentStatus::Operational);
        set(14, 0, ComponentStatus::UnderMaintenance);
        set(15, 0, ComponentStatus::Operational);
        db.reopen();
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        ComponentPage page(*session, id);
        QSignalSpy loaded(&page, &ComponentPage::loaded);
        QVERIFY(loaded.wait(10000)); // the first read (real clock) is done; show the fixed day instead
        page.display(
            ComponentPage::read(db.store(), id, QDateTime(QDate(2026, 3, 11), QTime(12, 0), Qt::UTC)));
        page.resize(900, 520);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        UptimeStrip *strip = page.strip();
        QCOMPARE(int(strip->days().size()), ComponentPage::kDays);
        const QImage shot = page.grab().toImage();
        const QPoint origin = strip->mapTo(&page, QPoint(0, 0));
        auto colourOf = [&](int day) {
            const QRect r = strip->barRect(day).translated(origin);
            return QColor(shot.pixel(r.center()));
        };
        QCOMPARE(colourOf(88), palette::componentStatus(ComponentStatus::MajorOutage)); // 2026-03-10
        QCOMPARE(colourOf(89), palette::componentStatus(ComponentStatus::Operational)); // today
        QCOMPARE(colourOf(10), QColor(0xc5, 0xca, 0xd1));                               // before it existed
        QCOMPARE(
            UptimeStrip::tip(strip->days().at(88)),
            QStringLiteral("Tue 10 Mar 2026: 10 min major outage, 30 min partial outage, 1 h maintenance"));
        QCOMPARE(page.findChild<QLabel *>(QStringLiteral("componentUptime"))->text(),
                 QStringLiteral("98.87 % uptime"));
        QVERIFY(shot.save(QDir::current().filePath(QStringLiteral("tst_componentpage.png"))));
    }

    // The timeline of an incident lists its own subscribers and how their deliveries went.
    void incidentTimelineShowsItsSubscribers()
    {
        test::TempDatabase db;
        const QString api = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        NewIncident n;
        n.name = QStringLiteral("A: API errors");
        n.body = QStringLiteral("Looking");
        n.components = {{api, ComponentStatus::PartialOutage}};
        const QString a = IncidentService(db.context()).create(n)->incident.id;
        NewSubscriber s;
        s.endpoint = QStringLiteral("http://127.0.0.1:9/only-a");
        s.email = QStringLiteral("ops@example.com");
        s.incidentId = a;
        QVERIFY(SubscriberService(db.context()).add(s).ok());
        IncidentUpdateInput u;
        u.status = IncidentStatus::Identified;
        u.body = QStringLiteral("Found it");
        QVERIFY(IncidentService(db.context()).update(a, u).ok());
        db.reopen();
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        IncidentsView *view = window.incidentsView();
        window.tabs()->setCurrentWidget(view);
        view->table()->setCurrentIndex(view->model()->index(0, 0));
        const QString history = view->history()->toPlainText();
        QVERIFY2(history.contains(QLatin1String("Subscribers of this incident")), qPrintable(history));
        QVERIFY2(history.contains(QLatin1String("http://127.0.0.1:9/only-a")), qPrintable(history));
        QVERIFY2(history.contains(QLatin1String("deliveries:")), qPrintable(history)); // the update's webhook
    }
};

QTEST_MAIN(TestComponentPage)
#include "tst_componentpage.moc"
