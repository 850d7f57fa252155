// Issue 20 items 3, 4 and 6: resend and quarantine flows a responder can drive, an honest status bar at
// 1024 px, the export's count and "Saved" message, and the keyboard (Ctrl+1…5, focus after a change, F1).
#include "app/delivery/deliverycontroller.h"
#include "app/readers/fanoutprogress.h"
#include "app/services/componentservice.h"
#include "app/services/deliverysettingsservice.h"
#include "app/services/subscriberservice.h"
#include "models/ids.h"
#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/subscribersmodel.h"
#include "models/timeformat.h"
#include "models/values.h"
#include "tests/gui/whenmodal.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/componentsview.h"
#include "ui/deliveriesview.h"
#include "ui/deliverydetail.h"
#include "ui/elidedlabel.h"
#include "ui/endpointpage.h"
#include "ui/helpdialog.h"
#include "ui/incidentdialog.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/noticesdock.h"
#include "ui/reportexportdialog.h"
#include "ui/reportexporter.h"
#include "ui/reportexportjob.h"
#include "ui/session.h"
#include "ui/settingsdialog.h"
#include "ui/statusbarwidgets.h"
#include "ui/statusdelegates.h"
#include "ui/subscribersview.h"
#include "ui/upstreamview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace sd;

namespace {

Subscriber addSubscriber(test::TempDatabase &db, const QString &endpoint)
{
    NewSubscriber s;
    s.endpoint = endpoint;
    s.email = QStringLiteral("ops@example.com");
    return SubscriberService(db.context()).add(s).value();
}

// One webhook in `state`, written directly: the flows are under test, not the engine. A retrying one waits
// an hour for its next automatic attempt.
QString addMessage(test::TempDatabase &db, const Subscriber &s, DeliveryState state)
{
    Message m;
    m.id = ids::newId();
    m.subscriberId = s.id;
    m.kind = EventKind::Component;
    m.subjectId = QStringLiteral("c");
    m.subjectName = QStringLiteral("API");
    m.eventId = QStringLiteral("e");
    m.body = "{}";
    m.createdAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    m.state = state;
    m.nextAttemptAt = state == DeliveryState::Retrying ? m.createdAt.addSecs(3600) : m.createdAt;
    db.store().outbox.insert(m);
    return m.id;
}

void quarantine(test::TempDatabase &db, Subscriber s)
{
    s.state = SubscriberState::Quarantined;
    s.quarantinedAt = QDateTime::currentDateTimeUtc();
    s.purgeAt = s.quarantinedAt.addDays(30);
    db.store().subscribers.update(s);
    db.store().outbox.holdForSubscriber(s.id, s.quarantinedAt);
    Notice n;
    n.createdAt = s.quarantinedAt;
    n.subscriberId = s.id;
    n.kind = QStringLiteral("quarantined");
    n.text =
        QStringLiteral("Subscriber %1 (%2) was quarantined: 10 failures in 60 min. Tell ops@example.com.")
            .arg(s.id, s.endpoint);
    db.store().notices.add(n);
}

int count(test::TempDatabase &db, const QString &sql, const QVariantList &binds = {})
{
    QSqlQuery &q = db.store().db().run(sql, binds);
    const int n = q.next() ? q.value(0).toInt() : -1;
    q.finish();
    return n;
}

// A console on its own session; its delivery engine is not started, so nothing moves but what the test does.
struct Console
{
    std::unique_ptr<Session> session;
    std::unique_ptr<DeliveriesView> view;
    std::unique_ptr<QAbstractItemModelTester> tester;

    explicit Console(const QString &path)
    {
        QString error;
        session = Session::open(path, &error);
        if (!session)
            qFatal("%s", qPrintable(error));
        view = std::make_unique<DeliveriesView>(*session);
        tester = std::make_unique<QAbstractItemModelTester>(view->model());
        view->resize(1200, 700);
        view->show();
    }
};

QMessageBox *waitForBox(QWidget *parent, const QString &name)
{
    QMessageBox *box = nullptr;
    if (!QTest::qWaitFor([&] { return (box = parent->findChild<QMessageBox *>(name)) != nullptr; }, 5000))
        return nullptr;
    return box;
}

} // namespace

class TestConsoleFlows final : public QObject
{
    Q_OBJECT

    struct Window
    {
        std::unique_ptr<MainWindow> window;
        explicit Window(const QString &path, QSize size = {1200, 760})
        {
            QString error;
            auto session = Session::open(path, &error);
            if (!session)
                qFatal("%s", qPrintable(error));
            window = std::make_unique<MainWindow>(std::move(session));
            window->resize(size);
            window->show();
        }
    };

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_consoleflows"));
    }

    // Item 3: "Resend failing" takes the retrying deliveries too (with the default schedule nothing is
    // Failed for ~33 h); a retrying one keeps its next automatic attempt should the manual one fail.
    void resendFailingCoversRetryingAndFailed()
    {
        test::TempDatabase db;
        const Subscriber a = addSubscriber(db, QStringLiteral("http://127.0.0.1:1/a"));
        for (int i = 0; i < 3; ++i)
            addMessage(db, a, DeliveryState::Failed);
        const QString retrying = addMessage(db, a, DeliveryState::Retrying);
        addMessage(db, a, DeliveryState::Retrying);
        addMessage(db, a, DeliveryState::Delivered);
        const QDateTime scheduled = db.store().outbox.find(retrying)->nextAttemptAt;
        db.reopen();

        Console c(db.path());
        QSignalSpy said(c.view.get(), &DeliveriesView::statusMessage);
        // A filter on another state has nothing failing.
        auto *state = c.view->findChild<QComboBox *>(QStringLiteral("stateFilter"));
        state->setCurrentIndex(state->findData(toString(DeliveryState::Delivered)));
        c.view->resendFailing();
        QCOMPARE(said.count(), 1);
        QCOMPARE(said.last().at(0).toString(),
                 QStringLiteral("The current filter shows no failing deliveries (failed or retrying)."));

        // Retrying only: the two on their schedule.
        state->setCurrentIndex(state->findData(toString(DeliveryState::Retrying)));
        c.view->resendFailing();
        QMessageBox *box = waitForBox(c.view.get(), QStringLiteral("resendConfirm"));
        QVERIFY(box);
        QVERIFY2(box->text().startsWith(QStringLiteral("Resend 2 failing deliveries to 1 endpoint(s)?")),
                 qPrintable(box->text()));
        box->button(QMessageBox::No)->click();
        QTRY_VERIFY(!c.view->findChild<QMessageBox *>(QStringLiteral("resendConfirm")));

        // Every state: three failed and two retrying, said so, then sent.
        state->setCurrentIndex(0);
        c.view->resendFailing();
        box = waitForBox(c.view.get(), QStringLiteral("resendConfirm"));
        QVERIFY(box);
        QCOMPARE(box->text(), QStringLiteral("Resend 5 failing deliveries to 1 endpoint(s)?\n3 failed, 2 "
                                             "retrying: sent now; a retrying one keeps its schedule if it "
                                             "fails again."));
        box->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(count(db, QStringLiteral("SELECT count(*) FROM messages WHERE state = "
                                                           "'queued' AND next_trigger = 'manual'")),
                                  5, 10000);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM messages WHERE state = 'delivered'")), 1);
        // The schedule is kept: the next automatic attempt waits in resume_at.
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM messages WHERE id = ? AND resume_at = ?"),
                       {retrying, toDb(scheduled)}),
                 1);
    }

    // Item 3: resending a held delivery offers Reactivate and resend, which does both.
    void heldDeliveryOffersReactivateAndResend()
    {
        test::TempDatabase db;
        Subscriber q = addSubscriber(db, QStringLiteral("http://127.0.0.1:1/q"));
        const QString held = addMessage(db, q, DeliveryState::Failed);
        quarantine(db, q);
        QCOMPARE(toString(db.store().outbox.find(held)->state), toString(DeliveryState::Failed));
        const QString queued = addMessage(db, q, DeliveryState::Queued);
        db.store().outbox.holdForSubscriber(q.id, QDateTime::currentDateTimeUtc());
        QCOMPARE(toString(db.store().outbox.find(queued)->state), toString(DeliveryState::Held));
        db.reopen();

        Console c(db.path());
        QTRY_COMPARE(c.view->model()->rowCount(), 2);
        c.view->table()->selectRow(c.view->model()->rowOf(queued));
        c.view->resendSelected();
        QMessageBox *box = waitForBox(c.view.get(), QStringLiteral("reactivateAndResend"));
        QVERIFY2(box, "a held delivery asks to reactivate instead of refusing");
        QCOMPARE(box->text(), QStringLiteral("http://127.0.0.1:1/q is quarantined, so its deliveries are "
                                             "held. Reactivate it and resend?"));
        auto *go = box->findChild<QPushButton *>(QStringLiteral("reactivateAndResendButton"));
        QVERIFY(go);
        go->click();
        QTRY_COMPARE_WITH_TIMEOUT(int(db.store().subscribers.find(q.id)->state), int(SubscriberState::Active),
                                  10000);
        QTRY_COMPARE(count(db,
                           QStringLiteral("SELECT count(*) FROM messages WHERE id = ? AND state = 'queued' "
                                          "AND next_trigger = 'manual'"),
                           {queued}),
                     1);
    }

    // Item 3: a quarantine notice is one line with Reactivate and Open endpoint; it leaves the panel when
    // its endpoint is reactivated, here or by another process (statusdesk-cli).
    void quarantineNoticeReactivatesAndOpensTheEndpoint()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        const Subscriber one = addSubscriber(db, receiver.url(QStringLiteral("/one")));
        const Subscriber two = addSubscriber(db, receiver.url(QStringLiteral("/two")));
        quarantine(db, one);
        quarantine(db, two);
        Notice purge;
        purge.createdAt = QDateTime::currentDateTimeUtc();
        purge.kind = QStringLiteral("purged");
        purge.text = QStringLiteral("Subscriber x (http://127.0.0.1:9/x) was purged after 30 days in "
                                    "quarantine. Its history stays.");
        db.store().notices.add(purge);
        db.reopen();

        Window w(db.path());
        QListWidget *list = w.window->noticesDock()->list();
        const auto quarantineRows = [list] {
            QList<QWidget *> rows;
            for (int i = 0; i < list->count(); ++i)
                if (QWidget *row = list->itemWidget(list->item(i)))
                    rows << row;
            return rows;
        };
        QCOMPARE(quarantineRows().size(), 2);
        QCOMPARE(list->count(), 3);
        for (int i = 0; i < list->count(); ++i) {
            QVERIFY2(!list->item(i)->text().contains(QLatin1Char('\n')), "one line per notice");
            QVERIFY(!list->item(i)->toolTip().isEmpty()); // the whole text on demand
        }
        QWidget *first = quarantineRows().first(); // the newest: two's
        ElidedLabel *line = first->findChild<ElidedLabel *>();
        QVERIFY(line->text().contains(QLatin1String("/two")));
        // Named by its endpoint, cut in the middle: in a narrow panel the end of the URL stays in view.
        line->resize(140, line->height());
        QVERIFY2(line->isElided() && line->shownText().endsWith(QLatin1String("/two")),
                 qPrintable(line->shownText()));

        // Open endpoint: the endpoint page of that subscriber.
        first->findChild<QPushButton *>(QStringLiteral("noticeOpenEndpoint"))->click();
        EndpointPage *page = nullptr;
        QTRY_VERIFY((page = w.window->findChild<EndpointPage *>()) != nullptr);
        QVERIFY(page->isVisible());
        QTRY_VERIFY2(page->windowTitle().contains(QLatin1String("/two")), qPrintable(page->windowTitle()));
        page->close();

        // Another process reactivates one: the row leaves this console's panel.
        const test::CliRun run =
            test::runCli({QStringLiteral("--db"), db.path(), QStringLiteral("subscriber"),
                          QStringLiteral("reactivate"), one.id});
        QCOMPARE(run.code, 0);
        QTRY_COMPARE_WITH_TIMEOUT(quarantineRows().size(), 1, 5000);
        QVERIFY(quarantineRows().first()->findChild<ElidedLabel *>()->text().contains(QLatin1String("/two")));

        // Reactivate from the notice.
        quarantineRows().first()->findChild<QPushButton *>(QStringLiteral("noticeReactivate"))->click();
        QTRY_COMPARE(quarantineRows().size(), 0);
        db.reopen();
        QCOMPARE(int(db.store().subscribers.find(two.id)->state), int(SubscriberState::Active));
    }

    // Item 3: retry schedule, caps and quarantine threshold in the settings dialog; bad input is one
    // sentence and writes nothing.
    void settingsDialogEditsRetriesAndLimits()
    {
        test::TempDatabase db;
        SettingsDialog dialog(true, ProxySetting{}, SmtpSettings{});
        QCOMPARE(dialog.scheduleEdit()->text(), QStringLiteral("0,5s,5m,30m,2h,5h,10h,10h"));
        dialog.setRetryAndLimits(RetryAndLimits::from(DeliverySettings::load(db.store().settings)));
        dialog.scheduleEdit()->setText(dialog.scheduleEdit()->text() + QStringLiteral(",oops"));
        DeliverySettingsService service(db.context());
        auto refused = service.save(dialog.retryAndLimits());
        QVERIFY(!refused);
        QCOMPARE(refused.error(),
                 QStringLiteral("The retry schedule must be a comma-separated list of delays "
                                "such as 0,5s,5m,30m,2h,5h,10h,10h."));
        QCOMPARE(DeliverySettings::load(db.store().settings).retryScheduleMs.size(), 8);

        dialog.scheduleEdit()->setText(QStringLiteral("0, 10s, 1m"));
        dialog.maxInFlightBox()->setValue(40);
        dialog.maxPerHostBox()->setValue(3);
        dialog.quarantineFailuresBox()->setValue(4);
        dialog.quarantineWindowBox()->setValue(15);
        auto saved = service.save(dialog.retryAndLimits());
        QVERIFY2(saved, qPrintable(saved.error()));
        QVERIFY(saved.value());
        const DeliverySettings s = DeliverySettings::load(db.store().settings);
        QCOMPARE(s.retryScheduleMs, (QList<qint64>{0, 10'000, 60'000}));
        QCOMPARE(s.maxInFlight, 40);
        QCOMPARE(s.maxPerHost, 3);
        QCOMPARE(s.quarantineFailures, 4);
        QCOMPARE(s.quarantineWindowMs, 15 * 60'000);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'settings.set' AND "
                                          "detail LIKE '%quarantine after failures 10 → 4%'")),
                 1);
        // The same values again change nothing and write no audit row.
        QVERIFY(!service.save(dialog.retryAndLimits()).value());

        dialog.maxPerHostBox()->setValue(41);
        QCOMPARE(service.save(dialog.retryAndLimits()).error(),
                 QStringLiteral("The per-host cap (41) cannot exceed the cap on webhooks in flight (40)."));
    }

    // Item 4: at 1024 px every status-bar text is whole or elided with the whole text in its tooltip, and
    // the message is not cut under the others.
    void statusBarAt1024()
    {
        test::TempDatabase db;
        addSubscriber(db, QStringLiteral("http://127.0.0.1:1/a"));
        db.reopen();
        Window w(db.path(), {1024, 700});
        QVERIFY(QTest::qWaitForWindowExposed(w.window.get()));
        // The figures below are the test's: the engine and the fan-out monitor say nothing from here on.
        w.window->session().delivery().stop();
        QTest::qWait(300);
        w.window->session().delivery().blockSignals(true);
        for (FanoutProgressMonitor *monitor : w.window->session().findChildren<FanoutProgressMonitor *>())
            monitor->blockSignals(true);
        QStatusBar *bar = w.window->statusBar();
        const QString message =
            QStringLiteral("Status changed; 2 webhook(s) queued. Undo with Ctrl+Z within 30 s.");
        bar->showMessage(message);

        DeliveryProgress p;
        p.counts.delivered = 123456;
        p.counts.failed = 1234;
        p.counts.held = 56;
        p.counts.retrying = 78;
        p.counts.queued = 9012;
        p.engines = 3;
        w.window->deliveryProgress()->setProgress(p);
        FanoutSnapshot stalled;
        stalled.fanout.eventId = QStringLiteral("e");
        stalled.fanout.subjectName = QStringLiteral("Database cluster (primary)");
        stalled.fanout.counts.delivered = 48;
        stalled.fanout.counts.queued = 14;
        stalled.stalled = true;
        w.window->fanoutProgress()->setFanouts({stalled});
        w.window->fanoutProgress()->setHostWait(QStringLiteral("http://slow.example:8080"), 14, 6);
        QCoreApplication::processEvents();
        QTest::qWait(50);

        QCOMPARE(w.window->fanoutProgress()->text(),
                 QStringLiteral("Database cluster (primary): 48 / 62 · stalled · 14 waiting for "
                                "http://slow.example:8080 (per-host cap 6)"));
        QCOMPARE(w.window->statusMessageLabel()->text(), message);
        int elided = 0;
        const QList<ElidedLabel *> labels = bar->findChildren<ElidedLabel *>();
        QVERIFY(labels.size() >= 4); // message, fan-out, lifetime, operator
        for (ElidedLabel *label : labels) {
            if (!label->isVisibleTo(bar))
                continue;
            const QRect r(label->mapTo(bar, QPoint(0, 0)), label->size());
            QVERIFY2(r.right() <= bar->width(), qPrintable(label->text()));
            QVERIFY2(label->width() >= label->minimumSizeHint().width() - 1, qPrintable(label->text()));
            if (label->isElided()) {
                ++elided;
                QVERIFY2(label->toolTip().contains(label->text()), qPrintable(label->text()));
                QVERIFY(label->shownText().endsWith(QChar(0x2026)));
            }
        }
        QVERIFY2(elided > 0, "at 1024 px something had to give");
        qInfo("%d of %d status-bar texts elided at 1024 px; message shown as \"%s\"", elided,
              int(labels.size()), qPrintable(w.window->statusMessageLabel()->shownText()));
        QVERIFY(w.window->statusMessageLabel()->width() > 100);
    }

    // Item 4: the ETA comes from recent throughput and turns into "stalled" when nothing finishes, instead
    // of counting up.
    void etaStallsInsteadOfCountingUp_data()
    {
        QTest::addColumn<QList<int>>("times");    // ms
        QTest::addColumn<QList<int>>("finished"); // at each time
        QTest::addColumn<int>("remaining");
        QTest::addColumn<qint64>("eta");
        QTest::addColumn<bool>("stalled");
        QTest::newRow("steady") << QList<int>{0, 1000, 2000} << QList<int>{0, 10, 20} << 10 << qint64(1000)
                                << false;
        QTest::newRow("slowing, not yet stalled")
            << QList<int>{0, 1000, 2000, 4000} << QList<int>{0, 10, 20, 20} << 10 << qint64(2000) << false;
        QTest::newRow("stalled") << QList<int>{0, 1000, 2000, 7000} << QList<int>{0, 10, 20, 20} << 10
                                 << qint64(-1) << true;
        QTest::newRow("nothing left")
            << QList<int>{0, 1000, 9000} << QList<int>{0, 10, 10} << 0 << qint64(-1) << false;
        // Over the whole recent window (10 s), the stall included: 15 finished in 7.5 s.
        QTest::newRow("moving again")
            << QList<int>{0, 1000, 7000, 7500} << QList<int>{0, 10, 10, 15} << 10 << qint64(5000) << false;
    }
    void etaStallsInsteadOfCountingUp()
    {
        QFETCH(QList<int>, times);
        QFETCH(QList<int>, finished);
        QFETCH(int, remaining);
        QFETCH(qint64, eta);
        QFETCH(bool, stalled);
        EtaEstimator e;
        for (int i = 0; i < times.size(); ++i)
            e.add(times[i], finished[i]);
        QCOMPARE(e.stalled(remaining), stalled);
        QCOMPARE(e.etaMs(remaining), eta);
    }

    // Item 6: the export dialog counts what the filter selects and warns at zero; the export says where it
    // saved how many rows, with Open folder; the default name is dated.
    void exportCountsAndSaysSaved()
    {
        test::TempDatabase db;
        const Subscriber a = addSubscriber(db, QStringLiteral("http://127.0.0.1:1/a"));
        {
            Transaction tx(db.store().db());
            const QString id = addMessage(db, a, DeliveryState::Retrying);
            for (int i = 1; i <= 3; ++i) {
                Attempt at;
                at.subscriberId = a.id;
                at.endpoint = a.endpoint;
                at.messageId = id;
                at.attemptNumber = i;
                at.startedAt = QDateTime::currentDateTimeUtc().addSecs(-30 + i);
                at.endedAt = at.startedAt.addMSecs(20);
                at.durationMs = 20;
                at.httpStatus = 500;
                at.errorClass = QStringLiteral("http_5xx");
                db.store().outbox.recordAttempt(at, DeliveryState::Retrying);
            }
            tx.commit();
        }
        db.reopen();

        ReportExportDialog dialog(MessageFilter{});
        dialog.countIn(db.path());
        QTRY_COMPARE_WITH_TIMEOUT(dialog.countLabel()->text(),
                                  QStringLiteral("3 attempt(s) match: one row each."), 5000);
        // The Deliveries tab's filter came along and matches nothing: said before Save, not after.
        auto *state = dialog.findChild<QComboBox *>(QStringLiteral("filterState"));
        state->setCurrentIndex(state->findData(toString(DeliveryState::Delivered)));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.countLabel()->text().startsWith(QStringLiteral("No attempt matches")),
                                 5000);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.csv"));
        ReportExportJob job(db.path(), MessageFilter{}, {}, ReportExporter::Format::Csv, path);
        QSignalSpy saved(&job, &ReportExportJob::saved);
        QSignalSpy finished(&job, &ReportExportJob::finished);
        job.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(saved.count(), 1);
        QCOMPARE(saved.first().at(0).toLongLong(), 3);
        QWidget parent;
        QMessageBox *box = ReportExporter::showSaved(&parent, path, 3);
        QCOMPARE(box->text(), QStringLiteral("Saved 3 row(s) to %1.").arg(QDir::toNativeSeparators(path)));
        QVERIFY(box->findChild<QPushButton *>(QStringLiteral("openFolder")));
        QVERIFY(box->windowModality() == Qt::NonModal);
        box->close();
    }

    // Item 7: the response body as received (not re-serialised with sorted keys), indented on demand; the
    // attempt's time in the console's one format.
    void responseBodyAsReceived()
    {
        test::TempDatabase db;
        const Subscriber a = addSubscriber(db, QStringLiteral("http://127.0.0.1:1/a"));
        const QString id = addMessage(db, a, DeliveryState::Retrying);
        Attempt at;
        at.subscriberId = a.id;
        at.endpoint = a.endpoint;
        at.messageId = id;
        at.attemptNumber = 1;
        at.startedAt = QDateTime::currentDateTimeUtc().addSecs(-5);
        at.endedAt = at.startedAt.addMSecs(20);
        at.durationMs = 20;
        at.httpStatus = 500;
        at.errorClass = QStringLiteral("http_5xx");
        at.responseBody = "{\"zeta\":1,  \"alpha\":2}";
        db.store().outbox.recordAttempt(at, DeliveryState::Retrying);
        DeliveryDetail detail(db.path());
        QSignalSpy shown(&detail, &DeliveryDetail::shown);
        detail.showMessage(*db.store().outbox.find(id));
        QVERIFY(shown.wait());
        QVERIFY2(detail.toPlainText().contains(QLatin1String("{\"zeta\":1,  \"alpha\":2}")),
                 qPrintable(detail.toPlainText()));
        QVERIFY(detail.toPlainText().contains(timefmt::display(at.startedAt)));
        QVERIFY(!detail.toPlainText().contains(QLatin1String("Z,")));
        detail.setPrettyJson(true);
        const QString pretty = detail.toPlainText();
        QVERIFY(pretty.contains(QLatin1String("\"alpha\": 2")));
        detail.setPrettyJson(false);
        QVERIFY(detail.toPlainText().contains(QLatin1String("{\"zeta\":1,  \"alpha\":2}")));
    }

    // At 1024×700 every window opens within the screen, its title bar and buttons on it: the main window
    // opened at 1200×760 and the incident dialog at 680×760 there, whatever the screen. The offscreen screen
    // here (800×600) is smaller still. A geometry saved on a larger screen is fitted too.
    void windowsOpenWithinTheScreen()
    {
        const QSize room = QGuiApplication::primaryScreen()->availableGeometry().size() - QSize(16, 40);
        auto fits = [&room](const QWidget &w) {
            return w.width() <= room.width() && w.height() <= room.height();
        };
        auto size = [](const QWidget &w) { return QStringLiteral("%1x%2").arg(w.width()).arg(w.height()); };
        test::TempDatabase db;
        ComponentService(db.context()).add({QStringLiteral("API")});
        db.reopen();
        QSettings().remove(QStringLiteral("window/geometry"));
        for (const bool savedLarger : {false, true}) {
            QString error;
            auto session = Session::open(db.path(), &error);
            QVERIFY2(session, qPrintable(error));
            MainWindow window(std::move(session));
            QVERIFY2(fits(window),
                     qPrintable(size(window) + (savedLarger ? QStringLiteral(", restored") : QString())));
            if (!savedLarger) {
                window.resize(1200, 760);
                QSettings().setValue(QStringLiteral("window/geometry"), window.saveGeometry());
                continue;
            }
            const std::vector<Component> components = window.session().store().components.all();
            Incident existing;
            existing.name = QStringLiteral("API errors");
            existing.status = IncidentStatus::Investigating;
            for (const auto mode : {IncidentDialog::Mode::Create, IncidentDialog::Mode::Maintenance,
                                    IncidentDialog::Mode::Update}) {
                IncidentDialog dialog(mode, components,
                                      mode == IncidentDialog::Mode::Update ? &existing : nullptr, &window);
                QVERIFY2(fits(dialog), qPrintable(size(dialog)));
            }
        }
        QSettings().remove(QStringLiteral("window/geometry"));
    }

    // At 1024 px the Endpoint column is narrow: URLs are cut in the middle, so the path that tells
    // http://host:port/ok1 from /fail1 stays in view (cut at the right, every row read the same).
    void endpointsAreCutInTheMiddle()
    {
        test::TempDatabase db;
        addSubscriber(db, QStringLiteral("http://127.0.0.1:18771/fail1"));
        db.reopen();
        Window w(db.path(), {1024, 700});
        QVERIFY(qobject_cast<UrlDelegate *>(
            w.window->deliveriesView()->table()->itemDelegateForColumn(DeliveriesModel::EndpointColumn)));
        QVERIFY(qobject_cast<UrlDelegate *>(
            w.window->subscribersView()->table()->itemDelegateForColumn(SubscribersModel::EndpointColumn)));
        // At full size the spare room widens Event and Endpoint, so a whole URL shows; Error keeps the rest.
        w.window->tabs()->setCurrentWidget(w.window->deliveriesView());
        QTableView *table = w.window->deliveriesView()->table();
        const QFontMetrics fm = table->fontMetrics();
        const int url = fm.horizontalAdvance(QStringLiteral("http://127.0.0.1:18771/fail1"));
        QTRY_VERIFY2(table->columnWidth(DeliveriesModel::EndpointColumn) < url, "at 1024 px the URL is cut");
        w.window->resize(1900, 1000);
        QTRY_VERIFY2(table->columnWidth(DeliveriesModel::EndpointColumn) > url + 10,
                     qPrintable(QString::number(table->columnWidth(DeliveriesModel::EndpointColumn))));
        QVERIFY(table->columnWidth(DeliveriesModel::EventColumn) >
                fm.horizontalAdvance(QStringLiteral("Component: Payments gateway")));
        QVERIFY(table->columnWidth(DeliveriesModel::ErrorColumn) >=
                30 * fm.horizontalAdvance(QLatin1Char('M')));
    }

    // Item 7, dark palette: the detail's header and body blocks take the new colours when the desktop
    // switches between light and dark while a delivery is shown (they kept the old ones until the next
    // selection).
    void detailFollowsAPaletteSwitch()
    {
        test::TempDatabase db;
        const Subscriber a = addSubscriber(db, QStringLiteral("http://127.0.0.1:1/a"));
        const QString id = addMessage(db, a, DeliveryState::Retrying);
        QWidget pane; // inside a window, as in the Deliveries tab
        auto *detail = new DeliveryDetail(db.path(), &pane);
        QSignalSpy shown(detail, &DeliveryDetail::shown);
        detail->showMessage(*db.store().outbox.find(id));
        QVERIFY(shown.wait());
        pane.show();
        const QPalette before = QApplication::palette();
        QPalette dark = before;
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
        QVERIFY(!detail->toHtml().contains(QLatin1String("#262626")));
        QApplication::setPalette(dark);
        QTRY_VERIFY(detail->toHtml().contains(QLatin1String("#262626")));
        QApplication::setPalette(before);
        QTRY_VERIFY(!detail->toHtml().contains(QLatin1String("#262626")));
        QCOMPARE(shown.size(), 1); // drawn again from what was read: the store is not read on a switch
    }

    // The detail is read off the UI thread (MessageDetailReader): the pane draws the row selected last, never
    // a read that arrives for a row the operator has left, and a cleared pane stays clear.
    void detailShowsOnlyTheRowSelectedLast()
    {
        test::TempDatabase db;
        const Subscriber a = addSubscriber(db, QStringLiteral("http://127.0.0.1:1/a"));
        const QString first = addMessage(db, a, DeliveryState::Retrying);
        const QString second = addMessage(db, a, DeliveryState::Failed);
        DeliveryDetail detail(db.path());
        QSignalSpy shown(&detail, &DeliveryDetail::shown);
        detail.showMessage(*db.store().outbox.find(first));
        detail.showMessage(*db.store().outbox.find(second));
        QVERIFY(shown.wait());
        QCOMPARE(shown.first().first().toString(), second);
        QTest::qWait(100); // a late answer for the first row would arrive meanwhile
        QCOMPARE(shown.size(), 1);
        QVERIFY(detail.toPlainText().contains(second));
        QVERIFY(!detail.toPlainText().contains(first));

        detail.showMessage(*db.store().outbox.find(first));
        detail.clearMessage();
        QTest::qWait(100);
        QCOMPARE(shown.size(), 1);
        QVERIFY(detail.toPlainText().isEmpty());
        QCOMPARE(detail.messageId(), QString());
    }

    // Item 6: Ctrl+1…5 put the keyboard in the tab's table, on a row.
    void ctrlNumberFocusesTheTable_data()
    {
        QTest::addColumn<int>("tab");
        QTest::newRow("Ctrl+1 Components") << 0;
        QTest::newRow("Ctrl+2 Incidents") << 1;
        QTest::newRow("Ctrl+3 Subscribers") << 2;
        QTest::newRow("Ctrl+4 Deliveries") << 3;
        QTest::newRow("Ctrl+5 Upstream") << 4;
    }
    void ctrlNumberFocusesTheTable()
    {
        QFETCH(int, tab);
        test::TempDatabase db;
        ComponentService(db.context()).add({QStringLiteral("API")});
        addSubscriber(db, QStringLiteral("http://127.0.0.1:1/a"));
        db.reopen();
        Window w(db.path());
        QVERIFY(QTest::qWaitForWindowActive(w.window.get()));
        w.window->tabs()->setCurrentIndex(tab == 0 ? 1 : 0);
        w.window->tabs()->tabBar()->setFocus();
        QTest::keyClick(w.window.get(), Qt::Key(Qt::Key_1 + tab), Qt::ControlModifier);
        QCOMPARE(w.window->tabs()->currentIndex(), tab);
        const QList<QTableView *> tables{
            w.window->componentsView()->table(), w.window->incidentsView()->table(),
            w.window->subscribersView()->table(), w.window->deliveriesView()->table(),
            w.window->upstreamView()->pagesTable()};
        QTRY_COMPARE(QApplication::focusWidget(), tables[tab]);
        if (tables[tab]->model()->rowCount() > 0)
            QVERIFY(tables[tab]->currentIndex().isValid());
    }

    // Item 6: after a confirmed change the keyboard is back on the changed row, so F2 works again at once.
    void focusReturnsToTheRowAfterAChange()
    {
        test::TempDatabase db;
        const Component api = ComponentService(db.context()).add({QStringLiteral("API")}).value();
        ComponentService(db.context()).add({QStringLiteral("Web")});
        db.reopen();
        Window w(db.path());
        QVERIFY(QTest::qWaitForWindowActive(w.window.get()));
        QTest::keyClick(w.window.get(), Qt::Key_1, Qt::ControlModifier);
        QTableView *table = w.window->componentsView()->table();
        ComponentsModel *model = w.window->componentsView()->model();
        const int row = model->rowOfComponent(api.id);
        table->setCurrentIndex(model->index(row, ComponentsModel::NameColumn));
        QTRY_COMPARE(QApplication::focusWidget(), table);
        test::whenModal(w.window.get(), [](QDialog *dialog) { dialog->accept(); });
        QTest::keyClick(table, Qt::Key_F2);
        StatusComboEditor *editor = nullptr;
        QTRY_VERIFY((editor = table->findChild<StatusComboEditor *>()) != nullptr);
        QTest::keyClick(editor, Qt::Key_End); // Major outage
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(
            model->data(model->index(row, ComponentsModel::StatusColumn), Qt::EditRole).toString(),
            toString(ComponentStatus::MajorOutage), 10000);
        w.window->activateWindow();
        QTRY_COMPARE(QApplication::focusWidget(), table);
        QCOMPARE(table->currentIndex().row(), row);
        QVERIFY(QApplication::focusWidget() != w.window->tabs()->tabBar());
    }

    // Item 6: F1 opens the manual page and the shortcut list (it used to open About).
    void f1OpensHelp()
    {
        test::TempDatabase db;
        Window w(db.path());
        QVERIFY(QTest::qWaitForWindowActive(w.window.get()));
        QTest::keyClick(w.window.get(), Qt::Key_F1);
        HelpDialog *help = nullptr;
        QTRY_VERIFY((help = w.window->findChild<HelpDialog *>()) != nullptr);
        QTRY_VERIFY(help->isVisible());
        QVERIFY(help->manual()->toPlainText().contains(QLatin1String("The console, in detail")));
        QCOMPARE(help->tabs()->count(), 2);
        auto *shortcuts = qobject_cast<QTableWidget *>(help->tabs()->widget(1));
        QVERIFY(shortcuts);
        QVERIFY(shortcuts->rowCount() > 10);
        QStringList keys;
        for (int r = 0; r < shortcuts->rowCount(); ++r)
            keys << shortcuts->item(r, 0)->text();
        QVERIFY(keys.contains(QKeySequence(QKeySequence::HelpContents).toString(QKeySequence::NativeText)));
        help->close();
    }
};

QTEST_MAIN(TestConsoleFlows)
#include "tst_consoleflows.moc"
