#include "app/readers/deliveriesreader.h"
#include "app/services/resendservice.h"
#include "app/services/subscriberservice.h"
#include "models/ids.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/modelroles.h"
#include "models/values.h"
#include "tests/support/testsupport.h"
#include "ui/deliveriesview.h"
#include "ui/recoverdialog.h"
#include "ui/session.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QMutex>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QThread>
#include <QTimer>

using namespace sd;

// Issue 13 item 5: the Deliveries table works on the whole store, not on the rows it has loaded. 10,000
// deliveries (more than the 256-row page) in a real store, on both backends; every order and count is
// checked against a direct SQL query on another connection.
class TestDeliveriesTable final : public QObject
{
    Q_OBJECT

    static constexpr int kDeliveries = 10000;
    std::unique_ptr<test::TempDatabase> m_db;
    Subscriber m_a, m_b, m_c; // C is quarantined

    static Subscriber addSubscriber(test::TempDatabase &db, const QString &path)
    {
        NewSubscriber s;
        s.endpoint = QStringLiteral("http://127.0.0.1:1") + path;
        s.email = QStringLiteral("ops@example.com");
        return SubscriberService(db.context()).add(s).value();
    }

    // Written directly: the table's queries are under test, not the services. Pairs of messages share a
    // creation time, so the id tie-breaker matters; latencies repeat and some are missing (NULL).
    static void fill(test::TempDatabase &db, const std::vector<Subscriber> &subs, int n,
                     const QDateTime &base, int firstIndex = 0)
    {
        const DeliveryState states[] = {DeliveryState::Delivered, DeliveryState::Failed,
                                        DeliveryState::Delivered, DeliveryState::Held, DeliveryState::Queued};
        Transaction tx(db.store().db());
        for (int k = 0; k < n; ++k) {
            const int i = firstIndex + k;
            Message m;
            m.id = ids::newId();
            m.subscriberId = subs[static_cast<size_t>(i) % subs.size()].id;
            m.kind = EventKind::Component;
            m.subjectId = QStringLiteral("c");
            m.subjectName = QStringLiteral("Subject %1").arg(i);
            m.eventId = QStringLiteral("e");
            m.body = "{}";
            m.createdAt = base.addSecs(i / 2);
            m.state = states[i % 5];
            m.nextAttemptAt = m.createdAt;
            db.store().outbox.insert(m);
            if (m.state != DeliveryState::Queued)
                db.store().db().run(
                    QStringLiteral(
                        "UPDATE messages SET attempts = ?, last_http_status = ?, last_duration_ms = "
                        "? WHERE id = ?"),
                    {1 + i % 4, m.state == DeliveryState::Delivered ? 200 : 500,
                     i % 7 == 0 ? QVariant() : QVariant((i * 7919) % 5000), m.id});
        }
        tx.commit();
    }

    QStringList sqlIds(const QString &orderBy, int limit, const QString &where = {})
    {
        QSqlQuery &q = m_db->store().db().run(
            QStringLiteral("SELECT m.id FROM messages m JOIN subscribers s ON s.id = m.subscriber_id ") +
            where + QStringLiteral(" ORDER BY ") + orderBy + QStringLiteral(" LIMIT %1").arg(limit));
        QStringList out;
        while (q.next())
            out << q.value(0).toString();
        return out;
    }

    int sqlCount(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery &q = m_db->store().db().run(sql, binds);
        const int n = q.next() ? q.value(0).toInt() : -1;
        q.finish();
        return n;
    }

    static QString timeTie()
    {
        return test::usingPostgres() ? QStringLiteral("m.id") : QStringLiteral("m.rowid");
    }

    // The ids as the table shows them, rows [first, first + n).
    static QStringList shownIds(QTableView *table, int first, int n)
    {
        QStringList out;
        for (int r = first; r < first + n && r < table->model()->rowCount(); ++r)
            out << table->model()->index(r, 0).data(roles::IdRole).toString();
        return out;
    }

    // The model's reads run on the reader thread: wait until the one in flight has been applied.
    static bool settled(DeliveriesModel *model)
    {
        return QTest::qWaitFor([model] { return !model->isReading(); }, 15000);
    }

    struct Console
    {
        std::unique_ptr<Session> session;
        std::unique_ptr<DeliveriesView> view;
        std::unique_ptr<QAbstractItemModelTester> tester;
    };
    Console open()
    {
        Console c;
        QString error;
        c.session = Session::open(m_db->path(), &error); // its delivery engine is not started
        if (!c.session)
            qFatal("%s", qPrintable(error));
        c.view = std::make_unique<DeliveriesView>(*c.session);
        c.tester = std::make_unique<QAbstractItemModelTester>(
            c.view->table()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.view->resize(1200, 700);
        c.view->show();
        if (!settled(c.view->model()))
            qFatal("the first page never arrived");
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_db = std::make_unique<test::TempDatabase>();
        m_a = addSubscriber(*m_db, QStringLiteral("/a"));
        m_b = addSubscriber(*m_db, QStringLiteral("/b"));
        m_c = addSubscriber(*m_db, QStringLiteral("/c"));
        fill(*m_db, {m_a, m_b, m_c}, kDeliveries, QDateTime::currentDateTimeUtc().addDays(-2));
        m_db->store().db().run(QStringLiteral("UPDATE subscribers SET state = 'quarantined' WHERE id = ?"),
                               {m_c.id});
    }
    void cleanupTestCase() { m_db.reset(); }

    // A header click orders the database query: the first rows shown are the store's first rows in that
    // order, and End/Ctrl+End shows the store's last rows.
    void sortAndJumpFollowTheDatabase_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("order");
        QTest::addColumn<QString>("orderBy");
        QTest::addColumn<QString>("reversed");
        const QString tie = timeTie();
        QTest::newRow("time asc") << int(DeliveriesModel::TimeColumn) << int(Qt::AscendingOrder)
                                  << QStringLiteral("m.created_at ASC, %1 ASC").arg(tie)
                                  << QStringLiteral("m.created_at DESC, %1 DESC").arg(tie);
        QTest::newRow("time desc") << int(DeliveriesModel::TimeColumn) << int(Qt::DescendingOrder)
                                   << QStringLiteral("m.created_at DESC, %1 DESC").arg(tie)
                                   << QStringLiteral("m.created_at ASC, %1 ASC").arg(tie);
        QTest::newRow("latency asc") << int(DeliveriesModel::LatencyColumn) << int(Qt::AscendingOrder)
                                     << QStringLiteral("COALESCE(m.last_duration_ms, -1) ASC, m.id ASC")
                                     << QStringLiteral("COALESCE(m.last_duration_ms, -1) DESC, m.id DESC");
        QTest::newRow("latency desc") << int(DeliveriesModel::LatencyColumn) << int(Qt::DescendingOrder)
                                      << QStringLiteral("COALESCE(m.last_duration_ms, -1) DESC, m.id DESC")
                                      << QStringLiteral("COALESCE(m.last_duration_ms, -1) ASC, m.id ASC");
        QTest::newRow("attempts desc")
            << int(DeliveriesModel::AttemptsColumn) << int(Qt::DescendingOrder)
            << QStringLiteral("m.attempts DESC, m.id DESC") << QStringLiteral("m.attempts ASC, m.id ASC");
    }
    void sortAndJumpFollowTheDatabase()
    {
        QFETCH(int, column);
        QFETCH(int, order);
        QFETCH(QString, orderBy);
        QFETCH(QString, reversed);
        Console c = open();
        QTableView *table = c.view->table();
        table->sortByColumn(column, Qt::SortOrder(order)); // what a header click does
        QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), column);
        QVERIFY(settled(c.view->model()));
        QCOMPARE(shownIds(table, 0, 50), sqlIds(orderBy, 50));

        // Ctrl+End: the last rows of the same query, the very last one current.
        table->setFocus();
        QTest::keyClick(table, Qt::Key_End, Qt::ControlModifier);
        QVERIFY(settled(c.view->model()));
        const int rows = table->model()->rowCount();
        QVERIFY(rows > 0);
        QStringList last = sqlIds(reversed, 50);
        std::reverse(last.begin(), last.end());
        QCOMPARE(shownIds(table, rows - 50, 50), last);
        QCOMPARE(table->currentIndex().row(), rows - 1);
        // Scrolling up from the end reads the rows before the window, in order.
        const int before = rows;
        table->verticalScrollBar()->setValue(table->verticalScrollBar()->minimum());
        QVERIFY(settled(c.view->model()));
        QVERIFY(table->model()->rowCount() > before);
        QStringList lastMore = sqlIds(reversed, table->model()->rowCount());
        std::reverse(lastMore.begin(), lastMore.end());
        QCOMPARE(shownIds(table, 0, table->model()->rowCount()), lastMore);
        // Home goes back to the first rows.
        QTest::keyClick(table, Qt::Key_Home, Qt::ControlModifier);
        QVERIFY(settled(c.view->model()));
        QCOMPARE(shownIds(table, 0, 20), sqlIds(orderBy, 20));
        QCOMPARE(table->currentIndex().row(), 0);
    }

    // Every page read runs on the reader thread (DeliveriesReader), never on the UI thread: the first page
    // after a reload, fetchMore, the tail window (Ctrl+End) and scrolling up from it, a sort, and live
    // updates. While a page is in flight the model asks for no other; an answer for a filter already
    // replaced is dropped.
    void pageReadsLeaveTheUiThread()
    {
        Console c = open();
        QTableView *table = c.view->table();
        DeliveriesModel *model = c.view->model();
        QMutex mutex;
        QList<std::pair<DeliveriesModel::ReadKind, QThread *>> reads;
        c.view->reader()->setReadObserver([&mutex, &reads](DeliveriesModel::ReadKind kind) {
            const QMutexLocker lock(&mutex);
            reads.append({kind, QThread::currentThread()});
        });
        auto taken = [&mutex, &reads] {
            const QMutexLocker lock(&mutex);
            return std::exchange(reads, {});
        };
        auto offUiThread = [](const QList<std::pair<DeliveriesModel::ReadKind, QThread *>> &list) {
            return std::none_of(list.cbegin(), list.cend(),
                                [](const auto &r) { return r.second == QThread::currentThread(); });
        };
        using Kind = DeliveriesModel::ReadKind;
        auto kinds = [](const QList<std::pair<Kind, QThread *>> &list) {
            QList<Kind> out;
            for (const auto &r : list)
                out << r.first;
            return out;
        };

        // Reload: the rows go, the first page comes back from the reader.
        QSignalSpy reloaded(model, &DeliveriesModel::reloaded);
        model->reload();
        QCOMPARE(model->rowCount(), 0);
        QVERIFY(model->isReading());
        QVERIFY(!model->canFetchMore({})); // nothing else is asked for while the page is in flight
        QVERIFY(settled(model));
        QCOMPARE(reloaded.count(), 1);
        QCOMPARE(model->rowCount(), DeliveriesModel::kPageSize);
        auto list = taken();
        QCOMPARE(kinds(list), QList<Kind>{Kind::Page});
        QVERIFY(offUiThread(list));

        // fetchMore, asked three times while the first is in flight: one read.
        QVERIFY(model->canFetchMore({}));
        model->fetchMore({});
        QVERIFY(!model->canFetchMore({}));
        model->fetchMore({});
        model->fetchMore({});
        QVERIFY(settled(model));
        QCOMPARE(model->rowCount(), 2 * DeliveriesModel::kPageSize);
        list = taken();
        QCOMPARE(kinds(list), QList<Kind>{Kind::Page});
        QVERIFY(offUiThread(list));

        // Ctrl+End, then scrolling up from the tail.
        table->setFocus();
        QTest::keyClick(table, Qt::Key_End, Qt::ControlModifier);
        QVERIFY(settled(model));
        QVERIFY(model->showsTail());
        QCOMPARE(table->currentIndex().row(), model->rowCount() - 1);
        table->verticalScrollBar()->setValue(table->verticalScrollBar()->minimum());
        QVERIFY(settled(model));
        QCOMPARE(model->rowCount(), 2 * DeliveriesModel::kPageSize);
        list = taken();
        QCOMPARE(kinds(list), (QList<Kind>{Kind::OlderPage, Kind::OlderPage}));
        QVERIFY(offUiThread(list));

        // A header click.
        table->sortByColumn(DeliveriesModel::LatencyColumn, Qt::DescendingOrder);
        QVERIFY(settled(model));
        QCOMPARE(shownIds(table, 0, 20),
                 sqlIds(QStringLiteral("COALESCE(m.last_duration_ms, -1) DESC, m.id DESC"), 20));
        list = taken();
        QVERIFY(kinds(list).contains(Kind::Page));
        QVERIFY(offUiThread(list));

        // A live update of a shown row.
        model->noteChanged({model->messageAt(0)->id});
        model->flushPending();
        QVERIFY(settled(model));
        list = taken();
        QCOMPARE(kinds(list), QList<Kind>{Kind::Updates});
        QVERIFY(offUiThread(list));

        // Scrolled to the bottom while an update is being read: the view's ask is refused then, and the
        // page is read once the update is back.
        const int loaded = model->rowCount();
        model->noteChanged({model->messageAt(1)->id});
        model->flushPending();
        QVERIFY(model->isReading());
        table->scrollToBottom();
        QVERIFY(settled(model));
        QTRY_VERIFY(model->rowCount() > loaded && !model->isReading());
        list = taken();
        QCOMPARE(kinds(list), (QList<Kind>{Kind::Updates, Kind::Page}));
        QVERIFY(offUiThread(list));

        // Two filters in a row: the first one's answer, still being read, is dropped.
        reloaded.clear();
        MessageFilter failed;
        failed.state = DeliveryState::Failed;
        MessageFilter held;
        held.state = DeliveryState::Held;
        model->setFilter(failed);
        model->setFilter(held);
        QVERIFY(settled(model));
        QTest::qWait(50); // an answer that should have been dropped would land in this time
        QCOMPARE(reloaded.count(), 1);
        QCOMPARE(model->rowCount(), DeliveriesModel::kPageSize);
        for (int r = 0; r < model->rowCount(); ++r)
            QCOMPARE(int(model->messageAt(r)->state), int(DeliveryState::Held));
        QVERIFY(offUiThread(taken()));
        c.view->reader()->setReadObserver({});
    }

    // The count beside the table is the store's, for the filter.
    void rowCountFollowsTheFilter()
    {
        Console c = open();
        auto *label = c.view->findChild<QLabel *>(QStringLiteral("deliveriesCount"));
        QVERIFY(label);
        const QLocale locale;
        const int total = sqlCount(QStringLiteral("SELECT count(*) FROM messages"));
        QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("%1 deliveries").arg(locale.toString(total)),
                                  10000);

        auto *state = c.view->findChild<QComboBox *>(QStringLiteral("stateFilter"));
        state->setCurrentIndex(state->findData(toString(DeliveryState::Failed)));
        const int failed = sqlCount(QStringLiteral("SELECT count(*) FROM messages WHERE state = 'failed'"));
        QVERIFY(failed > DeliveriesModel::kPageSize); // more than the table has loaded
        QTRY_COMPARE_WITH_TIMEOUT(
            label->text(),
            QStringLiteral("%1 of %2 deliveries").arg(locale.toString(failed), locale.toString(total)),
            10000);

        auto *endpoint = c.view->findChild<QLineEdit *>(QStringLiteral("endpointFilter"));
        endpoint->setText(QStringLiteral("/b"));
        const int failedB = sqlCount(
            QStringLiteral("SELECT count(*) FROM messages WHERE state = 'failed' AND subscriber_id = ?"),
            {m_b.id});
        QTRY_COMPARE_WITH_TIMEOUT(
            label->text(),
            QStringLiteral("%1 of %2 deliveries").arg(locale.toString(failedB), locale.toString(total)),
            10000);
    }

    // The detail pane never shows a delivery the filter hides; one still shown stays selected and shown.
    void detailPaneFollowsTheFilter()
    {
        Console c = open();
        QTableView *table = c.view->table();
        auto *detail = c.view->findChild<QTextBrowser *>(QStringLiteral("deliveryDetail"));
        auto *state = c.view->findChild<QComboBox *>(QStringLiteral("stateFilter"));
        int delivered = -1, failed = -1;
        for (int r = 0; r < table->model()->rowCount() && (delivered < 0 || failed < 0); ++r) {
            const auto s = DeliveryState(table->model()->index(r, 0).data(roles::StatusRole).toInt());
            if (s == DeliveryState::Delivered && delivered < 0)
                delivered = r;
            if (s == DeliveryState::Failed && failed < 0)
                failed = r;
        }
        QVERIFY(delivered >= 0 && failed >= 0);

        const QString deliveredId = table->model()->index(delivered, 0).data(roles::IdRole).toString();
        table->selectRow(delivered);
        QTRY_VERIFY(detail->toPlainText().contains(deliveredId));
        state->setCurrentIndex(state->findData(toString(DeliveryState::Failed)));
        QVERIFY(settled(c.view->model()));
        QCOMPARE(c.view->detailId(), QString());
        QVERIFY2(detail->toPlainText().isEmpty(), qPrintable(detail->toPlainText().left(200)));

        state->setCurrentIndex(0);
        QVERIFY(settled(c.view->model()));
        const int row =
            c.view->model()->rowOf(sqlIds(QStringLiteral("m.created_at DESC, %1 DESC").arg(timeTie()), 1,
                                          QStringLiteral("WHERE m.state = 'failed'"))
                                       .value(0));
        QVERIFY(row >= 0);
        const QString failedId = table->model()->index(row, 0).data(roles::IdRole).toString();
        table->selectRow(row);
        QTRY_VERIFY(detail->toPlainText().contains(failedId));
        state->setCurrentIndex(state->findData(toString(DeliveryState::Failed)));
        QVERIFY(settled(c.view->model()));
        QCOMPARE(c.view->selectedIds(), QStringList{failedId});
        QVERIFY(detail->toPlainText().contains(failedId));
    }

    // A fan-out of 1,500 new deliveries arrives while the operator has a row selected: the selection, the
    // sort and the scroll position stay; the new rows are there, newest first, without a reset.
    void selectionAndSortSurviveLiveUpdates()
    {
        Console c = open();
        QTableView *table = c.view->table();
        DeliveriesModel *model = c.view->model();
        table->sortByColumn(DeliveriesModel::TimeColumn, Qt::DescendingOrder);
        table->selectRow(3);
        const QStringList selected = c.view->selectedIds();
        QCOMPARE(selected.size(), 1);
        const int rowsBefore = table->model()->rowCount();

        fill(*m_db, {m_a, m_b}, 1500, QDateTime::currentDateTimeUtc().addSecs(-60), kDeliveries);
        QSignalSpy reset(table->model(), &QAbstractItemModel::modelReset);
        model->noteNewMessages(); // what Session::messagesQueued or another desk's NOTIFY does
        model->flushPending();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), rowsBefore + 1500, 5000);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(c.view->selectedIds(), selected);
        QCOMPARE(table->currentIndex().data(roles::IdRole).toString(), selected.first());
        QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), int(DeliveriesModel::TimeColumn));
        QCOMPARE(table->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(shownIds(table, 0, 30),
                 sqlIds(QStringLiteral("m.created_at DESC, %1 DESC").arg(timeTie()), 30));

        // Sorted by latency: new rows do not reset the table or move the selection either.
        table->sortByColumn(DeliveriesModel::LatencyColumn, Qt::AscendingOrder);
        QVERIFY(settled(model));
        table->selectRow(5);
        const QStringList byLatency = c.view->selectedIds();
        fill(*m_db, {m_a}, 10, QDateTime::currentDateTimeUtc().addSecs(-30), kDeliveries + 1500);
        model->noteNewMessages();
        model->flushPending();
        QVERIFY(settled(model));
        QCOMPARE(reset.count(), 1); // the sort above, nothing since
        QCOMPARE(c.view->selectedIds(), byLatency);
        QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), int(DeliveriesModel::LatencyColumn));
    }

    // "Resend failing in filter" asks with the store's count (not the loaded rows'), of the deliveries
    // a resend accepts (the quarantined subscriber's are skipped) and their endpoints.
    void bulkResendConfirmsTheDatabaseCount()
    {
        Console c = open();
        QTimer safety; // the old code's blocking question box would hang the test; close it instead
        safety.setInterval(5000);
        connect(&safety, &QTimer::timeout, this, [] {
            if (QWidget *w = QApplication::activeModalWidget())
                w->close();
        });
        safety.start();
        const int failed =
            sqlCount(QStringLiteral("SELECT count(*) FROM messages m JOIN subscribers s ON s.id "
                                    "= m.subscriber_id WHERE m.state = 'failed' AND s.state = "
                                    "'active'"));
        QVERIFY(failed > DeliveriesModel::kPageSize);
        c.view->resendFailing();
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = c.view->findChild<QMessageBox *>(QStringLiteral("resendConfirm"))),
                                 4000);
        QCOMPARE(
            box->text(),
            QStringLiteral("Resend %1 failing deliveries to 2 endpoint(s)?").arg(QLocale().toString(failed)));
        box->button(QMessageBox::No)->click();
        QTRY_VERIFY(!c.view->findChild<QMessageBox *>(QStringLiteral("resendConfirm")));
        QCOMPARE(
            sqlCount(QStringLiteral("SELECT count(*) FROM messages WHERE state = 'failed' AND subscriber_id "
                                    "<> ?"),
                     {m_c.id}),
            failed); // No changed nothing

        // Under an endpoint filter: that endpoint's failures only.
        c.view->findChild<QLineEdit *>(QStringLiteral("endpointFilter"))->setText(QStringLiteral("/a"));
        QTest::qWait(300);
        const int failedA = sqlCount(
            QStringLiteral("SELECT count(*) FROM messages WHERE state = 'failed' AND subscriber_id = ?"),
            {m_a.id});
        c.view->resendFailing();
        QTRY_VERIFY_WITH_TIMEOUT((box = c.view->findChild<QMessageBox *>(QStringLiteral("resendConfirm"))),
                                 4000);
        QCOMPARE(box->text(), QStringLiteral("Resend %1 failing deliveries to 1 endpoint(s)?")
                                  .arg(QLocale().toString(failedA)));
        box->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(
            sqlCount(QStringLiteral("SELECT count(*) FROM messages WHERE state = 'failed' "
                                    "AND subscriber_id = ?"),
                     {m_a.id}),
            0, 10000);
        QCOMPARE(
            sqlCount(QStringLiteral("SELECT count(*) FROM messages WHERE state = 'queued' AND next_trigger = "
                                    "'manual' AND subscriber_id = ?"),
                     {m_a.id}),
            failedA);
        QVERIFY(sqlCount(QStringLiteral(
                             "SELECT count(*) FROM messages WHERE state = 'failed' AND subscriber_id = ?"),
                         {m_b.id}) > 0);
    }

    // Recover: one endpoint's held and failed deliveries created since T go back to the queue; nothing
    // else moves, a second recover finds nothing, a quarantined endpoint is refused.
    void recoverSinceRequeuesOnlyThatEndpoint()
    {
        test::TempDatabase db;
        const Subscriber a = addSubscriber(db, QStringLiteral("/a"));
        const Subscriber b = addSubscriber(db, QStringLiteral("/b"));
        const QDateTime base = QDateTime::currentDateTimeUtc().addSecs(-3600);
        fill(db, {a, b}, 200, base); // created base .. base + 100 s
        const QDateTime since = base.addSecs(50);
        auto count = [&db](const QString &sql, const QVariantList &binds) {
            QSqlQuery &q = db.store().db().run(sql, binds);
            const int n = q.next() ? q.value(0).toInt() : -1;
            q.finish();
            return n;
        };
        const QString stateOfA = QStringLiteral("SELECT count(*) FROM messages WHERE subscriber_id = ? AND "
                                                "state IN ('held', 'failed') AND created_at %1 ?");
        const int expected = count(stateOfA.arg(QStringLiteral(">=")), {a.id, toDb(since)});
        const int olderOfA = count(stateOfA.arg(QStringLiteral("<")), {a.id, toDb(since)});
        const int ofB =
            count(QStringLiteral("SELECT count(*) FROM messages WHERE subscriber_id = ? AND state IN "
                                 "('held', 'failed')"),
                  {b.id});
        QVERIFY(expected > 0 && olderOfA > 0 && ofB > 0);

        // The console's dialog shows the store's count for the endpoint and time chosen.
        {
            QString error;
            auto session = Session::open(db.path(), &error);
            QVERIFY2(session, qPrintable(error));
            RecoverDialog dialog(*session, a.id);
            dialog.since()->setDateTime(since.toLocalTime());
            // The endpoint list is read on the worker thread, not while the dialog opens.
            QVERIFY(!dialog.endpointsLoaded());
            QCOMPARE(dialog.endpoint()->count(), 0);
            QTRY_VERIFY_WITH_TIMEOUT(dialog.endpointsLoaded(), 5000);
            QCOMPARE(dialog.endpoint()->count(), 2);
            QCOMPARE(dialog.endpoint()->currentData().toString(), a.id);
            QTRY_COMPARE_WITH_TIMEOUT(dialog.count(), expected, 5000);
            QCOMPARE(
                dialog.countLabel()->text(),
                QStringLiteral("%1 held or failed deliveries to recover.").arg(QLocale().toString(expected)));
        }

        // Two processes recover at once: each message moves once.
        const QString iso = since.toString(Qt::ISODateWithMs);
        QProcess first, second;
        const QStringList args{QStringLiteral("--db"),
                               db.path(),
                               QStringLiteral("--queue-only"),
                               QStringLiteral("deliveries"),
                               QStringLiteral("recover"),
                               QStringLiteral("--endpoint"),
                               a.endpoint,
                               QStringLiteral("--since"),
                               iso};
        first.start(test::cliPath(), args);
        second.start(test::cliPath(), args);
        QVERIFY(first.waitForFinished(30000) && second.waitForFinished(30000));
        QCOMPARE(first.exitCode(), 0);
        QCOMPARE(second.exitCode(), 0);
        static const QRegularExpression moved(QStringLiteral("recovering (\\d+) deliver"));
        const auto m1 = moved.match(QString::fromUtf8(first.readAllStandardOutput()));
        const auto m2 = moved.match(QString::fromUtf8(second.readAllStandardOutput()));
        QVERIFY(m1.hasMatch() && m2.hasMatch());
        QCOMPARE(m1.captured(1).toInt() + m2.captured(1).toInt(), expected);

        QCOMPARE(count(stateOfA.arg(QStringLiteral(">=")), {a.id, toDb(since)}), 0);
        QCOMPARE(
            count(QStringLiteral("SELECT count(*) FROM messages WHERE subscriber_id = ? AND state = 'queued' "
                                 "AND created_at >= ? AND next_attempt_at <= ?"),
                  {a.id, toDb(since), toDb(QDateTime::currentDateTimeUtc())}) >= expected,
            true);
        QCOMPARE(count(stateOfA.arg(QStringLiteral("<")), {a.id, toDb(since)}), olderOfA);
        QCOMPARE(count(QStringLiteral(
                           "SELECT count(*) FROM messages WHERE subscriber_id = ? AND state IN ('held', "
                           "'failed')"),
                       {b.id}),
                 ofB);
        QCOMPARE(ResendService(db.context()).recover(a.id, since).value(), 0);

        // Bad input: one sentence, nothing moved.
        QProcess bad;
        bad.start(test::cliPath(),
                  {QStringLiteral("--db"), db.path(), QStringLiteral("--queue-only"),
                   QStringLiteral("deliveries"), QStringLiteral("recover"), QStringLiteral("--subscriber"),
                   b.id, QStringLiteral("--since"), QStringLiteral("yesterday")});
        QVERIFY(bad.waitForFinished(30000));
        QVERIFY(bad.exitCode() != 0);
        QVERIFY(QString::fromUtf8(bad.readAllStandardError()).contains(QStringLiteral("--since")));
        db.store().db().run(QStringLiteral("UPDATE subscribers SET state = 'quarantined' WHERE id = ?"),
                            {b.id});
        const Result<int> refused = ResendService(db.context()).recover(b.id, base);
        QVERIFY(!refused);
        QVERIFY(refused.error().contains(QStringLiteral("quarantined")));
        QCOMPARE(count(QStringLiteral(
                           "SELECT count(*) FROM messages WHERE subscriber_id = ? AND state IN ('held', "
                           "'failed')"),
                       {b.id}),
                 ofB);

        // The console's dialog end to end: choose, see the count, Recover…, confirm with that count.
        db.store().db().run(QStringLiteral("UPDATE subscribers SET state = 'active' WHERE id = ?"), {b.id});
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        RecoverDialog dialog(*session, b.id);
        dialog.since()->setDateTime(base.toLocalTime());
        QTRY_COMPARE_WITH_TIMEOUT(dialog.count(), ofB, 5000);
        QSignalSpy recovered(&dialog, &RecoverDialog::recovered);
        auto *button = dialog.findChild<QPushButton *>(QStringLiteral("recoverButton"));
        QVERIFY(button && button->isEnabled());
        button->click();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = dialog.findChild<QMessageBox *>(QStringLiteral("recoverConfirm"))));
        QVERIFY2(box->text().startsWith(
                     QStringLiteral("Recover %1 held or failed deliveries to http://127.0.0.1:1/b")
                         .arg(QLocale().toString(ofB))),
                 qPrintable(box->text()));
        box->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(recovered.count(), 1, 5000);
        QCOMPARE(recovered.first().first().toInt(), ofB);
        QCOMPARE(count(QStringLiteral(
                           "SELECT count(*) FROM messages WHERE subscriber_id = ? AND state IN ('held', "
                           "'failed')"),
                       {b.id}),
                 0);
    }
};

QTEST_MAIN(TestDeliveriesTable)
#include "tst_deliveriestable.moc"
