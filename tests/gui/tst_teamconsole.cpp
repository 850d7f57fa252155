#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/subscribersmodel.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/componentsview.h"
#include "ui/deliveriesview.h"
#include "ui/mainwindow.h"
#include "ui/noticesdock.h"
#include "ui/session.h"
#include "ui/statusbarwidgets.h"
#include "ui/subscribersview.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QListWidget>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTimer>

using namespace sd;

// Team mode as a responder sees it: a console on one desk, another desk (another process, with its own
// delivery engine) changing the page and delivering. The console hears of it without polling on its UI
// thread (PostgreSQL: LISTEN/NOTIFY; one SQLite file: PRAGMA data_version on a worker and change_signals)
// and shows it: the component's new status and the deliveries turning delivered.
class TestTeamConsole final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<sd::DeliveryProgress>();
    }

    void anotherDesksChangeAndDeliveriesShowUpLive()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        const QString component = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        for (int i = 0; i < 5; ++i)
            QVERIFY(SubscriberService(db.context())
                        .add({receiver.url(QStringLiteral("/d%1").arg(i)), QStringLiteral("ops@example.com")})
                        .ok());

        // This desk's console (its own engine runs too: the two share the queue).
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        QSignalSpy remote(session.get(), &Session::remoteChanged);
        MainWindow window(std::move(session));
        window.show();
        window.tabs()->setCurrentWidget(window.componentsView());
        ComponentsModel *components = window.componentsView()->model();
        const int row = components->rowOfComponent(component);
        QVERIFY(row >= 0);

        // The other desk: another process, whose command also delivers what it queued before it exits.
        QProcess otherDesk;
        otherDesk.setProcessChannelMode(QProcess::ForwardedChannels);
        otherDesk.start(test::cliPath(),
                        {QStringLiteral("--db"), db.path(), QStringLiteral("--as"),
                         QStringLiteral("alice@desk2"), QStringLiteral("component"), QStringLiteral("set"),
                         component, QStringLiteral("--status"), QStringLiteral("partial_outage")});
        QVERIFY(otherDesk.waitForStarted());

        QTRY_VERIFY_WITH_TIMEOUT(!remote.isEmpty(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            components->data(components->index(row, ComponentsModel::StatusColumn), Qt::EditRole).toString(),
            toString(ComponentStatus::PartialOutage), 5000);
        // The deliveries, whichever engine made them, show up here as delivered, each sent once.
        DeliveriesModel *deliveries = window.deliveriesView()->model();
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 5, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                deliveries->flushPending();
                int delivered = 0;
                for (int r = 0; r < deliveries->rowCount(); ++r)
                    delivered += deliveries->messageAt(r)->state == DeliveryState::Delivered ? 1 : 0;
                return delivered == 5;
            }(),
            10000);
        QCOMPARE(receiver.requests().size(), 5);
        QTRY_VERIFY_WITH_TIMEOUT(otherDesk.state() == QProcess::NotRunning, 30000);
        QCOMPARE(otherDesk.exitCode(), 0);
    }

    // Issue 20 item 1, the Proof: each kind of change that statusdesk-cli (another process) commits is on
    // this console's screen within a second of the command's end (its commit comes before it): a component's
    // status, a new subscriber, a delivery, a notice, and a delivery setting the running engine takes up.
    void everyKindFollowsWithinASecond()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        const QString component = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        SubscriberService subscribers(db.context());
        const QString first =
            subscribers.add({receiver.url(QStringLiteral("/a")), QStringLiteral("a@example.com")})->id;
        db.reopen();

        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        window.show();
        Session &s = window.session();
        QSignalSpy reloaded(&s.delivery(), &DeliveryController::settingsReloaded);
        // Deliveries here come from the other process alone: this console's engine is stopped.
        s.delivery().stop();
        QElapsedTimer clock;
        auto cli = [&](const QStringList &args) {
            QProcess p;
            p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            p.start(test::cliPath(), QStringList{QStringLiteral("--db"), db.path()} + args);
            // The receiver answers in this thread: wait in an event loop, never in waitForFinished().
            QEventLoop loop;
            QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(30000, &loop, &QEventLoop::quit);
            if (p.state() != QProcess::NotRunning)
                loop.exec();
            clock.start(); // its commit came before its end
            if (p.state() != QProcess::NotRunning || p.exitCode() != 0) {
                qWarning() << "statusdesk-cli" << args << "failed:" << p.readAllStandardOutput();
                return false;
            }
            return true;
        };

        // A component's status, with the Components tab in front.
        window.tabs()->setCurrentWidget(window.componentsView());
        ComponentsModel *components = window.componentsView()->model();
        const int row = components->rowOfComponent(component);
        QVERIFY(cli({QStringLiteral("--queue-only"), QStringLiteral("component"), QStringLiteral("set"),
                     component, QStringLiteral("--status"), QStringLiteral("major_outage")}));
        QTRY_COMPARE_WITH_TIMEOUT(
            components->data(components->index(row, ComponentsModel::StatusColumn), Qt::EditRole).toString(),
            toString(ComponentStatus::MajorOutage), 1000);
        qInfo("component status shown %lld ms after the command ended", clock.elapsed());

        // A new subscriber, with the Subscribers tab in front.
        window.tabs()->setCurrentWidget(window.subscribersView());
        SubscribersModel *subs = window.subscribersView()->model();
        QTRY_COMPARE(subs->rowCount(), 1);
        QVERIFY(cli({QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                     receiver.url(QStringLiteral("/b")), QStringLiteral("--email"),
                     QStringLiteral("b@example.com")}));
        QTRY_COMPARE_WITH_TIMEOUT(subs->rowCount(), 2, 1000);
        qInfo("new subscriber shown %lld ms after the command ended", clock.elapsed());

        // A delivery: the other process queues and delivers; the Deliveries tab shows it delivered.
        window.tabs()->setCurrentWidget(window.deliveriesView());
        DeliveriesModel *deliveries = window.deliveriesView()->model();
        const auto rowsIn = [deliveries](DeliveryState state) {
            deliveries->flushPending();
            int n = 0;
            for (int r = 0; r < deliveries->rowCount(); ++r)
                n += deliveries->messageAt(r)->state == state ? 1 : 0;
            return n;
        };
        QVERIFY(cli({QStringLiteral("component"), QStringLiteral("set"), component,
                     QStringLiteral("--status"), QStringLiteral("operational")}));
        // Its dispatch also sent the first change's webhook, queued above with --queue-only: three in all.
        QCOMPARE(int(receiver.requests().size()), 3);
        QTRY_COMPARE_WITH_TIMEOUT(rowsIn(DeliveryState::Delivered), 3, 1000);
        qInfo("delivery shown %lld ms after the command ended", clock.elapsed());

        // A notice: the other process reactivates a quarantined subscriber.
        {
            QSqlDatabase raw = test::openConnection(db.path(), QStringLiteral("quarantine"));
            QSqlQuery q(raw);
            QVERIFY(q.exec(
                QStringLiteral("UPDATE subscribers SET state = 'quarantined' WHERE id = '%1'").arg(first)));
            q.finish();
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("quarantine"));
        QListWidget *notices = window.noticesDock()->list();
        QVERIFY(cli({QStringLiteral("subscriber"), QStringLiteral("reactivate"), first}));
        QTRY_VERIFY_WITH_TIMEOUT(
            notices->count() > 0 && notices->item(0)->text().contains(QLatin1String("reactivated")), 1000);
        qInfo("notice shown %lld ms after the command ended", clock.elapsed());

        // A delivery setting: this console's engine (running again) takes it up...
        s.startDelivery();
        QVERIFY(cli({QStringLiteral("settings"), QStringLiteral("--retry-schedule"), QStringLiteral("0")}));
        QTRY_VERIFY_WITH_TIMEOUT(!reloaded.isEmpty(), 1000);
        qInfo("settings taken up %lld ms after the command ended", clock.elapsed());
        // ... and uses it: a failing endpoint's webhook is tried once and failed, where the default schedule
        // would keep it retrying for hours.
        test::HttpReceiver::Script failing;
        failing.status = 500;
        receiver.setDefault(failing);
        ComponentPatch patch;
        patch.status = ComponentStatus::DegradedPerformance;
        auto changed = s.components().update(component, patch);
        QVERIFY(changed);
        s.afterChange(changed->messages);
        QTRY_COMPARE_WITH_TIMEOUT(rowsIn(DeliveryState::Failed), 2, 10000);
    }
};

QTEST_MAIN(TestTeamConsole)
#include "tst_teamconsole.moc"
