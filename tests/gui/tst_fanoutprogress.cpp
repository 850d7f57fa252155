#include "app/delivery/deliverycontroller.h"
#include "app/readers/fanoutprogress.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/incidentsmodel.h"
#include "tests/gui/whenmodal.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/componentsview.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"
#include "ui/statusbarwidgets.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>
#include <functional>

using namespace sd;

namespace {

// Every number in `text`, group separators dropped ("12,400" is 12400).
QList<int> numbers(const QString &text)
{
    QList<int> out;
    static const QRegularExpression number(QStringLiteral("\\d[\\d,.\\x{a0}\\x{202f}]*"));
    for (auto it = number.globalMatch(text); it.hasNext();) {
        QString digits = it.next().captured();
        digits.remove(QRegularExpression(QStringLiteral("\\D")));
        out << digits.toInt();
    }
    return out;
}

struct Shown
{
    QString text;
    QString breakdown;
};

} // namespace

// Fan-out progress per change (issue 13 item 3) as a responder sees it: the status bar's "finished / total"
// for the change being delivered, its breakdown by state adding up at every update, the change's line in the
// incident timeline, and a fan-out made by another process. Real deliveries over loopback: one endpoint
// answers 200, the other 500 (retried once, then failed).
class TestFanoutProgress : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        static constexpr int kGood = 60;
        static constexpr int kBad = 6;
        test::TempDatabase db;
        test::HttpReceiver ok;
        test::HttpReceiver broken;
        Component api;
        std::unique_ptr<MainWindow> window;

        Fixture()
        {
            ok.start();
            broken.start();
            test::HttpReceiver::Script fail;
            fail.status = 500;
            fail.reason = "Internal Server Error";
            broken.setDefault(fail);
            // Each good answer takes 150 ms; with six requests per origin at a time the fan-out runs for
            // over a second, so the status bar is read while messages are queued and sending.
            test::HttpReceiver::Script slow;
            slow.delayMs = 150;
            ok.setDefault(slow);
            ComponentService components(db.context());
            NewComponent c;
            c.name = QStringLiteral("API");
            api = components.add(c).value();
            SubscriberService subscribers(db.context());
            for (int i = 0; i < kGood + kBad; ++i) {
                NewSubscriber s;
                s.endpoint = i < kGood ? ok.url(QStringLiteral("/hook%1").arg(i))
                                       : broken.url(QStringLiteral("/hook%1").arg(i));
                s.email = QStringLiteral("ops%1@example.com").arg(i);
                QVERIFY(subscribers.add(s));
            }
            DeliverySettings settings;
            settings.retryScheduleMs = {0, 300}; // a 500 is retried once, 300 ms later, then failed
            settings.save(db.store().settings);
            db.reopen();
        }
        void open()
        {
            QString error;
            auto session = Session::open(db.path(), &error);
            QVERIFY2(session, qPrintable(error));
            window = std::make_unique<MainWindow>(std::move(session));
            window->show();
        }
        FanoutProgressMonitor *monitor() { return window->session().findChild<FanoutProgressMonitor *>(); }
        // Another process (statusdesk-cli) changes the component and only queues its webhooks; the
        // console's monitor looks at the store often, as nothing announces that process's deliveries.
        void queueFromCli()
        {
            FanoutProgressMonitor *watching = monitor();
            QVERIFY(watching);
            watching->setPollIntervals(200, 200);
            QProcess cli;
            cli.setProcessChannelMode(QProcess::ForwardedChannels);
            cli.start(test::cliPath(), {QStringLiteral("--db"), db.path(), QStringLiteral("--queue-only"),
                                        QStringLiteral("component"), QStringLiteral("set"), api.id,
                                        QStringLiteral("--status"), QStringLiteral("partial_outage")});
            QVERIFY(cli.waitForFinished(30000));
            QCOMPARE(cli.exitCode(), 0);
        }
        void changeStatusInTable(const QString &status)
        {
            ComponentsView *view = window->componentsView();
            window->tabs()->setCurrentWidget(view);
            const QModelIndex index =
                view->model()->index(view->model()->rowOfComponent(api.id), ComponentsModel::StatusColumn);
            view->table()->setCurrentIndex(index);
            view->table()->edit(index);
            auto *combo = view->table()->findChild<QComboBox *>();
            QVERIFY(combo);
            test::whenModal(window.get(), [](QDialog *dialog) {
                QCOMPARE(dialog->objectName(), QStringLiteral("statusChangeDialog"));
                dialog->findChild<QCheckBox *>(QStringLiteral("notifyCheck"))->setChecked(true);
                dialog->accept();
            });
            combo->setCurrentIndex(combo->findData(status));
            Q_EMIT combo->activated(combo->currentIndex());
        }
    };

    // "queued a · sending b · delivered c · retrying d · failed e · held f = total": the six add up to the
    // total, and the text's "finished / total" agrees with them.
    static void checkAddsUp(const Shown &s, int total)
    {
        const QList<int> n = numbers(s.breakdown);
        QVERIFY2(n.size() == 7, qPrintable(s.breakdown));
        QCOMPARE(n.at(0) + n.at(1) + n.at(2) + n.at(3) + n.at(4) + n.at(5), n.at(6));
        QCOMPARE(n.at(6), total);
        const int finished = n.at(2) + n.at(4) + n.at(5);
        QVERIFY2(s.text.contains(QStringLiteral("%1 / %2").arg(finished).arg(total)), qPrintable(s.text));
        QCOMPARE(s.text.contains(QStringLiteral("%1 failed").arg(n.at(4))), n.at(4) > 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_fanoutprogress"));
    }

    void etaText_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("seconds, rounded up") << qint64(5200) << QStringLiteral("ETA 6 s");
        QTest::newRow("a minute") << qint64(59001) << QStringLiteral("ETA 1 min");
        QTest::newRow("minutes") << qint64(150000) << QStringLiteral("ETA 3 min");
        QTest::newRow("just under an hour") << qint64(3599000) << QStringLiteral("ETA 1 h 0 min");
        QTest::newRow("hours") << qint64(5400000) << QStringLiteral("ETA 1 h 30 min");
    }
    void etaText()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(FanoutProgressLabel::etaText(ms), text);
    }

    void statusBarCountsAddUpAtEachUpdate()
    {
        Fixture f;
        f.open();
        FanoutProgressLabel *label = f.window->fanoutProgress();
        QVERIFY(label);
        QList<Shown> shown;
        connect(label, &FanoutProgressLabel::updated, this, [&shown, label](const QString &text) {
            if (!label->breakdown().isEmpty())
                shown.append({text, label->breakdown()});
        });
        QSignalSpy updates(label, &FanoutProgressLabel::updated);

        f.changeStatusInTable(QStringLiteral("major_outage"));
        constexpr int total = Fixture::kGood + Fixture::kBad;
        // Finished when the last breakdown has nothing queued, sending or retrying.
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && numbers(shown.last().breakdown).value(0) == 0 &&
                                     numbers(shown.last().breakdown).value(1) == 0 &&
                                     numbers(shown.last().breakdown).value(3) == 0,
                                 30000);
        QVERIFY(updates.count() >= 2);
        qInfo("%d status-bar updates, e.g. \"%s\" (%s)", int(shown.size()),
              qPrintable(shown.at(shown.size() / 2).text), qPrintable(shown.at(shown.size() / 2).breakdown));
        bool sawRunning = false;
        bool sawEta = false;
        for (const Shown &s : std::as_const(shown)) {
            checkAddsUp(s, total);
            if (QTest::currentTestFailed())
                return;
            sawRunning = sawRunning || s.text.startsWith(QStringLiteral("API: "));
            sawEta = sawEta || s.text.contains(QRegularExpression(QStringLiteral(" · ETA \\d+ s$")));
        }
        QVERIFY2(sawRunning, "the change was shown while it was being delivered");
        QVERIFY2(sawEta, "an ETA was shown while it was being delivered");
        const QList<int> last = numbers(shown.last().breakdown);
        QCOMPARE(last.at(2), Fixture::kGood); // delivered
        QCOMPARE(last.at(4), Fixture::kBad);  // failed after its retry
        QCOMPARE(last.at(5), 0);              // held
        QCOMPARE(last.at(2) + last.at(4) + last.at(5), total);
        QCOMPARE(label->text(),
                 QStringLiteral("Last change, API: %1 / %1 · %2 failed").arg(total).arg(Fixture::kBad));
        QCOMPARE(f.broken.requests().size(), 2 * Fixture::kBad); // each 500 tried twice, counted once
        // The lifetime summary is a widget of its own, labelled as such.
        QVERIFY(f.window->deliveryProgress()->text().startsWith(QStringLiteral("Lifetime: ")));
        QVERIFY(!label->text().contains(QStringLiteral("Lifetime")));
    }

    void incidentTimelineShowsEachUpdatesFanout()
    {
        Fixture f;
        IncidentService incidents(f.db.context());
        NewIncident in;
        in.name = QStringLiteral("Database failover");
        in.body = QStringLiteral("We are looking into it.");
        const auto created = incidents.create(in);
        QVERIFY2(created, qPrintable(created ? QString() : created.error()));
        f.db.reopen();
        f.open();
        IncidentsView *view = f.window->incidentsView();
        f.window->tabs()->setCurrentWidget(view);
        const int row = view->model()->rowOf(created.value().incident.id);
        QVERIFY(row >= 0);
        view->table()->setCurrentIndex(view->model()->index(row, 0));
        constexpr int total = Fixture::kGood + Fixture::kBad;
        QTRY_VERIFY2_WITH_TIMEOUT(
            view->history()->toPlainText().contains(
                QStringLiteral("Webhooks: %1 / %1 · %2 failed").arg(total).arg(Fixture::kBad)),
            qPrintable(view->history()->toPlainText()), 30000);
    }

    // A fan-out that another process queued and delivered (statusdesk-cli, as `serve` or another console)
    // shows in this console's status bar: the progress is what the database holds.
    void anotherProcessesFanoutShows()
    {
        Fixture f;
        f.open();
        f.queueFromCli();
        if (QTest::currentTestFailed())
            return;
        constexpr int total = Fixture::kGood + Fixture::kBad;
        QTRY_VERIFY2_WITH_TIMEOUT(
            f.window->fanoutProgress()->text().contains(QStringLiteral("/ %1").arg(total)),
            qPrintable(f.window->fanoutProgress()->text()), 15000);
        checkAddsUp({f.window->fanoutProgress()->text(), f.window->fanoutProgress()->breakdown()}, total);
    }

    // Issue 20 item 4: the host holding the others back is named when another process is the one sending.
    // `statusdesk-cli dispatch` on the same file sends to an endpoint that accepts and never answers, so its
    // six requests there stay in flight and the other 54 wait; this console's own engine is stopped, so only
    // the store can tell.
    void anotherProcessesCappedHostIsNamed()
    {
        Fixture f;
        test::HttpReceiver::Script hang;
        hang.mode = test::HttpReceiver::Mode::Hang;
        f.ok.setDefault(hang);
        f.open();
        QVERIFY(QTest::qWaitForWindowExposed(f.window.get()));
        f.window->session().delivery().stop(); // dispatch alone sends
        QTest::qWait(300);
        f.queueFromCli();
        if (QTest::currentTestFailed())
            return;
        QProcess dispatch;
        dispatch.setProcessChannelMode(QProcess::ForwardedChannels);
        dispatch.start(test::cliPath(), {QStringLiteral("--db"), f.db.path(), QStringLiteral("dispatch")});
        QVERIFY(dispatch.waitForStarted());
        const auto stopDispatch = qScopeGuard([&dispatch] {
            dispatch.kill(); // its requests never end; the leases it leaves die with this database
            dispatch.waitForFinished(10000);
        });
        const QString expected = QStringLiteral("%1 waiting for %2 (per-host cap 6)")
                                     .arg(Fixture::kGood - 6)
                                     .arg(endpointurl::origin(f.ok.url()));
        QTRY_VERIFY2_WITH_TIMEOUT(f.window->fanoutProgress()->text().endsWith(expected),
                                  qPrintable(f.window->fanoutProgress()->text()), 20000);
        QCOMPARE(f.monitor()->cappedOrigin().inFlight, 6);
        QCOMPARE(dispatch.state(), QProcess::Running); // still holding them: the line is the store's view
    }
};

QTEST_MAIN(TestFanoutProgress)
#include "tst_fanoutprogress.moc"
