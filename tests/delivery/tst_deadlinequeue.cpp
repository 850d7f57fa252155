#include "app/delivery/deadlinequeue.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace sd;

// One precise timer carries every attempt's deadline; these pin down what the engine relies on.
class TestDeadlineQueue final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void expiresInDeadlineOrderNotAddOrder()
    {
        DeadlineQueue q;
        QStringList order;
        QElapsedTimer clock;
        clock.start();
        q.add(300, [&] { order << QStringLiteral("300"); });
        q.add(100, [&] { order << QStringLiteral("100"); });
        q.add(200, [&] { order << QStringLiteral("200"); });
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 2000);
        QCOMPARE(order, (QStringList{QStringLiteral("100"), QStringLiteral("200"), QStringLiteral("300")}));
        QVERIFY2(clock.elapsed() >= 300, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(q.size(), 0);
    }

    void cancelledNeverFires()
    {
        DeadlineQueue q;
        int fired = 0;
        const auto first = q.add(50, [&] { ++fired; });
        q.add(100, [&] { fired += 10; });
        q.cancel(first);
        q.cancel(first); // twice is harmless
        QCOMPARE(q.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(fired, 10, 2000);
        QTest::qWait(100);
        QCOMPARE(fired, 10);
    }

    void firesOnTimeAndMayAddFromACallback()
    {
        DeadlineQueue q;
        QElapsedTimer clock;
        clock.start();
        qint64 firstAt = -1, secondAt = -1;
        q.add(200, [&] {
            firstAt = clock.elapsed();
            q.add(100, [&] { secondAt = clock.elapsed(); });
        });
        QTRY_VERIFY_WITH_TIMEOUT(secondAt >= 0, 2000);
        // Never early; late by far less than the slack here (the engine records the real duration anyway).
        QVERIFY2(firstAt >= 200 && firstAt < 400, qPrintable(QString::number(firstAt)));
        QVERIFY2(secondAt >= 300 && secondAt < 600, qPrintable(QString::number(secondAt)));
    }

    void clearDropsEverything()
    {
        DeadlineQueue q;
        int fired = 0;
        for (int i = 0; i < 1000; ++i)
            q.add(50, [&] { ++fired; });
        QCOMPARE(q.size(), 1000);
        q.clear();
        QTest::qWait(120);
        QCOMPARE(fired, 0);
    }
};

QTEST_GUILESS_MAIN(TestDeadlineQueue)
#include "tst_deadlinequeue.moc"
