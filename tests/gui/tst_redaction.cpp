// Issue 11 item 3 in the console: an endpoint's password is never shown. Subscribers and deliveries tables
// (every column and role), the delivery detail pane, copy-as-curl (a placeholder instead, said in its first
// line), the status bar and the report in every format.
#include "app/report/curlcommand.h"
#include "app/report/deliveryreport.h"
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/subscribersmodel.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/deliveriesview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"
#include "ui/subscriberdialog.h"
#include "ui/subscribersview.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

using namespace sd;

namespace {

const QLatin1String kSecret("hunter2");

// Every role a view may ask for, on every cell.
void verifyModelHidesSecret(QAbstractItemModel *model)
{
    QVERIFY(model->rowCount() > 0);
    bool sawRedacted = false;
    for (int r = 0; r < model->rowCount(); ++r) {
        for (int c = 0; c < model->columnCount(); ++c) {
            for (int role = 0; role < Qt::UserRole + 64; ++role) {
                const QString text = model->data(model->index(r, c), role).toString();
                QVERIFY2(
                    !text.contains(kSecret),
                    qPrintable(
                        QStringLiteral("row %1 column %2 role %3: %4").arg(r).arg(c).arg(role).arg(text)));
                sawRedacted = sawRedacted || text.contains(QLatin1String("hook:***@"));
            }
        }
    }
    QVERIFY(sawRedacted);
}

} // namespace

class TestRedaction final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void consoleNeverShowsThePassword()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        DeliverySettings settings;
        settings.retryScheduleMs = {0};
        settings.save(db.store().settings);
        const QString id = ComponentService(db.context()).add({QStringLiteral("API")}).value().id;
        const QString endpoint =
            receiver.url().replace(QStringLiteral("http://"), QStringLiteral("http://hook:hunter2@"));
        auto s = SubscriberService(db.context()).add({endpoint, QStringLiteral("ops@example.com"), {}, {}});
        QVERIFY2(s.ok(), qPrintable(s.error()));
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(db.context()).update(id, patch).ok());
        db.reopen();

        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        window.show();
        DeliveriesView *deliveries = window.deliveriesView();
        window.tabs()->setCurrentWidget(deliveries);
        QTRY_COMPARE_WITH_TIMEOUT(deliveries->model()->rowCount(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(deliveries->model()->messageAt(0)->state),
                                  static_cast<int>(DeliveryState::Delivered), 15000);
        QCOMPARE(receiver.requests().size(), 1);
        QCOMPARE(receiver.requests().first().headers.value("authorization"),
                 QByteArray("Basic ") + QByteArray("hook:hunter2").toBase64());

        verifyModelHidesSecret(deliveries->model());
        deliveries->table()->selectRow(0);
        auto *detail = deliveries->findChild<QTextBrowser *>(QStringLiteral("deliveryDetail"));
        QVERIFY(detail);
        QTRY_VERIFY(detail->toPlainText().contains(QLatin1String("hook:***@")));
        QVERIFY2(!detail->toHtml().contains(kSecret), qPrintable(detail->toPlainText()));

        deliveries->copyAsCurl();
        const QString curl = QApplication::clipboard()->text();
        QVERIFY2(!curl.contains(kSecret), qPrintable(curl));
        QVERIFY2(curl.startsWith(QLatin1String("# The endpoint's password is not copied")), qPrintable(curl));
        QVERIFY2(curl.contains(QLatin1String("-u 'hook:PASSWORD'")), qPrintable(curl));
        QVERIFY2(curl.contains(QStringLiteral("'%1'").arg(receiver.url())), qPrintable(curl));
        QVERIFY2(!curl.contains(QLatin1String("Basic ***")), qPrintable(curl)); // -u stands for it

        SubscribersView *subscribers = window.subscribersView();
        window.tabs()->setCurrentWidget(subscribers);
        QTRY_VERIFY(subscribers->model()->rowCount() > 0);
        verifyModelHidesSecret(subscribers->model());
        QVERIFY(!window.statusBar()->currentMessage().contains(kSecret));

        auto report = DeliveryReport::build(window.session().liveStore(), {}, {});
        QVERIFY(report.ok());
        for (const QString &text :
             {QString::fromUtf8(report->toCsv()), QString::fromUtf8(report->toJson()), report->toHtml()}) {
            QVERIFY2(!text.contains(kSecret), qPrintable(text));
            QVERIFY2(text.contains(QLatin1String("hook:***@")), qPrintable(text));
        }
    }

    // Rows recorded before attempts were stored redacted still come out redacted.
    void oldAttemptRowsAreRedactedInReports()
    {
        test::TempDatabase db;
        auto s = SubscriberService(db.context())
                     .add({QStringLiteral("http://u:hunter2@127.0.0.1:9/x"),
                           QStringLiteral("o@example.com"),
                           {},
                           {}});
        QVERIFY(s.ok());
        const QString id = ComponentService(db.context()).add({QStringLiteral("API")}).value().id;
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(db.context()).update(id, patch).ok());
        const Message m = db.store().outbox.list({}).front();
        Attempt a;
        a.messageId = m.id;
        a.subscriberId = s->id;
        a.endpoint = s->endpoint; // as an older version wrote it
        a.attemptNumber = 1;
        a.startedAt = a.endedAt = QDateTime::currentDateTimeUtc();
        a.errorClass = QStringLiteral("refused");
        a.errorText = QStringLiteral("Connection to http://u:hunter2@127.0.0.1:9/x refused");
        db.store().outbox.recordAttempt(a, DeliveryState::Failed);
        auto report = DeliveryReport::build(db.store(), {}, {});
        QVERIFY(report.ok());
        for (const QString &text :
             {QString::fromUtf8(report->toCsv()), QString::fromUtf8(report->toJson()), report->toHtml()})
            QVERIFY2(!text.contains(kSecret), qPrintable(text));
    }

    // The add dialog says at once, beside the field and without waiting on DNS, why a target is refused.
    void addDialogNamesARefusedTarget_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("reason");
        QTest::newRow("metadata address") << "http://169.254.169.254/"
                                          << "link-local";
        QTest::newRow("metadata name") << "http://metadata.google.internal/"
                                       << "metadata";
        QTest::newRow("unspecified") << "http://0.0.0.0:8080/"
                                     << "unspecified";
        QTest::newRow("NUL") << QStringLiteral("http://example.com/a") + QChar(u'\0') << "NUL character";
        QTest::newRow("fine") << "https://hooks.example.com/x"
                              << "";
    }
    void addDialogNamesARefusedTarget()
    {
        QFETCH(QString, endpoint);
        QFETCH(QString, reason);
        SubscriberDialog dialog({}, std::nullopt);
        auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("endpointEdit"));
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("endpointError"));
        QVERIFY(edit && error);
        edit->setText(endpoint);
        if (reason.isEmpty())
            QVERIFY2(error->text().isEmpty(), qPrintable(error->text()));
        else
            QVERIFY2(error->text().contains(reason), qPrintable(error->text()));
    }

    // Editing a subscriber never shows the stored password; leaving the *** keeps it, typing a new one
    // replaces it, removing the user info removes it.
    void editDialogKeepsThePasswordHidden_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("saved");
        QTest::newRow("untouched") << ""
                                   << "https://hook:hunter2@hooks.example.com/in";
        QTest::newRow("path changed") << "https://hook:***@hooks.example.com/v2"
                                      << "https://hook:hunter2@hooks.example.com/v2";
        QTest::newRow("new password") << "https://hook:s3cret@hooks.example.com/in"
                                      << "https://hook:s3cret@hooks.example.com/in";
        QTest::newRow("other user keeps ***") << "https://ops:***@hooks.example.com/in"
                                              << "https://ops:***@hooks.example.com/in";
        QTest::newRow("credentials removed") << "https://hooks.example.com/in"
                                             << "https://hooks.example.com/in";
    }
    void editDialogKeepsThePasswordHidden()
    {
        QFETCH(QString, typed);
        QFETCH(QString, saved);
        Subscriber existing;
        existing.id = QStringLiteral("sub_1");
        existing.endpoint = QStringLiteral("https://hook:hunter2@hooks.example.com/in");
        SubscriberDialog dialog({}, existing);
        auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("endpointEdit"));
        QVERIFY(edit);
        QCOMPARE(edit->text(), QStringLiteral("https://hook:***@hooks.example.com/in"));
        if (!typed.isEmpty()) {
            edit->selectAll();
            QTest::keyClicks(edit, typed);
        }
        QCOMPARE(dialog.endpoint(), saved);
    }

    void curlWithoutCredentialsIsUnchanged()
    {
        const QString cmd =
            report::curlCommand(QStringLiteral("http://127.0.0.1:9/h"), R"({"webhook-id":"a"})", "{}");
        QVERIFY(cmd.startsWith(QLatin1String("curl -sS -X POST 'http://127.0.0.1:9/h'")));
        QVERIFY(!cmd.contains(QLatin1String(" -u ")));
    }
};

QTEST_MAIN(TestRedaction)
#include "tst_redaction.moc"
