// The console as a keyboard user drives it (issue 13): the status editor browses without committing,
// Enter commits after a confirmation that names the status and the audience, a change can be taken
// back, and every dialog has a Tab order that starts at the first field the user fills.
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/incidentsmodel.h"
#include "models/values.h"
#include "tests/gui/whenmodal.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/componentsview.h"
#include "ui/incidentdialog.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/postmortemdialog.h"
#include "ui/session.h"
#include "ui/statusdelegates.h"
#include "ui/subscriberdialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimer>
#include <functional>

using namespace sd;

namespace {

// The widgets focus visits from `start`, pressing Tab `steps` times, by object name (or class name).
QStringList tabWalk(QWidget *start, int steps)
{
    QStringList names;
    for (int i = 0; i < steps; ++i) {
        QWidget *w = QApplication::focusWidget();
        names << (w ? (w->objectName().isEmpty() ? QString::fromLatin1(w->metaObject()->className())
                                                 : w->objectName())
                    : QStringLiteral("(none)"));
        QTest::keyClick(w ? w : start, Qt::Key_Tab);
    }
    return names;
}

} // namespace

class TestKeyboard : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        Component api;
        Component web;
        std::unique_ptr<MainWindow> window;

        Fixture()
        {
            receiver.start();
            ComponentService components(db.context());
            NewComponent c;
            c.name = QStringLiteral("API");
            api = components.add(c).value();
            c.name = QStringLiteral("Web");
            web = components.add(c).value();
            SubscriberService subscribers(db.context());
            NewSubscriber s;
            s.endpoint = receiver.url();
            s.email = QStringLiteral("ops@example.com");
            subscribers.add(s).value();
            db.reopen();
        }
        void open()
        {
            QString error;
            auto session = Session::open(db.path(), &error);
            QVERIFY2(session, qPrintable(error));
            window = std::make_unique<MainWindow>(std::move(session));
            window->show();
            QVERIFY(QTest::qWaitForWindowActive(window.get()));
            window->tabs()->setCurrentWidget(window->componentsView());
        }
        ComponentsView *view() { return window->componentsView(); }
        QTableView *table() { return view()->table(); }
        // As a wire name, so QCOMPARE can print it.
        QString shownStatus(const Component &c)
        {
            return toString(view()->model()->componentAt(view()->model()->rowOfComponent(c.id))->status);
        }
        // What the store holds (the window writes on its own connection and thread).
        QString storedStatus(const Component &c)
        {
            db.reopen();
            return toString(db.store().components.find(c.id)->status);
        }
        // Focus on API's Name cell (not the Status cell), then F2.
        StatusComboEditor *openEditorWithF2()
        {
            const QModelIndex name =
                view()->model()->index(view()->model()->rowOfComponent(api.id), ComponentsModel::NameColumn);
            table()->setFocus();
            table()->setCurrentIndex(name);
            QTest::keyClick(table(), Qt::Key_F2);
            return table()->findChild<StatusComboEditor *>();
        }
    };

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_keyboard"));
    }

    void arrowKeysBrowseWithoutCommitting()
    {
        Fixture f;
        f.open();
        StatusComboEditor *editor = f.openEditorWithF2();
        QVERIFY2(editor, "F2 on the Name cell opens the Status cell's editor");
        QCOMPARE(f.table()->currentIndex().column(), int(ComponentsModel::StatusColumn));
        bool asked = false;
        test::whenModal(f.window.get(), [&asked](QDialog *dialog) {
            asked = true;
            dialog->reject();
        });
        QTest::keyClick(editor, Qt::Key_Down);
        QTest::keyClick(editor, Qt::Key_Down);
        QTest::keyClick(editor, Qt::Key_End);
        QTest::keyClick(editor, Qt::Key_Up);
        QTest::keyClick(editor, Qt::Key_P); // "Partial outage": typed letters browse too
        QTest::qWait(200);
        QCOMPARE(editor->currentText(), componentStatusLabel(ComponentStatus::PartialOutage));
        QVERIFY2(!asked, "browsing opened the confirmation");
        QCOMPARE(f.shownStatus(f.api), toString(ComponentStatus::Operational));
        // Escape leaves without a change; so does moving focus away.
        QTest::keyClick(editor, Qt::Key_Escape);
        QTRY_VERIFY(!f.table()->findChild<StatusComboEditor *>());
        QTest::qWait(300);
        QVERIFY(!asked);
        QCOMPARE(f.shownStatus(f.api), toString(ComponentStatus::Operational));
        QCOMPARE(f.db.store().outbox.count({}), 0);
        QCOMPARE(f.receiver.requests().size(), 0);
    }

    void enterCommitsAfterNamingStatusAndAudience()
    {
        Fixture f;
        f.open();
        StatusComboEditor *editor = f.openEditorWithF2();
        QVERIFY(editor);
        QString question;
        QString okText;
        test::whenModal(f.window.get(), [&](QDialog *dialog) {
            question = dialog->findChild<QLabel *>(QStringLiteral("statusChangeText"))->text();
            okText = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->text();
            QTest::keyClick(dialog, Qt::Key_Return); // the default button is the one that says what it does
        });
        QTest::keyClick(editor, Qt::Key_End); // Major outage, the last status
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_VERIFY(!question.isEmpty());
        QCOMPARE(question,
                 QStringLiteral("Change API from Operational to Major outage and notify 1 subscriber?"));
        QCOMPARE(okText, QStringLiteral("Change to Major outage"));
        QTRY_COMPARE_WITH_TIMEOUT(f.receiver.requests().size(), 1, 15000);
        QVERIFY(f.receiver.requests().first().body.contains("\"new_status\":\"major_outage\""));
        QCOMPARE(f.shownStatus(f.api), toString(ComponentStatus::MajorOutage));
    }

    void undoSendsTheChangeBack()
    {
        Fixture f;
        f.open();
        QAction *undo = f.view()->undoAction();
        QVERIFY(!undo->isEnabled());
        // The Edit menu carries it (with Ctrl+Z).
        QVERIFY(f.window->menuBar()->actions().at(1)->menu()->actions().contains(undo));
        QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));

        StatusComboEditor *editor = f.openEditorWithF2();
        QVERIFY(editor);
        test::whenModal(f.window.get(), [](QDialog *dialog) { dialog->accept(); });
        QTest::keyClick(editor, Qt::Key_D); // Degraded performance
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(f.receiver.requests().size(), 1, 15000);
        QTRY_VERIFY(undo->isEnabled());
        QCOMPARE(undo->text(), QStringLiteral("Undo: API back to Operational"));

        // Ctrl+Z from the table asks as the change did (it notifies the same audience), then sends it back.
        bool asked = false;
        test::whenModal(f.window.get(), [&asked](QDialog *dialog) {
            asked = true;
            QVERIFY(dialog->findChild<QCheckBox *>(QStringLiteral("notifyCheck"))->isChecked());
            QCOMPARE(dialog->windowTitle(), QStringLiteral("Take back: API to Operational"));
            dialog->accept();
        });
        f.window->activateWindow(); // back from the confirmation dialog
        QVERIFY(QTest::qWaitForWindowActive(f.window.get()));
        f.table()->setFocus();
        QTest::keyClick(f.table(), Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(f.receiver.requests().size(), 2, 15000);
        const QByteArray back = f.receiver.requests().at(1).body;
        QVERIFY2(back.contains("\"old_status\":\"degraded_performance\""), back.constData());
        QVERIFY2(back.contains("\"new_status\":\"operational\""), back.constData());
        QCOMPARE(f.shownStatus(f.api), toString(ComponentStatus::Operational));
        QVERIFY(asked);
        QVERIFY2(!undo->isEnabled(), "an undo is not itself undone by a second Ctrl+Z");
        QTest::qWait(500);
        QCOMPARE(f.receiver.requests().size(), 2);
    }

    void undoOfSilentChangeStaysSilent()
    {
        Fixture f;
        f.open();
        StatusComboEditor *editor = f.openEditorWithF2();
        QVERIFY(editor);
        test::whenModal(f.window.get(), [](QDialog *dialog) {
            dialog->findChild<QCheckBox *>(QStringLiteral("notifyCheck"))->setChecked(false);
            QCOMPARE(
                dialog->findChild<QLabel *>(QStringLiteral("statusChangeText"))->text(),
                QStringLiteral("Change API from Operational to Partial outage without notifying anyone?"));
            dialog->accept();
        });
        QTest::keyClick(editor, Qt::Key_P);
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_VERIFY(f.view()->undoAction()->isEnabled());
        f.view()->undoAction()->trigger();
        QTRY_COMPARE(f.shownStatus(f.api), toString(ComponentStatus::Operational));
        QTRY_VERIFY(!f.view()->undoAction()->isEnabled());
        QTRY_COMPARE(f.storedStatus(f.api), toString(ComponentStatus::Operational));
        QTest::qWait(500);
        QCOMPARE(f.receiver.requests().size(), 0);
        QCOMPARE(f.db.store().outbox.count({}), 0);
    }

    void incidentDialogTabOrder_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QStringList>("walk");
        const QStringList grid{QStringLiteral("incidentComponents"), QStringLiteral("componentStatus0"),
                               QStringLiteral("componentStatus1"), QStringLiteral("incidentImpact")};
        QTest::newRow("new incident")
            << int(IncidentDialog::Mode::Create)
            << (QStringList{QStringLiteral("incidentName"), QStringLiteral("incidentStatus"),
                            QStringLiteral("incidentBody")} +
                grid + QStringList{QStringLiteral("incidentNotify")});
        // (Tab then walks the date and time sections of "Window from", as QDateTimeEdit does.) The
        // components' status during the window is Under maintenance, fixed: not a stop.
        QTest::newRow("maintenance") << int(IncidentDialog::Mode::Maintenance)
                                     << QStringList{QStringLiteral("incidentName"),
                                                    QStringLiteral("incidentStatus"),
                                                    QStringLiteral("incidentBody"),
                                                    QStringLiteral("incidentComponents"),
                                                    QStringLiteral("incidentImpact"),
                                                    QStringLiteral("QDateTimeEdit")};
        // Post update / Resolve: the message first (there is no name field, and nothing floats over the
        // labels).
        QTest::newRow("update") << int(IncidentDialog::Mode::Update)
                                << (QStringList{QStringLiteral("incidentBody")} + grid +
                                    QStringList{QStringLiteral("incidentNotify")});
    }
    void incidentDialogTabOrder()
    {
        QFETCH(int, mode);
        QFETCH(QStringList, walk);
        const std::vector<Component> components = twoComponents();
        Incident existing;
        existing.name = QStringLiteral("API errors");
        existing.status = IncidentStatus::Investigating;
        IncidentDialog dialog(static_cast<IncidentDialog::Mode>(mode), components,
                              mode == int(IncidentDialog::Mode::Update) ? &existing : nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QCOMPARE(tabWalk(&dialog, walk.size()), walk);
        QVERIFY(!dialog.nameEdit()->isVisible() || mode != int(IncidentDialog::Mode::Update));
        // Shift+Tab walks back the same way.
        if (mode != int(IncidentDialog::Mode::Maintenance)) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab);
            QCOMPARE(QApplication::focusWidget()->objectName(), walk.last());
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab);
            QCOMPARE(QApplication::focusWidget()->objectName(), walk.value(walk.size() - 2));
        }
    }

    void tabLeavesMessageAndCtrlTabInsertsOne()
    {
        IncidentDialog dialog(IncidentDialog::Mode::Create, twoComponents(), nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        dialog.bodyEdit()->setFocus();
        QTest::keyClicks(dialog.bodyEdit(), QStringLiteral("a"));
        QTest::keyClick(dialog.bodyEdit(), Qt::Key_Tab, Qt::ControlModifier);
        QTest::keyClicks(dialog.bodyEdit(), QStringLiteral("b"));
        QCOMPARE(dialog.bodyEdit()->toPlainText(), QStringLiteral("a\tb"));
        QTest::keyClick(dialog.bodyEdit(), Qt::Key_Tab);
        QCOMPARE(dialog.bodyEdit()->toPlainText(), QStringLiteral("a\tb"));
        QCOMPARE(QApplication::focusWidget(), dialog.componentsTable());
    }

    void subscriberDialogTabOrder()
    {
        SubscriberDialog dialog(twoComponents(), std::nullopt);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        const QStringList walk = tabWalk(&dialog, 6);
        QCOMPARE(walk.mid(0, 3), (QStringList{QStringLiteral("endpointEdit"), QStringLiteral("emailEdit"),
                                              QStringLiteral("secretEdit")}));
        QCOMPARE(walk.mid(3, 2), (QStringList{QStringLiteral("QPushButton"), QStringLiteral("QPushButton")}));
        QCOMPARE(walk.at(5), QStringLiteral("QListWidget"));
    }

    // Escape on a typed Add subscriber dialog asks before throwing the typing away (it closed at once).
    void escapeOnTypedSubscriberAsks()
    {
        SubscriberDialog dialog(twoComponents(), std::nullopt);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QTest::keyClicks(dialog.endpointEdit(), QStringLiteral("https://hooks.example.com/x"));
        QString asked;
        test::whenModal(&dialog, [&asked](QDialog *box) {
            asked = box->objectName();
            qobject_cast<QMessageBox *>(box)->button(QMessageBox::Cancel)->click(); // keep editing
        });
        QTest::keyClick(dialog.endpointEdit(), Qt::Key_Escape);
        QTRY_COMPARE(asked, QStringLiteral("discardQuestion"));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.endpointEdit()->text(), QStringLiteral("https://hooks.example.com/x"));
    }

    // Credentials in an http:// endpoint are allowed, but the dialog says they travel in cleartext; over
    // https:// nothing is said.
    void cleartextCredentialsAreWarned_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<bool>("warned");
        QTest::newRow("http with credentials") << "http://ops:s3cret@hooks.example.com/x" << true;
        QTest::newRow("https with credentials") << "https://ops:s3cret@hooks.example.com/x" << false;
        QTest::newRow("http without") << "http://hooks.example.com/x" << false;
    }
    void cleartextCredentialsAreWarned()
    {
        QFETCH(QString, endpoint);
        QFETCH(bool, warned);
        SubscriberDialog dialog(twoComponents(), std::nullopt);
        dialog.show();
        QTest::keyClicks(dialog.endpointEdit(), endpoint);
        QTest::keyClicks(dialog.emailEdit(), QStringLiteral("ops@example.com"));
        QCOMPARE(dialog.endpointError()->text().contains(QLatin1String("cleartext")), warned);
        QVERIFY(dialog.canSave()); // said, not refused
    }

    void escapeOnDirtyIncidentAsks()
    {
        IncidentDialog dialog(IncidentDialog::Mode::Create, twoComponents(), nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("Login fails"));
        QString asked;
        test::whenModal(&dialog, [&asked](QDialog *box) {
            asked = box->objectName();
            qobject_cast<QMessageBox *>(box)->button(QMessageBox::Cancel)->click(); // keep editing
        });
        QTest::keyClick(dialog.nameEdit(), Qt::Key_Escape);
        QTRY_COMPARE(asked, QStringLiteral("discardQuestion"));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.nameEdit()->text(), QStringLiteral("Login fails"));
        test::whenModal(&dialog, [](QDialog *box) {
            qobject_cast<QMessageBox *>(box)->button(QMessageBox::Discard)->click();
        });
        QTest::keyClick(dialog.nameEdit(), Qt::Key_Escape);
        QTRY_VERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }

    void escapeOnUntouchedIncidentCloses()
    {
        // Resolve presets a message and statuses: that is not the operator's writing.
        Incident existing;
        existing.name = QStringLiteral("API errors");
        existing.status = IncidentStatus::Identified;
        IncidentDialog dialog(IncidentDialog::Mode::Update, twoComponents(), &existing);
        dialog.presetResolve();
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QCOMPARE(dialog.statusCombo()->currentText(), QStringLiteral("Resolved"));
        bool asked = false;
        test::whenModal(&dialog, [&asked](QDialog *box) {
            asked = true;
            box->reject();
        });
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QTRY_VERIFY(!dialog.isVisible());
        QVERIFY(!asked);
    }

    void postmortemEditorWrapsAndPreviewsMarkdown()
    {
        PostmortemDialog dialog(QStringLiteral("API errors"), QString());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QVERIFY(dialog.isSizeGripEnabled());
        QCOMPARE(dialog.editor()->lineWrapMode(), QPlainTextEdit::WidgetWidth);
        QVERIFY(dialog.width() >= 700);
        QCOMPARE(QApplication::focusWidget(), dialog.editor());
        QTest::keyClicks(dialog.editor(), QStringLiteral("# Cause"));
        QTest::keyClick(dialog.editor(), Qt::Key_Return);
        QTest::keyClick(dialog.editor(), Qt::Key_Return);
        QTest::keyClicks(dialog.editor(), QStringLiteral("A *slow* disk."));
        dialog.tabs()->setCurrentWidget(dialog.preview());
        QCOMPARE(dialog.preview()->toPlainText().trimmed(), QStringLiteral("Cause\nA slow disk."));
        QCOMPARE(dialog.preview()->document()->firstBlock().blockFormat().headingLevel(), 1);
        QCOMPARE(dialog.body(), QStringLiteral("# Cause\n\nA *slow* disk."));
    }

    void timelineUsesLabelsAndSkipsNoOps()
    {
        Fixture f;
        IncidentService incidents(f.db.context());
        NewIncident in;
        in.name = QStringLiteral("API errors");
        in.body = QStringLiteral("Looking.");
        // Web is named but keeps its status: no "Operational → Operational" row.
        in.components = {{f.api.id, ComponentStatus::PartialOutage},
                         {f.web.id, ComponentStatus::Operational}};
        QVERIFY(incidents.create(in));
        f.db.reopen();
        f.open();
        IncidentsView *view = f.window->incidentsView();
        f.window->tabs()->setCurrentWidget(view);
        view->table()->setCurrentIndex(view->model()->index(0, 0));
        const QString history = view->history()->toPlainText();
        QVERIFY2(history.contains(QStringLiteral("Investigating")), qPrintable(history));
        QVERIFY2(!history.contains(QStringLiteral("investigating")), qPrintable(history));
        QVERIFY2(history.contains(QStringLiteral("API: Operational → Partial outage")), qPrintable(history));
        QVERIFY2(!history.contains(QStringLiteral("Operational → Operational")), qPrintable(history));
        QCOMPARE(view->model()->index(0, IncidentsModel::StatusColumn).data().toString(),
                 QStringLiteral("Investigating"));
    }

private:
    static std::vector<Component> twoComponents()
    {
        Component a;
        a.id = QStringLiteral("cmp_a");
        a.name = QStringLiteral("API");
        Component b;
        b.id = QStringLiteral("cmp_b");
        b.name = QStringLiteral("Web");
        return {a, b};
    }
};

QTEST_MAIN(TestKeyboard)
#include "tst_keyboard.moc"
