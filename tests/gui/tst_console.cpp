#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/operatoridentity.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/incidentsmodel.h"
#include "models/itemmodels/subscribersmodel.h"
#include "models/values.h"
#include "tests/gui/whenmodal.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/componentsview.h"
#include "ui/deliveriesview.h"
#include "ui/elidedlabel.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"
#include "ui/statusbarwidgets.h"
#include "ui/subscriberdialog.h"
#include "ui/subscribersview.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>
#include <functional>

using namespace sd;

class TestConsole : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        Component api;
        Subscriber subscriber;
        std::unique_ptr<MainWindow> window;

        explicit Fixture(bool singleAttempt = false)
        {
            receiver.start();
            ComponentService components(db.context());
            NewComponent c;
            c.name = QStringLiteral("API");
            c.group = QStringLiteral("Core");
            api = components.add(c).value();
            SubscriberService subscribers(db.context());
            NewSubscriber s;
            s.endpoint = receiver.url();
            s.email = QStringLiteral("ops@example.com");
            subscriber = subscribers.add(s).value();
            // Close this connection's half-read statements: one left open would hold back later writes
            // from being committed (see the note to the lead about Database::run).
            db.reopen();
            if (singleAttempt) {
                DeliverySettings settings;
                settings.retryScheduleMs = {0}; // one attempt, then failed
                settings.save(db.store().settings);
                db.reopen();
            }
        }
        void open()
        {
            QString error;
            auto session = Session::open(db.path(), &error);
            QVERIFY2(session, qPrintable(error));
            window = std::make_unique<MainWindow>(std::move(session));
            window->show();
        }
        DeliveriesModel *deliveries() { return window->deliveriesView()->model(); }
        // The window writes through its own connection; reopen so this one reads the latest snapshot.
        Store &fresh()
        {
            db.reopen();
            return db.store();
        }
        // Changes API's status through the table's delegate, accepting the notification question.
        void changeStatusInTable(const QString &status, bool notify = true)
        {
            ComponentsView *view = window->componentsView();
            window->tabs()->setCurrentWidget(view);
            const QModelIndex index =
                view->model()->index(view->model()->rowOfComponent(api.id), ComponentsModel::StatusColumn);
            view->table()->setCurrentIndex(index);
            view->table()->edit(index);
            auto *combo = view->table()->findChild<QComboBox *>();
            QVERIFY(combo);
            test::whenModal(window.get(), [notify](QDialog *dialog) {
                QCOMPARE(dialog->objectName(), QStringLiteral("statusChangeDialog"));
                auto *check = dialog->findChild<QCheckBox *>(QStringLiteral("notifyCheck"));
                QVERIFY(check->text().contains(QStringLiteral("1 subscriber")));
                check->setChecked(notify);
                dialog->accept();
            });
            combo->setCurrentIndex(combo->findData(status));
            Q_EMIT combo->activated(combo->currentIndex());
        }
    };

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_console"));
    }

    void statusChangeIsDelivered()
    {
        Fixture f;
        f.open();
        f.changeStatusInTable(QStringLiteral("major_outage"));
        // The write (and its fan-out) runs on the session's worker thread; the window hears when it is
        // stored.
        QTRY_COMPARE_WITH_TIMEOUT(f.window->pageStatus()->text(), QStringLiteral("Major System Outage"),
                                  5000);
        QCOMPARE(f.fresh().outbox.count({}), 1);
        // The new row shows up, then turns delivered when the loopback receiver answers.
        QTRY_COMPARE_WITH_TIMEOUT(f.deliveries()->rowCount(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(f.deliveries()->messageAt(0)->state),
                                  static_cast<int>(DeliveryState::Delivered), 15000);
        QCOMPARE(f.receiver.requests().size(), 1);
        QVERIFY(f.receiver.requests().first().body.contains("\"new_status\":\"major_outage\""));
        QCOMPARE(f.deliveries()->index(0, DeliveriesModel::HttpStatusColumn).data().toInt(), 200);
    }

    void silentStatusChangeSendsNothing()
    {
        Fixture f;
        f.open();
        f.changeStatusInTable(QStringLiteral("degraded_performance"), false);
        QTRY_COMPARE_WITH_TIMEOUT(f.window->pageStatus()->text(),
                                  QStringLiteral("Partially Degraded Service"), 5000);
        QCOMPARE(toString(f.fresh().components.find(f.api.id)->status),
                 toString(ComponentStatus::DegradedPerformance));
        QCOMPARE(f.fresh().outbox.count({}), 0);
    }

    void renameSendsNothing()
    {
        Fixture f;
        f.open();
        ComponentsView *view = f.window->componentsView();
        const QModelIndex index =
            view->model()->index(view->model()->rowOfComponent(f.api.id), ComponentsModel::NameColumn);
        view->table()->setCurrentIndex(index);
        view->table()->edit(index);
        auto *editor = view->table()->findChild<QLineEdit *>();
        QVERIFY(editor);
        editor->setText(QStringLiteral("Public API"));
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(f.fresh().components.find(f.api.id)->name, QStringLiteral("Public API"));
        QTest::qWait(1500);
        QCOMPARE(f.fresh().outbox.count({}), 0);
        QCOMPARE(f.receiver.requests().size(), 0);
        QCOMPARE(f.deliveries()->rowCount(), 0);
    }

    void postIncidentUpdate()
    {
        Fixture f;
        IncidentService incidents(f.db.context());
        NewIncident in;
        in.name = QStringLiteral("API errors");
        in.body = QStringLiteral("We are investigating.");
        in.components = {{f.api.id, ComponentStatus::PartialOutage}};
        const Incident created = incidents.create(in).value().incident;
        f.open();
        IncidentsView *view = f.window->incidentsView();
        f.window->tabs()->setCurrentWidget(view);
        view->table()->setCurrentIndex(view->model()->index(0, 0));
        QVERIFY(view->history()->toPlainText().contains(QStringLiteral("We are investigating.")));
        test::whenModal(f.window.get(), [](QDialog *dialog) {
            auto *status = dialog->findChild<QComboBox *>();
            status->setCurrentIndex(
                status->findText(QStringLiteral("Identified"))); // human labels (issue 13)
            dialog->findChild<QPlainTextEdit *>(QStringLiteral("incidentBody"))
                ->setPlainText(QStringLiteral("Cause found <b>bold</b>."));
            dialog->accept();
        });
        view->postUpdate();
        // Posted on the session's worker thread; the history shows it once it is stored.
        QTRY_VERIFY_WITH_TIMEOUT(
            view->history()->toPlainText().contains(QStringLiteral("Cause found <b>bold</b>.")), 5000);
        const auto stored = f.fresh().incidents.find(created.id);
        QCOMPARE(stored->updates.size(), size_t(2));
        QCOMPARE(stored->updates.front().body, QStringLiteral("Cause found <b>bold</b>."));
        QCOMPARE(static_cast<int>(stored->status), static_cast<int>(IncidentStatus::Identified));
        // History newest first, user text escaped.
        const QString history = view->history()->toPlainText();
        QVERIFY(history.indexOf(QStringLiteral("Cause found <b>bold</b>.")) <
                history.indexOf(QStringLiteral("We are investigating.")));
        // Creation (the incident and the component it degraded) and the update all reach the subscriber.
        QTRY_COMPARE_WITH_TIMEOUT(f.receiver.requests().size(), 3, 15000);
        int incidentBodies = 0, componentBodies = 0, withUpdate = 0;
        for (const test::ReceivedRequest &r : f.receiver.requests()) {
            const QJsonObject body = QJsonDocument::fromJson(r.body).object();
            incidentBodies += body.contains(QLatin1String("incident")) ? 1 : 0;
            componentBodies += body.contains(QLatin1String("component_update")) ? 1 : 0;
            withUpdate += r.body.contains("Cause found <b>bold</b>.") ? 1 : 0;
        }
        QCOMPARE(incidentBodies, 2);
        QCOMPARE(componentBodies, 1);
        QCOMPARE(withUpdate, 1);
        QVERIFY(view->previewText().contains(QStringLiteral("\"incident_updates\"")));
    }

    // The file is read and the rows written on the session's worker; the per-row error list follows.
    void csvImportListsRejectedRows()
    {
        Fixture f;
        f.open();
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("subs.csv"));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("endpoint,email\nhttp://127.0.0.1:9/imported,a@example.com\nnot a url,b@example.com\n");
        file.close();
        QString summary;
        QStringList rows;
        test::whenModal(f.window.get(), [&](QDialog *dialog) {
            QCOMPARE(dialog->objectName(), QStringLiteral("importErrors"));
            summary = dialog->findChild<QLabel *>()->text();
            auto *list = dialog->findChild<QListWidget *>();
            for (int i = 0; i < list->count(); ++i)
                rows << list->item(i)->text();
            dialog->reject();
        });
        f.window->subscribersView()->importCsvFile(csv);
        QTRY_VERIFY_WITH_TIMEOUT(!summary.isEmpty(), 5000);
        QCOMPARE(summary, QStringLiteral("1 imported, 1 row(s) rejected:"));
        QCOMPARE(rows.size(), 1);
        QVERIFY2(rows.first().startsWith(QLatin1String("Line 3:")), qPrintable(rows.first()));
        QCOMPARE(f.fresh().subscribers.all().size(), size_t(2)); // the fixture's and the imported one
        QTRY_COMPARE_WITH_TIMEOUT(f.window->subscribersView()->model()->rowCount(), 2, 5000);
    }

    void slackUrlRejectedBesideTheField()
    {
        SubscriberDialog dialog({}, std::nullopt);
        dialog.show();
        QVERIFY(!dialog.canSave());
        QTest::keyClicks(dialog.endpointEdit(), QStringLiteral("https://hooks.slack.com/services/T0/B0/XX"));
        QTest::keyClicks(dialog.emailEdit(), QStringLiteral("ops@example.com"));
        QVERIFY(
            dialog.endpointError()->text().contains(QStringLiteral("Slack webhook URLs are not supported")));
        QVERIFY(dialog.endpointError()->isVisible());
        QVERIFY(!dialog.canSave());
        dialog.endpointEdit()->setText(QStringLiteral("https://example.com/hook"));
        QVERIFY(dialog.endpointError()->text().isEmpty());
        QVERIFY(dialog.canSave());
    }

    void slackUrlRejectedFromTheView()
    {
        Fixture f;
        f.open();
        bool sawError = false;
        test::whenModal(f.window.get(), [&sawError](QDialog *dialog) {
            auto *d = qobject_cast<SubscriberDialog *>(dialog);
            QVERIFY(d);
            QTest::keyClicks(d->endpointEdit(), QStringLiteral("https://hooks.slack.com/services/x"));
            sawError = d->endpointError()->text().contains(QStringLiteral("Slack")) && !d->canSave();
            d->done(QDialog::Rejected); // past the "discard what you typed?" question
        });
        f.window->subscribersView()->addSubscriber();
        QVERIFY(sawError);
        QCOMPARE(f.fresh().subscribers.all().size(), size_t(1));
    }

    void resendFailedRow()
    {
        Fixture f(true);
        test::HttpReceiver::Script fail;
        fail.status = 500;
        fail.reason = "Internal Server Error";
        f.receiver.setDefault(fail);
        f.open();
        f.changeStatusInTable(QStringLiteral("partial_outage"));
        QTRY_COMPARE_WITH_TIMEOUT(f.deliveries()->rowCount(), 1, 5000);
        (void)QTest::qWaitFor([&] { return f.deliveries()->messageAt(0)->state == DeliveryState::Failed; },
                              15000);
        if (f.deliveries()->messageAt(0)->state != DeliveryState::Failed) {
            const auto stored = f.fresh().outbox.list({});
            QFAIL(qPrintable(
                QStringLiteral("row still %1; stored state %2 after %3 attempt(s), %4 request(s) received")
                    .arg(toString(f.deliveries()->messageAt(0)->state), toString(stored.front().state))
                    .arg(stored.front().attempts)
                    .arg(f.receiver.requests().size())));
        }

        f.receiver.setDefault(test::HttpReceiver::Script{});
        DeliveriesView *view = f.window->deliveriesView();
        f.window->tabs()->setCurrentWidget(view);
        view->table()->selectRow(0);
        QCOMPARE(view->selectedIds().size(), 1);
        view->resendSelected();
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(f.deliveries()->messageAt(0)->state),
                                  static_cast<int>(DeliveryState::Delivered), 15000);
        QCOMPARE(f.deliveries()->messageAt(0)->attempts, 2);
        QCOMPARE(f.receiver.requests().size(), 2);
        // Both attempts carry the same webhook-id.
        QCOMPARE(f.receiver.requests()[0].headers.value("webhook-id"),
                 f.receiver.requests()[1].headers.value("webhook-id"));
    }

    // Who did what, in the console: the name set there is recorded with a status change and a resend,
    // and the component history, the incident timeline and the delivery detail show it.
    void consoleOperatorIsRecordedAndShown()
    {
        Fixture f(true);
        ServiceContext lee = f.db.context();
        lee.actor = QStringLiteral("lee@desk-4");
        NewIncident in;
        in.name = QStringLiteral("API errors");
        in.body = QStringLiteral("Investigating");
        in.notify = false;
        QVERIFY(IncidentService(lee).create(in).ok());
        f.db.reopen();
        test::HttpReceiver::Script fail;
        fail.status = 500;
        f.receiver.setDefault(fail);
        f.open();
        f.window->session().setOperatorName(QStringLiteral("Kim (IC)"));
        auto *label = f.window->findChild<ElidedLabel *>(QStringLiteral("operatorLabel"));
        QVERIFY(label);
        QCOMPARE(label->text(), QStringLiteral("as Kim (IC)"));

        f.changeStatusInTable(QStringLiteral("major_outage"));
        QTRY_COMPARE_WITH_TIMEOUT(f.deliveries()->rowCount(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(f.deliveries()->messageAt(0)->state),
                                  static_cast<int>(DeliveryState::Failed), 15000);
        DeliveriesView *deliveries = f.window->deliveriesView();
        f.window->tabs()->setCurrentWidget(deliveries);
        deliveries->table()->selectRow(0);
        auto *detail = deliveries->findChild<QTextBrowser *>(QStringLiteral("deliveryDetail"));
        QVERIFY(detail);
        QTRY_VERIFY(detail->toPlainText().contains(QStringLiteral("Queued by Kim (IC)")));

        f.window->session().setOperatorName(QStringLiteral("Max"));
        f.receiver.setDefault(test::HttpReceiver::Script{});
        deliveries->resendSelected();
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(f.deliveries()->messageAt(0)->state),
                                  static_cast<int>(DeliveryState::Delivered), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(detail->toPlainText().contains(QStringLiteral("resent by Max")), 5000);
        QVERIFY(detail->toPlainText().contains(QStringLiteral("Queued by Kim (IC)")));

        ComponentsView *components = f.window->componentsView();
        f.window->tabs()->setCurrentWidget(components);
        components->table()->selectRow(components->model()->rowOfComponent(f.api.id));
        components->showHistorySelected();
        QTextBrowser *history = nullptr;
        QTRY_VERIFY((history = components->findChild<QTextBrowser *>(QStringLiteral("componentHistory"))));
        QVERIFY2(history->toPlainText().contains(QStringLiteral("by Kim (IC)")),
                 qPrintable(history->toPlainText()));
        history->window()->close();

        IncidentsView *incidents = f.window->incidentsView();
        f.window->tabs()->setCurrentWidget(incidents);
        incidents->table()->setCurrentIndex(incidents->model()->index(0, 0));
        QVERIFY2(incidents->history()->toPlainText().contains(QStringLiteral("by lee@desk-4")),
                 qPrintable(incidents->history()->toPlainText()));

        f.window->session().setOperatorName(QString()); // back to the default for the next tests
        QCOMPARE(f.window->session().operatorName(), resolveOperator());
    }

    void unreadableDatabaseIsLeftAlone()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.sqlite"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        QString error;
        QVERIFY(!Session::open(path, &error));
        QVERIFY(!error.isEmpty());
        QFile again(path);
        QVERIFY(again.open(QIODevice::ReadOnly));
        QCOMPARE(again.readAll(), QByteArray(4096, 'x'));
    }
};

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
