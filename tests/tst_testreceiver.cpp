// The console's built-in receiver of the sample page (app/testreceiver) on Qt HTTP Server: it answers as the
// View menu tells it (200, 500 or never) and records what it got, over real loopback HTTP from
// QNetworkAccessManager.
#include "app/testreceiver/testreceiver.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>

using namespace sd;

class TestTestReceiver final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersAsTold_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("accept") << int(TestReceiver::Mode::Accept) << 200 << QByteArray("{\"ok\":true}");
        QTest::newRow("fail 500") << int(TestReceiver::Mode::Fail500) << 500
                                  << QByteArray("{\"error\":\"test receiver told to fail\"}");
    }

    void answersAsTold()
    {
        QFETCH(int, mode);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        TestReceiver receiver;
        QVERIFY(receiver.listen());
        receiver.setMode(static_cast<TestReceiver::Mode>(mode));
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(receiver.url(QStringLiteral("/hook?x=1"))));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("webhook-id", "msg_1");
        std::unique_ptr<QNetworkReply> reply(nam.post(request, QByteArrayLiteral("{\"page\":1}")));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), status);
        QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(),
                 QByteArray("application/json"));
        QCOMPARE(reply->readAll(), body);

        QCOMPARE(receiver.requestCount(), qint64(1));
        const TestReceiver::Request &got = receiver.requests().first();
        QCOMPARE(got.method, QByteArray("POST"));
        QCOMPARE(got.path, QByteArray("/hook?x=1"));
        QCOMPARE(got.header("Webhook-Id"), QByteArray("msg_1"));
        QCOMPARE(got.body, QByteArray("{\"page\":1}"));
        QCOMPARE(got.answeredStatus, status);
    }

    // Hang: the request is recorded and never answered, and the receiver still answers on other connections.
    void hangsWhenTold()
    {
        TestReceiver receiver;
        QVERIFY(receiver.listen());
        receiver.setMode(TestReceiver::Mode::Hang);
        QNetworkAccessManager hanging;
        std::unique_ptr<QNetworkReply> reply(
            hanging.post(QNetworkRequest(QUrl(receiver.url())), QByteArray("x")));
        QSignalSpy received(&receiver, &TestReceiver::requestReceived);
        QVERIFY(received.wait());
        QCOMPARE(receiver.requests().first().answeredStatus, 0);

        receiver.setMode(TestReceiver::Mode::Accept);
        QNetworkAccessManager other;
        std::unique_ptr<QNetworkReply> second(
            other.post(QNetworkRequest(QUrl(receiver.url())), QByteArray("y")));
        QSignalSpy done(second.get(), &QNetworkReply::finished);
        QVERIFY(done.wait());
        QCOMPARE(second->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(!reply->isFinished()); // the first is still waiting for its answer
        reply->abort();
    }

    // Keep-alive: several requests on one connection are each answered, in order.
    void answersEachRequestOnAConnection()
    {
        TestReceiver receiver;
        QVERIFY(receiver.listen());
        QNetworkAccessManager nam;
        for (int i = 0; i < 3; ++i) {
            std::unique_ptr<QNetworkReply> reply(
                nam.post(QNetworkRequest(QUrl(receiver.url())), QByteArray::number(i)));
            QSignalSpy finished(reply.get(), &QNetworkReply::finished);
            QVERIFY(finished.wait());
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        }
        QCOMPARE(receiver.requestCount(), qint64(3));
        QCOMPARE(receiver.requests().at(2).body, QByteArray("2"));
    }
};

QTEST_GUILESS_MAIN(TestTestReceiver)
#include "tst_testreceiver.moc"
