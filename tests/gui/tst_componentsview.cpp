// The Components tab's write path (issue 18 item 1): the model holds rows, an edit in a cell goes from the
// view through the session to ComponentService, on the session's worker thread for a status change, and
// what was stored comes back into the model. The confirmation says who hears; a cancelled one writes nothing.
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/modelroles.h"
#include "models/values.h"
#include "tests/gui/whenmodal.h"
#include "tests/support/testsupport.h"
#include "ui/componentsview.h"
#include "ui/session.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace sd;

class TestComponentsView : public QObject
{
    Q_OBJECT

    struct Console
    {
        std::unique_ptr<Session> session;
        std::unique_ptr<ComponentsView> view;
        std::unique_ptr<QAbstractItemModelTester> tester;
        ComponentsModel *model() const { return view->model(); }
        QModelIndex cell(const Component &c, int column) const
        {
            return model()->index(model()->rowOfComponent(c.id), column);
        }
    };

    static Console open(test::TempDatabase &db)
    {
        Console c;
        QString error;
        c.session = Session::open(db.path(), &error); // its engine is not started: messages stay queued
        if (!c.session)
            qFatal("%s", qPrintable(error));
        c.view = std::make_unique<ComponentsView>(*c.session);
        c.tester = std::make_unique<QAbstractItemModelTester>(
            c.view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        return c;
    }

    static Component addComponent(test::TempDatabase &db, const QString &name)
    {
        NewComponent c;
        c.name = name;
        return ComponentService(db.context()).add(c).value();
    }

    static void addSubscriber(test::TempDatabase &db, const QString &path, const QStringList &components = {})
    {
        NewSubscriber s;
        s.endpoint = QStringLiteral("http://127.0.0.1:1") + path;
        s.email = QStringLiteral("ops@example.com");
        s.componentIds = components;
        QVERIFY(SubscriberService(db.context()).add(s).ok());
    }

    // What is stored, read on a fresh connection (the console writes through its own).
    static int storedMessages(test::TempDatabase &db)
    {
        db.reopen();
        return db.store().outbox.count({});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_componentsview"));
    }

    void statusEdit_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<bool>("notify");
        QTest::addColumn<int>("expectedMessages");
        QTest::newRow("degraded, notify") << QStringLiteral("degraded_performance") << true << 2;
        QTest::newRow("partial, notify") << QStringLiteral("partial_outage") << true << 2;
        QTest::newRow("major, notify") << QStringLiteral("major_outage") << true << 2;
        QTest::newRow("maintenance, notify") << QStringLiteral("under_maintenance") << true << 2;
        QTest::newRow("major, silent") << QStringLiteral("major_outage") << false << 0;
    }

    // As the table's delegate does it: setData on the Status cell. The question names the audience; the
    // answer decides who is written to.
    void statusEdit()
    {
        QFETCH(QString, status);
        QFETCH(bool, notify);
        QFETCH(int, expectedMessages);
        test::TempDatabase db;
        const Component api = addComponent(db, QStringLiteral("API"));
        const Component other = addComponent(db, QStringLiteral("Other"));
        addSubscriber(db, QStringLiteral("/a"));
        addSubscriber(db, QStringLiteral("/b"), {api.id});
        addSubscriber(db, QStringLiteral("/c"), {other.id}); // does not hear about API
        Console c = open(db);
        QSignalSpy changed(c.model(), &QAbstractItemModel::dataChanged);
        QSignalSpy stored(c.view.get(), &ComponentsView::statusStored);
        QString question;
        test::whenModal(c.view.get(), [&question, notify](QDialog *dialog) {
            QCOMPARE(dialog->objectName(), QStringLiteral("statusChangeDialog"));
            auto *check = dialog->findChild<QCheckBox *>(QStringLiteral("notifyCheck"));
            question = check->text();
            check->setChecked(notify);
            dialog->accept();
        });
        c.model()->setData(c.cell(api, ComponentsModel::StatusColumn), status, Qt::EditRole);
        QCOMPARE(question, QStringLiteral("Notify 2 subscribers"));
        // Shown at once, before the worker has written it.
        QCOMPARE(c.cell(api, ComponentsModel::StatusColumn).data(Qt::EditRole).toString(), status);
        QVERIFY(!changed.isEmpty());
        const auto roles = changed.first().at(2).value<QList<int>>();
        QVERIFY(roles.contains(roles::StatusRole));
        QVERIFY(roles.contains(Qt::DisplayRole));
        QVERIFY(stored.wait(10000));
        QCOMPARE(stored.first().at(0).toString(), api.id);
        QCOMPARE(stored.first().at(1).toInt(), expectedMessages);
        QCOMPARE(c.cell(api, ComponentsModel::StatusColumn).data(Qt::EditRole).toString(), status);
        QCOMPARE(storedMessages(db), expectedMessages);
        QCOMPARE(toString(db.store().components.find(api.id)->status), status);
    }

    // The write and its fan-out run on the session's worker; a write that fails puts the old status back.
    void statusChangeOnTheWorker()
    {
        test::TempDatabase db;
        const Component api = addComponent(db, QStringLiteral("API"));
        const Component gone = addComponent(db, QStringLiteral("Gone"));
        for (int i = 0; i < 50; ++i)
            addSubscriber(db, QStringLiteral("/w%1").arg(i));
        Console c = open(db);
        QSignalSpy stored(c.view.get(), &ComponentsView::statusStored);
        QVERIFY(c.view->changeStatus(api.id, ComponentStatus::MajorOutage, true));
        QCOMPARE(c.cell(api, ComponentsModel::StatusColumn).data(Qt::EditRole).toString(),
                 QStringLiteral("major_outage"));
        QVERIFY(stored.wait(10000));
        QCOMPARE(stored.first().at(0).toString(), api.id);
        QCOMPARE(stored.first().at(1).toInt(), 50);
        QCOMPARE(storedMessages(db), 50);

        // Removed behind the table's back: the worker's write fails and the table shows the truth again.
        QVERIFY(ComponentService(db.context()).remove(gone.id).ok());
        QString error;
        test::whenModal(c.view.get(), [&error](QDialog *dialog) {
            error = static_cast<QMessageBox *>(dialog)->text();
            dialog->reject();
        });
        QVERIFY(c.view->changeStatus(gone.id, ComponentStatus::PartialOutage, true));
        QCOMPARE(c.cell(gone, ComponentsModel::StatusColumn).data(Qt::EditRole).toString(),
                 QStringLiteral("partial_outage"));
        QTRY_VERIFY_WITH_TIMEOUT(!error.isEmpty(), 10000);
        QVERIFY2(error.contains(QLatin1String("component")), qPrintable(error));
        QCOMPARE(c.cell(gone, ComponentsModel::StatusColumn).data(Qt::EditRole).toString(),
                 QStringLiteral("operational"));
        QCOMPARE(stored.count(), 1);
        QCOMPARE(storedMessages(db), 50);
    }

    void renameNotifiesNobodyAndCancelWritesNothing()
    {
        test::TempDatabase db;
        const Component api = addComponent(db, QStringLiteral("API"));
        addSubscriber(db, QStringLiteral("/a"));
        Console c = open(db);
        c.model()->setData(c.cell(api, ComponentsModel::NameColumn), QStringLiteral("Public API"));
        QCOMPARE(c.cell(api, ComponentsModel::NameColumn).data().toString(), QStringLiteral("Public API"));
        db.reopen();
        QCOMPARE(db.store().components.find(api.id)->name, QStringLiteral("Public API"));
        QCOMPARE(storedMessages(db), 0);

        test::whenModal(c.view.get(), [](QDialog *dialog) { dialog->reject(); });
        QVERIFY(!c.view->requestStatusChange(api.id, ComponentStatus::MajorOutage));
        QCOMPARE(c.cell(api, ComponentsModel::StatusColumn).data(Qt::EditRole).toString(),
                 QStringLiteral("operational"));
        db.reopen(); // nothing was handed to the worker: the question was answered before any write
        QCOMPARE(toString(db.store().components.find(api.id)->status), QStringLiteral("operational"));
        QCOMPARE(storedMessages(db), 0);
    }
};

QTEST_MAIN(TestComponentsView)
#include "tst_componentsview.moc"
