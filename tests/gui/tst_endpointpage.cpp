// The Subscribers tab's endpoint page, search box and state filter (issue 13 item 4), offscreen.
#include "app/services/componentservice.h"
#include "models/healthrepository.h"
#include "models/ids.h"
#include "models/itemmodels/modelroles.h"
#include "models/itemmodels/subscribersmodel.h"
#include "tests/support/testsupport.h"
#include "ui/endpointpage.h"
#include "ui/healthchart.h"
#include "ui/session.h"
#include "ui/subscribersview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace sd;

namespace {

Subscriber addSubscriber(Store &store, const QString &endpoint, const QString &email, SubscriberState state)
{
    Subscriber s;
    s.id = ids::newId();
    s.endpoint = endpoint;
    s.email = email;
    s.unsubscribeToken = ids::newToken();
    s.state = state;
    s.createdAt = QDateTime::currentDateTimeUtc();
    if (state == SubscriberState::Unsubscribed)
        s.unsubscribedAt = s.createdAt;
    if (state == SubscriberState::Quarantined) {
        s.quarantinedAt = s.createdAt;
        s.purgeAt = s.createdAt.addDays(90);
    }
    store.subscribers.insert(s);
    return s;
}

// 20 attempts, as the journal records them: 15 successes, latencies 10..200 ms, the last one a 500.
void recordAttempts(Store &store, const Subscriber &s)
{
    Transaction tx(store.db());
    Message m;
    m.id = ids::newId();
    m.subscriberId = s.id;
    m.subjectId = QStringLiteral("c");
    m.subjectName = QStringLiteral("API");
    m.eventId = ids::newId();
    m.body = "{}";
    m.createdAt = QDateTime::currentDateTimeUtc().addSecs(-600);
    m.state = DeliveryState::Retrying;
    store.outbox.insert(m);
    std::vector<Attempt> attempts;
    for (int i = 0; i < 20; ++i) {
        Attempt a;
        a.messageId = m.id;
        a.subscriberId = s.id;
        a.endpoint = s.endpoint;
        a.attemptNumber = i + 1;
        a.startedAt = m.createdAt.addSecs(i);
        a.durationMs = 10 * (i + 1);
        a.endedAt = a.startedAt.addMSecs(a.durationMs);
        a.httpStatus = i < 15 ? 200 : 500;
        a.errorClass = i < 15 ? QString() : QStringLiteral("http_5xx");
        store.outbox.recordAttempt(a, DeliveryState::Retrying);
        attempts.push_back(a);
    }
    HealthRepository(store.db()).record(attempts);
    tx.commit();
}

struct Console
{
    std::unique_ptr<Session> session;
    std::unique_ptr<SubscribersView> view;
};

} // namespace

class TestEndpointPage final : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TempDatabase> m_db;
    Subscriber m_alpha, m_beta, m_gamma;

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TempDatabase>();
        Store &store = m_db->store();
        m_alpha = addSubscriber(store, QStringLiteral("http://hook:hunter2@127.0.0.1:9/alpha"),
                                QStringLiteral("ops@alpha.example"), SubscriberState::Active);
        m_beta = addSubscriber(store, QStringLiteral("http://127.0.0.1:9/beta"),
                               QStringLiteral("team@beta.example"), SubscriberState::Quarantined);
        m_gamma = addSubscriber(store, QStringLiteral("http://127.0.0.1:9/gamma_50%"),
                                QStringLiteral("gone@gamma.example"), SubscriberState::Unsubscribed);
        recordAttempts(store, m_alpha);
    }
    void cleanup() { m_db.reset(); }

    void doubleClickOpensTheEndpointPage()
    {
        QString error;
        auto session = Session::open(m_db->path(), &error); // its delivery engine is not started
        QVERIFY2(session, qPrintable(error));
        SubscribersView view(*session);
        view.resize(1200, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        SubscribersModel *model = view.model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->rowCount(), 2); // active and quarantined
        const int row = model->rowOf(m_alpha.id);
        QVERIFY(row >= 0);
        // Health is read off the UI thread: it arrives shortly after the rows.
        QTRY_COMPARE(model->index(row, SubscribersModel::SuccessRateColumn).data().toString(),
                     QStringLiteral("75.0 %"));
        QCOMPARE(model->index(row, SubscribersModel::P50Column).data().toString(), QStringLiteral("103 ms"));
        QCOMPARE(model->index(row, SubscribersModel::P95Column).data().toString(), QStringLiteral("191 ms"));
        QCOMPARE(model->index(row, SubscribersModel::LastResultColumn).data().toString(),
                 QStringLiteral("HTTP 500 (http_5xx)"));
        QCOMPARE(model->index(model->rowOf(m_beta.id), SubscribersModel::LastResultColumn).data().toString(),
                 QStringLiteral("never sent"));

        QTableView *table = view.table();
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(table->model());
        const QModelIndex cell = proxy->mapFromSource(model->index(row, SubscribersModel::EmailColumn));
        const QPoint at = table->visualRect(cell).center();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, at);
        EndpointPage *page = nullptr;
        QTRY_VERIFY((page = view.findChild<EndpointPage *>()) != nullptr);
        QCOMPARE(page->subscriberId(), m_alpha.id);
        auto label = [page](const char *name) {
            auto *l = page->findChild<QLabel *>(QLatin1String(name));
            return l ? l->text() : QStringLiteral("(missing %1)").arg(QLatin1String(name));
        };
        QTRY_VERIFY(label("endpointTitle").startsWith(QLatin1String("http")));
        QTRY_VERIFY(page->isVisible());
        // The URL redacted, never the password.
        QCOMPARE(label("endpointTitle"), QStringLiteral("http://hook:***@127.0.0.1:9/alpha"));
        QVERIFY(!page->windowTitle().contains(QLatin1String("hunter2")));
        QVERIFY2(label("endpointState").startsWith(QStringLiteral("active · ops@alpha.example")),
                 qPrintable(label("endpointState")));
        QVERIFY2(label("endpointRecent").contains(QLatin1String("75.0 % success (15 of 20)")),
                 qPrintable(label("endpointRecent")));
        QVERIFY2(label("endpointRecent").contains(QStringLiteral("p50 103 ms · p95 191 ms · slowest 200 ms")),
                 qPrintable(label("endpointRecent")));
        QVERIFY2(label("endpointLifetime").contains(QLatin1String("75.0 % success (15 of 20)")),
                 qPrintable(label("endpointLifetime")));
        QVERIFY2(label("endpointLastResult").startsWith(QLatin1String("HTTP 500 (http_5xx) after 200 ms")),
                 qPrintable(label("endpointLastResult")));

        auto *attempts = page->findChild<QTableWidget *>(QStringLiteral("endpointAttempts"));
        QVERIFY(attempts);
        QCOMPARE(attempts->rowCount(), 20);
        QVERIFY(attempts->item(0, 1)->text().startsWith(QLatin1String("HTTP 500"))); // newest first
        QCOMPARE(attempts->item(0, 2)->text(), QStringLiteral("200 ms"));
        QCOMPARE(attempts->item(19, 1)->text(), QStringLiteral("HTTP 200"));

        // Charts: one hour with data, 75 % and its percentiles.
        auto *success = page->findChild<HealthChart *>(QStringLiteral("endpointSuccessChart"));
        auto *latency = page->findChild<HealthChart *>(QStringLiteral("endpointLatencyChart"));
        QVERIFY(success && latency);
        QCOMPARE(success->series().size(), size_t(1));
        qint64 total = 0;
        double rateSum = 0;
        for (const HealthChart::Point &p : success->series().front().points) {
            if (p.value) {
                ++total;
                rateSum += *p.value;
                // Drawn: inside the chart's period, even in the first half of the hour under way.
                QVERIFY(p.at >= success->from() && p.at <= success->to());
            }
        }
        QVERIFY(total >= 1 && total <= 2); // the 20 seconds may straddle an hour
        QCOMPARE(latency->series().size(), size_t(2));
        if (total == 1)
            QCOMPARE(rateSum, 75.0);
        page->grab(); // paints without a crash
    }

    // Read 1 s into the hour its attempts fell in, the hour under way still gets its point on the chart (its
    // middle would lie 29 minutes in the future).
    void hourUnderWayIsDrawn()
    {
        QString error;
        auto session = Session::open(m_db->path(), &error);
        QVERIFY2(session, qPrintable(error));
        const QDateTime at = m_db->store().outbox.recentAttempts(m_alpha.id, 1).front().startedAt.toUTC();
        const QDateTime hourStart(at.date(), QTime(at.time().hour(), 0), Qt::UTC);
        EndpointPage page(*session, m_alpha.id);
        page.display(EndpointPage::read(m_db->store(), m_alpha.id, hourStart.addSecs(1)));
        auto *success = page.findChild<HealthChart *>(QStringLiteral("endpointSuccessChart"));
        QVERIFY(success);
        int drawn = 0;
        for (const HealthChart::Point &p : success->series().front().points) {
            if (p.value && p.at >= success->from() && p.at <= success->to())
                ++drawn;
        }
        QCOMPARE(drawn, 1);
    }

    void searchAndStateFilter()
    {
        QString error;
        auto session = Session::open(m_db->path(), &error);
        QVERIFY2(session, qPrintable(error));
        SubscribersView view(*session);
        view.show();
        SubscribersModel *model = view.model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto ids = [model] {
            QStringList out;
            for (int r = 0; r < model->rowCount(); ++r)
                out << model->subscriberAt(r)->id;
            out.sort();
            return out;
        };
        auto sorted = [](QStringList l) {
            l.sort();
            return l;
        };
        QCOMPARE(ids(), sorted({m_alpha.id, m_beta.id}));

        // Typing filters after a short pause; the endpoint and the email both match, case-insensitively.
        QTest::keyClicks(view.searchBox(), QStringLiteral("BETA"));
        QTRY_COMPARE(ids(), QStringList{m_beta.id});
        view.searchBox()->setText(QStringLiteral("alpha.example"));
        view.applyFilter();
        QCOMPARE(ids(), QStringList{m_alpha.id});
        // The operator's text is literal: % is not a wildcard.
        view.searchBox()->setText(QStringLiteral("%"));
        view.applyFilter();
        QCOMPARE(model->rowCount(), 0);
        view.searchBox()->setText(QStringLiteral("50%"));
        view.stateFilter()->setCurrentIndex(view.stateFilter()->findText(QStringLiteral("All")));
        QCOMPARE(ids(), QStringList{m_gamma.id});
        view.searchBox()->clear();
        view.applyFilter();
        QCOMPARE(ids(), sorted({m_alpha.id, m_beta.id, m_gamma.id}));

        const QList<QPair<QString, QStringList>> states{
            {QStringLiteral("Active"), {m_alpha.id}},
            {QStringLiteral("Quarantined"), {m_beta.id}},
            {QStringLiteral("Unsubscribed"), {m_gamma.id}},
            {QStringLiteral("Active and quarantined"), sorted({m_alpha.id, m_beta.id})}};
        for (const auto &[name, expected] : states) {
            const int index = view.stateFilter()->findText(name);
            QVERIFY2(index >= 0, qPrintable(name));
            view.stateFilter()->setCurrentIndex(index);
            QCOMPARE(ids(), expected);
        }

        // The table stays in the header's order after a reload (the proxy re-sorts on reloads only).
        view.stateFilter()->setCurrentIndex(view.stateFilter()->findText(QStringLiteral("All")));
        QAbstractItemModel *shown = view.table()->model();
        QCOMPARE(shown->rowCount(), 3);
        QStringList endpoints;
        for (int r = 0; r < shown->rowCount(); ++r)
            endpoints << shown->index(r, SubscribersModel::EndpointColumn).data().toString();
        QStringList sortedEndpoints = endpoints;
        sortedEndpoints.sort();
        QCOMPARE(endpoints, sortedEndpoints);
        QCOMPARE(endpoints.first(), QStringLiteral("http://127.0.0.1:9/beta"));

        // Health columns stay filled in across a filter change (once read: off the UI thread).
        QTRY_VERIFY(model->healthAt(model->rowOf(m_alpha.id)) != nullptr);
        view.stateFilter()->setCurrentIndex(view.stateFilter()->findText(QStringLiteral("Active")));
        QCOMPARE(model->index(0, SubscribersModel::SuccessRateColumn).data(roles::SortRole).toDouble(), 0.75);
    }

    // Live health updates signal dataChanged for the rows that moved, without a reset: the selection stays.
    void liveUpdateKeepsSelection()
    {
        QString error;
        auto session = Session::open(m_db->path(), &error);
        QVERIFY2(session, qPrintable(error));
        SubscribersView view(*session);
        view.show();
        SubscribersModel *model = view.model();
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(view.table()->model());
        const int betaRow = model->rowOf(m_beta.id);
        view.table()->selectRow(proxy->mapFromSource(model->index(betaRow, 0)).row());
        // The view's first pass (alpha's numbers, read off the UI thread) is not what is checked here.
        QTRY_VERIFY(model->healthAt(model->rowOf(m_alpha.id)) != nullptr);
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
        recordAttempts(m_db->store(), m_beta);
        bool passed = false; // a pass read off the UI thread, applied in slices (QTRY asks twice)
        QTRY_VERIFY(passed || (passed = model->refreshStatsSlice(4)));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model->index(betaRow, SubscribersModel::SuccessRateColumn).data().toString(),
                 QStringLiteral("75.0 %"));
        QCOMPARE(proxy->mapToSource(view.table()->currentIndex()).row(), betaRow);
        QVERIFY(view.table()->selectionModel()->isRowSelected(view.table()->currentIndex().row()));
    }
};

QTEST_MAIN(TestEndpointPage)
#include "tst_endpointpage.moc"
