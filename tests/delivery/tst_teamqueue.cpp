#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <csignal>

using namespace sd;

// Many processes, one queue: engines in this process and statusdesk-cli children (serve, dispatch, a mutating
// command) work one database at once. A loopback receiver counts webhook-ids: each must arrive exactly once,
// except for attempts that were on the wire when a process was killed (the documented at-least-once case).
class TestTeamQueue final : public QObject
{
    Q_OBJECT

private:
    struct FanOut
    {
        QString componentId;
        QSet<QString> ids;
    };

    // `subscribers` endpoints on the receiver, one component; returns the component (no change made yet).
    static QString seed(test::TempDatabase &db, test::HttpReceiver &receiver, int subscribers, int maxPerHost)
    {
        DeliverySettings s;
        s.maxPerHost = maxPerHost;
        s.save(db.store().settings);
        const QString component = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        for (int i = 0; i < subscribers; ++i) {
            const bool added =
                SubscriberService(db.context())
                    .add({receiver.url(QStringLiteral("/s%1").arg(i)), QStringLiteral("ops@example.com")})
                    .ok();
            if (!added)
                qFatal("cannot add subscriber %d", i);
        }
        return component;
    }

    static QSet<QString> changeStatus(test::TempDatabase &db, const QString &component,
                                      ComponentStatus status)
    {
        ComponentPatch patch;
        patch.status = status;
        if (!ComponentService(db.context()).update(component, patch).ok())
            qFatal("status change failed");
        QSet<QString> ids;
        for (const Message &m : db.store().outbox.list({}))
            ids.insert(m.id);
        return ids;
    }

    static QHash<QString, int> idCounts(const test::HttpReceiver &receiver)
    {
        QHash<QString, int> counts;
        for (const test::ReceivedRequest &r : receiver.requests())
            ++counts[QString::fromUtf8(r.headers.value("webhook-id"))];
        return counts;
    }

    // Empty when every id in `counts` arrived exactly once, else which one did not.
    static QString notExactlyOnce(const QHash<QString, int> &counts)
    {
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            if (it.value() != 1)
                return QStringLiteral("%1 arrived %2 times").arg(it.key()).arg(it.value());
        }
        return {};
    }

    // A receiver that answers 200 after `delayMs` (so attempts stay in flight for a while).
    static void answerAfter(test::HttpReceiver &receiver, int delayMs)
    {
        if (!receiver.start())
            qFatal("cannot start the loopback receiver");
        test::HttpReceiver::Script slow;
        slow.delayMs = delayMs;
        receiver.setDefault(slow);
    }

    static int deliveredCount(const QString &location)
    {
        QString error;
        auto store = Store::open(location, &error);
        return store ? store->outbox.countsByState().delivered : -1;
    }

    static QProcess *startCli(const QString &db, const QStringList &args, QObject *parent)
    {
        auto *p = new QProcess(parent);
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start(test::cliPath(), QStringList{QStringLiteral("--db"), db} + args);
        if (!p->waitForStarted())
            qFatal("cannot start statusdesk-cli");
        return p;
    }

private Q_SLOTS:
    void init() { qRegisterMetaType<sd::DeliveryProgress>(); }

    // The old bug: every engine put every 'sending' message back in the queue when it started, so opening a
    // second console during a fan-out sent each webhook twice. A live engine's leases are never taken.
    void secondEngineNeverTakesALiveEnginesMessages()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        answerAfter(receiver, 1500); // every attempt stays in flight while the second engine starts
        const QString component = seed(db, receiver, 40, 64);
        const QSet<QString> expected = changeStatus(db, component, ComponentStatus::MajorOutage);

        DeliveryController first(db.path());
        first.start();
        QTRY_VERIFY_WITH_TIMEOUT(db.store().outbox.countsByState().sending == 40, 10000);
        DeliveryController second(db.path());
        QSignalSpy secondIdle(&second, &DeliveryController::idle);
        second.start();
        QTRY_COMPARE_WITH_TIMEOUT(deliveredCount(db.path()), 40, 30000);
        QTest::qWait(500); // anything sent twice would have arrived by now
        const QHash<QString, int> counts = idCounts(receiver);
        QCOMPARE(QSet<QString>(counts.keyBegin(), counts.keyEnd()), expected);
        const QString once = notExactlyOnce(counts);
        QVERIFY2(once.isEmpty(), qPrintable(once));
        first.stop();
        second.stop();
    }

    // serve, dispatch and a mutating command (which delivers what it queued before it exits) on one
    // database at once: each webhook-id arrives exactly once.
    void serveDispatchAndMutatingCommandSendEachOnce()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        answerAfter(receiver, 20);
        const QString component = seed(db, receiver, 200, 16);
        const QString path = db.path();

        QObject children;
        QProcess *serve = startCli(
            path, {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")},
            &children);
        QTest::qWait(300);
        QProcess *change = startCli(path,
                                    {QStringLiteral("component"), QStringLiteral("set"), component,
                                     QStringLiteral("--status"), QStringLiteral("major_outage")},
                                    &children);
        QTest::qWait(100);
        QProcess *dispatch = startCli(path, {QStringLiteral("dispatch")}, &children);
        QTRY_VERIFY_WITH_TIMEOUT(change->state() == QProcess::NotRunning, 60000);
        QCOMPARE(change->exitCode(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(dispatch->state() == QProcess::NotRunning, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(deliveredCount(path), 200, 60000);
        serve->terminate();
        QVERIFY(serve->waitForFinished(15000));
        const QHash<QString, int> counts = idCounts(receiver);
        QCOMPARE(counts.size(), 200);
        const QString once = notExactlyOnce(counts);
        QVERIFY2(once.isEmpty(), qPrintable(once));
    }

    // Three dispatchers claim from one queue at once (FOR UPDATE SKIP LOCKED on PostgreSQL, the writer lock
    // on SQLite): disjoint claims, each id once, and all three exit when the work is done.
    void threeDispatchersSendEachOnce()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        answerAfter(receiver, 30);
        const QString component = seed(db, receiver, 300, 8);
        const QSet<QString> expected = changeStatus(db, component, ComponentStatus::PartialOutage);
        db.close();

        QObject children;
        QList<QProcess *> dispatchers;
        for (int i = 0; i < 3; ++i)
            dispatchers << startCli(db.path(), {QStringLiteral("dispatch")}, &children);
        for (QProcess *p : dispatchers)
            QTRY_VERIFY_WITH_TIMEOUT(p->state() == QProcess::NotRunning, 90000);
        QCOMPARE(deliveredCount(db.path()), 300);
        const QHash<QString, int> counts = idCounts(receiver);
        QCOMPARE(QSet<QString>(counts.keyBegin(), counts.keyEnd()), expected);
        const QString once = notExactlyOnce(counts);
        QVERIFY2(once.isEmpty(), qPrintable(once));
        // Each left cleanly: its engines row is gone and it holds no lease.
        db.reopen();
        QSqlQuery &engines = db.store().db().run(QStringLiteral("SELECT count(*) FROM engines"));
        QVERIFY(engines.next());
        QCOMPARE(engines.value(0).toInt(), 0);
    }

    // One of two dispatchers dies by SIGKILL mid-fan-out: the other takes over its leases (at once: its
    // process is provably gone) and every id is delivered; only attempts on the wire may arrive twice.
    void survivorTakesOverAKilledDispatchersLeases()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        answerAfter(receiver, 150);
        constexpr int kMaxPerHost = 4;
        const QString component = seed(db, receiver, 120, kMaxPerHost);
        const QSet<QString> expected = changeStatus(db, component, ComponentStatus::MajorOutage);
        db.close();

        QObject children;
        QProcess *victim = startCli(db.path(), {QStringLiteral("dispatch")}, &children);
        QProcess *survivor = startCli(db.path(), {QStringLiteral("dispatch")}, &children);
        QTest::qWait(700);
        QVERIFY(victim->state() == QProcess::Running);
        ::kill(static_cast<pid_t>(victim->processId()), SIGKILL);
        QVERIFY(victim->waitForFinished(5000)); // reaped: no zombie keeps its pid alive
        QElapsedTimer sinceKill;
        sinceKill.start();
        QTRY_VERIFY_WITH_TIMEOUT(survivor->state() == QProcess::NotRunning, 90000);
        QVERIFY2(sinceKill.elapsed() < 60000, "the survivor took over within 60 s");
        QCOMPARE(survivor->exitCode(), 0);
        QCOMPARE(deliveredCount(db.path()), 120);
        const QHash<QString, int> counts = idCounts(receiver);
        QCOMPARE(QSet<QString>(counts.keyBegin(), counts.keyEnd()), expected);
        int duplicates = 0;
        for (int n : counts)
            duplicates += n - 1;
        // Only what the victim had sent and not yet recorded can arrive twice: its attempts on the wire (at
        // most the per-origin cap; the receiver is one origin) and answers still waiting for the journal's
        // next write (50 ms) - at most one more round of the cap. Anything beyond means a live lease was
        // taken.
        QVERIFY2(duplicates <= 2 * kMaxPerHost, qPrintable(QStringLiteral("%1 duplicates").arg(duplicates)));
        qInfo("duplicates after SIGKILL: %d (attempts on the wire at the kill)", duplicates);
    }

    // dispatch waits for work a live peer holds instead of exiting early, and returns once it is done.
    void dispatchWaitsForALivePeer()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        answerAfter(receiver, 3000);
        const QString component = seed(db, receiver, 10, 64);
        const QSet<QString> expected = changeStatus(db, component, ComponentStatus::DegradedPerformance);

        DeliveryController peer(db.path());
        peer.start();
        QTRY_VERIFY_WITH_TIMEOUT(db.store().outbox.countsByState().sending == 10, 10000);
        QObject children;
        QProcess *dispatch = startCli(db.path(), {QStringLiteral("dispatch")}, &children);
        QTest::qWait(1500);
        QVERIFY2(dispatch->state() == QProcess::Running, "dispatch must wait while a live peer holds leases");
        QTRY_VERIFY_WITH_TIMEOUT(dispatch->state() == QProcess::NotRunning, 30000);
        QCOMPARE(dispatch->exitCode(), 0);
        QCOMPARE(deliveredCount(db.path()), 10);
        const QHash<QString, int> counts = idCounts(receiver);
        QCOMPARE(QSet<QString>(counts.keyBegin(), counts.keyEnd()), expected);
        const QString once = notExactlyOnce(counts);
        QVERIFY2(once.isEmpty(), qPrintable(once));
        peer.stop();
    }

    // An engine that stalls past its lease (here: a lease written by an engine on another machine that never
    // renews it) loses the message to a peer once the lease expires, not before.
    void expiredLeaseIsTakenOverAndALiveOneIsNot()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        const QString component = seed(db, receiver, 2, 6);
        changeStatus(db, component, ComponentStatus::MajorOutage);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const std::vector<Message> claimed = [&] {
            Transaction tx(db.store().db(), Transaction::Mode::Concurrent);
            auto c = db.store().outbox.claim(now, 2, QStringLiteral("eng_elsewhere"), now.addSecs(3600));
            tx.commit();
            return c;
        }();
        QCOMPARE(claimed.size(), size_t(2));
        // Nothing is due and no lease has expired: recovery takes nothing, a claim gets nothing.
        QCOMPARE(db.store().outbox.recoverLeases(now, {}), 0);
        QVERIFY(db.store().outbox.claim(now, 10, QStringLiteral("eng_me"), now.addSecs(30)).empty());
        QCOMPARE(db.store().outbox.liveLeasesOfOthers(QStringLiteral("eng_me"), now), 2);
        // One lease runs out.
        db.store().db().run(QStringLiteral("UPDATE messages SET lease_expires_at = ? WHERE id = ?"),
                            {toDb(now.addSecs(-1)), claimed.front().id});
        QCOMPARE(db.store().outbox.recoverLeases(now, {}), 1);
        const std::vector<Message> mine =
            db.store().outbox.claim(now, 10, QStringLiteral("eng_me"), now.addSecs(30));
        QCOMPARE(mine.size(), size_t(1));
        QCOMPARE(mine.front().id, claimed.front().id);
        // A result from the engine that lost the lease is history, not the message's state.
        Attempt late;
        late.messageId = claimed.front().id;
        late.subscriberId = claimed.front().subscriberId;
        late.endpoint = claimed.front().endpoint;
        late.attemptNumber = 1;
        late.startedAt = late.endedAt = now;
        late.httpStatus = 500;
        late.errorClass = QStringLiteral("http_5xx");
        QVERIFY(
            !db.store().outbox.recordAttempt(late, DeliveryState::Retrying, QStringLiteral("eng_elsewhere")));
        QVERIFY(db.store().outbox.find(claimed.front().id)->state == DeliveryState::Sending);
        QCOMPARE(db.store().outbox.attempts(claimed.front().id).size(), size_t(1));
        // The same rule for a batch of results (one statement per chunk on PostgreSQL); the owner's own
        // result is written.
        Attempt mine1 = late;
        mine1.attemptNumber = 2;
        mine1.httpStatus = 200;
        mine1.errorClass.clear();
        db.store().outbox.recordAttempts({{late, DeliveryState::Retrying}}, QStringLiteral("eng_elsewhere"));
        QVERIFY(db.store().outbox.find(claimed.front().id)->state == DeliveryState::Sending);
        db.store().outbox.recordAttempts({{mine1, DeliveryState::Delivered}}, QStringLiteral("eng_me"));
        QVERIFY(db.store().outbox.find(claimed.front().id)->state == DeliveryState::Delivered);
        QCOMPARE(db.store().outbox.attempts(claimed.front().id).size(), size_t(3));
    }

    // Team mode: the server drops this desk's connection (a restart, a failover, an admin's kill). The write
    // in progress fails with one sentence and nothing half-written; the next one reconnects and succeeds.
    void lostConnectionIsSaidThenRecovered()
    {
        if (!test::usingPostgres())
            QSKIP("a PostgreSQL connection");
        test::TempDatabase db;
        const QString component = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        QSqlQuery &pid = db.store().db().run(QStringLiteral("SELECT pg_backend_pid()"));
        QVERIFY(pid.next());
        const qint64 backend = pid.value(0).toLongLong();
        pid.finish();
        {
            const QString name = QStringLiteral("killer");
            QSqlDatabase killer = test::openConnection(db.path(), name);
            QVERIFY(killer.isOpen());
            QSqlQuery q(killer);
            QVERIFY(q.exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(backend)));
            q.finish();
            killer.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("killer"));
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        const auto failed = ComponentService(db.context()).update(component, patch);
        QVERIFY(!failed.ok());
        QVERIFY2(!failed.error().contains(QLatin1Char('\n')), qPrintable(failed.error()));
        QVERIFY2(!failed.error().contains(QUrl(db.path()).password()), qPrintable(failed.error()));
        const auto retried = ComponentService(db.context()).update(component, patch);
        QVERIFY2(retried.ok(), qPrintable(retried.ok() ? QString() : retried.error()));
        QVERIFY(db.store().components.find(component)->status == ComponentStatus::MajorOutage);
        QCOMPARE(db.store().components.updatesFor(component).size(),
                 size_t(1)); // the failed one left nothing
    }
};

QTEST_GUILESS_MAIN(TestTeamQueue)
#include "tst_teamqueue.moc"
