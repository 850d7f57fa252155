#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/componentsview.h"
#include "ui/deliveriesview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"
#include "ui/statusbarwidgets.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>

using namespace sd;

// Team mode as a responder sees it: a console on one desk, another desk (another process, with its own
// delivery engine) changing the page and delivering. The console hears of it through LISTEN/NOTIFY, without
// polling, and shows it: the component's new status and the deliveries turning delivered.
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
        if (!test::usingPostgres())
            QSKIP("LISTEN/NOTIFY is team mode (PostgreSQL); one desk's SQLite file has one console's own "
                  "engine");
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
};

QTEST_MAIN(TestTeamConsole)
#include "tst_teamconsole.moc"
