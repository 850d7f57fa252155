#include "app/delivery/outages.h"
#include "app/delivery/pendingwrites.h"

#include <QTest>

using namespace sd;

// The engine's side of the journal: what waits, the one write under way, and what a failed write leaves.
class TestPendingWrites final : public QObject
{
    Q_OBJECT

    static JournalBatch::Result result(const char *messageId)
    {
        JournalBatch::Result r;
        r.attempt.messageId = QString::fromLatin1(messageId);
        r.state = DeliveryState::Retrying;
        return r;
    }
    static QStringList ids(const JournalBatch &batch)
    {
        QStringList out;
        for (const JournalBatch::Result &r : batch.results)
            out << r.attempt.messageId;
        return out;
    }

private Q_SLOTS:
    void nothingToWriteIsNoWrite()
    {
        PendingWrites w;
        QVERIFY(w.idle());
        QVERIFY(!w.start(0, 0));
        QVERIFY(!w.writing());
        const auto claimOnly = w.start(7, 0); // a claim alone is a write
        QVERIFY(claimOnly);
        QCOMPARE(claimOnly->claim, 7);
        QCOMPARE(w.claiming(), 7);
    }

    void oneWriteAtATimeAndAFailedOneGoesFirstAgain()
    {
        PendingWrites w;
        w.add(result("msg_1"));
        const auto first = w.start(5, 1000);
        QVERIFY(first);
        QCOMPARE(ids(*first), QStringList{QStringLiteral("msg_1")});
        QCOMPARE(first->purgeAfterMs, qint64(1000));
        QVERIFY(w.writing());
        QVERIFY(!w.idle());

        w.add(result("msg_2")); // arrives during the write
        w.wantClaim();
        QVERIFY(!w.start(5, 1000)); // waits for the write under way
        QVERIFY(w.claimWanted());

        JournalOutcome failed;
        failed.ok = false;
        QCOMPARE(w.finish(failed), QStringList());
        QVERIFY(!w.writing());
        QCOMPARE(w.claiming(), 0);
        QCOMPARE(w.results(), 2);

        const auto again = w.start(0, 1000);
        QVERIFY(again);
        QCOMPARE(ids(*again), (QStringList{QStringLiteral("msg_1"), QStringLiteral("msg_2")}));
        QVERIFY(!w.claimWanted()); // went with this write

        JournalOutcome ok;
        ok.backlog = true;
        QCOMPARE(w.finish(ok), (QStringList{QStringLiteral("msg_1"), QStringLiteral("msg_2")}));
        QVERIFY(w.backlog());
        QVERIFY(w.idle());
    }

    void committedIdsIncludeHeldAndSetAside()
    {
        PendingWrites w;
        Subscriber s;
        s.id = QStringLiteral("sub_1");
        w.add(JournalBatch::Quarantine{
            s, QStringLiteral("answered 410 Gone"), {QStringLiteral("msg_3"), QStringLiteral("msg_4")}});
        w.add(JournalBatch::StateChange{QStringLiteral("msg_5"), DeliveryState::Held});
        QVERIFY(w.hasQuarantines());
        QVERIFY(w.start(0, 0));
        QCOMPARE(w.finish(JournalOutcome{}),
                 (QStringList{QStringLiteral("msg_3"), QStringLiteral("msg_4"), QStringLiteral("msg_5")}));
    }

    void takeAllLeavesNothingWaiting()
    {
        PendingWrites w;
        w.add(result("msg_1"));
        const JournalBatch last = w.takeAll(0);
        QCOMPARE(ids(last), QStringList{QStringLiteral("msg_1")});
        QCOMPARE(last.claim, 0);
        QVERIFY(w.empty());
    }

    void outagesAreSaidOnce()
    {
        Outages o;
        QVERIFY(o.failed(Outages::Kind::Store));
        QVERIFY(!o.failed(Outages::Kind::Store));  // still the same outage
        QVERIFY(o.failed(Outages::Kind::Journal)); // another kind is news of its own
        QVERIFY(o.recovered(Outages::Kind::Store));
        QVERIFY(!o.recovered(Outages::Kind::Store));
        QVERIFY(!o.recovered(Outages::Kind::Clock)); // never failed
    }
};

QTEST_GUILESS_MAIN(TestPendingWrites)
#include "tst_pendingwrites.moc"
