// Issue 11 at send time: credentials in an endpoint arrive as HTTP Basic authentication and are recorded
// redacted; refused targets (link-local, unspecified, and private ones when the setting says so) are never
// connected to, recorded once as error class "policy" with a one-sentence reason, and not retried.
#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/ids.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace sd;
using test::HttpReceiver;

namespace {

struct Setup
{
    test::TempDatabase db;
    HttpReceiver receiver;
    QString componentId;
    DeliveryController controller{db.path()};

    explicit Setup(bool refusePrivate = false)
    {
        DeliverySettings s;
        DeliverySettings::parseSchedule(QStringLiteral("0,60s,60s"), &s.retryScheduleMs);
        s.timeoutMs = 3000;
        s.refusePrivateTargets = refusePrivate;
        s.save(db.store().settings);
        receiver.start();
        componentId = ComponentService(db.context()).add({QStringLiteral("API")})->id;
    }
    // Straight into the store, as a subscriber added before the policy existed (or by an older version)
    // would be: the engine must refuse it on its own.
    Subscriber insertRaw(const QString &endpoint)
    {
        Subscriber s;
        s.id = ids::newId();
        s.endpoint = endpoint;
        s.email = QStringLiteral("ops@example.com");
        s.unsubscribeToken = ids::newToken();
        s.state = SubscriberState::Active;
        s.createdAt = QDateTime::currentDateTimeUtc();
        db.store().subscribers.insert(s);
        return s;
    }
    void changeStatus()
    {
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(db.context()).update(componentId, patch).ok());
    }
    Message messageFor(const QString &subscriberId)
    {
        MessageFilter f;
        f.subscriberId = subscriberId;
        return db.store().outbox.list(f).front();
    }
    bool settled(const QString &subscriberId)
    {
        const Message m = messageFor(subscriberId);
        return m.attempts >= 1 && m.state != DeliveryState::Sending;
    }
};

} // namespace

class TestTargets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void urlCredentialsAreSentAsBasicAuth()
    {
        Setup t;
        const QString endpoint = t.receiver.url().replace(QStringLiteral("http://"),
                                                          QStringLiteral("http://hook%20user:p%40ss:w@"));
        auto s = SubscriberService(t.db.context()).add({endpoint, QStringLiteral("ops@example.com"), {}, {}});
        QVERIFY2(s.ok(), qPrintable(s.error()));
        t.changeStatus();
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.settled(s->id), 10000);
        QCOMPARE(t.receiver.requests().size(), 1);
        const auto &request = t.receiver.requests().first();
        // Decoded user and password, as RFC 7617 puts them: "user:password" in base64.
        QCOMPARE(request.headers.value("authorization"),
                 QByteArray("Basic ") + QByteArray("hook user:p@ss:w").toBase64());
        const Message m = t.messageFor(s->id);
        QCOMPARE(static_cast<int>(m.state), static_cast<int>(DeliveryState::Delivered));
        const auto attempts = t.db.store().outbox.attempts(m.id);
        QCOMPARE(attempts.size(), size_t(1));
        QVERIFY2(!attempts.front().endpoint.contains(QLatin1String("p%40ss")),
                 qPrintable(attempts.front().endpoint));
        QVERIFY2(attempts.front().endpoint.contains(QLatin1String("hook%20user:***@")),
                 qPrintable(attempts.front().endpoint));
        const QByteArray headers = attempts.front().requestHeaders;
        QVERIFY2(headers.contains("\"Authorization\":\"Basic ***\""), headers.constData());
        QVERIFY2(!headers.contains(QByteArray("hook user:p@ss:w").toBase64()), headers.constData());
    }

    void noCredentialsNoAuthorization()
    {
        Setup t;
        auto s = SubscriberService(t.db.context())
                     .add({t.receiver.url(), QStringLiteral("ops@example.com"), {}, {}});
        QVERIFY(s.ok());
        t.changeStatus();
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.settled(s->id), 10000);
        QCOMPARE(t.receiver.requests().size(), 1);
        QVERIFY(!t.receiver.requests().first().headers.contains("authorization"));
    }

    void refusedTargetsAreNeverSent_data()
    {
        QTest::addColumn<QString>("endpoint"); // %1: a port where something listens
        QTest::addColumn<bool>("refusePrivate");
        QTest::addColumn<QString>("reason");
        QTest::newRow("metadata address")
            << "http://169.254.169.254/latest/meta-data/" << false << "link-local";
        QTest::newRow("unspecified with a listener") << "http://0.0.0.0:%1/hook" << false << "unspecified";
        QTest::newRow("mapped unspecified") << "http://[::ffff:0.0.0.0]:%1/hook" << false << "unspecified";
        QTest::newRow("metadata name") << "http://metadata.google.internal/" << false << "metadata";
        QTest::newRow("loopback, setting on")
            << "http://127.0.0.1:%1/hook" << true << "refuses private targets";
        // A name is resolved and its addresses checked before any connection: localhost is loopback.
        QTest::newRow("name resolving to loopback, setting on")
            << "http://localhost:%1/hook" << true << "localhost resolves to";
    }
    void refusedTargetsAreNeverSent()
    {
        QFETCH(QString, endpoint);
        QFETCH(bool, refusePrivate);
        QFETCH(QString, reason);
        Setup t(refusePrivate);
        // Anything that connects to 0.0.0.0 or 127.0.0.1 on this port would reach this listener.
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::Any));
        int connections = 0;
        connect(&listener, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *socket = listener.nextPendingConnection()) {
                ++connections;
                socket->close();
            }
        });
        if (endpoint.contains(QLatin1String("%1")))
            endpoint = endpoint.arg(listener.serverPort());
        const Subscriber s = t.insertRaw(endpoint);
        t.changeStatus();
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.settled(s.id), 10000);
        const Message m = t.messageFor(s.id);
        QCOMPARE(
            static_cast<int>(m.state),
            static_cast<int>(DeliveryState::Failed)); // not retried: the policy does not change by waiting
        QCOMPARE(m.lastErrorClass, QStringLiteral("policy"));
        QVERIFY2(m.lastError.contains(reason), qPrintable(m.lastError));
        const auto attempts = t.db.store().outbox.attempts(m.id);
        QCOMPARE(attempts.size(), size_t(1));
        QCOMPARE(attempts.front().errorClass, QStringLiteral("policy"));
        QCOMPARE(attempts.front().httpStatus, 0);
        QVERIFY2(!attempts.front().errorText.contains(QLatin1Char('\n')),
                 qPrintable(attempts.front().errorText));
        QTest::qWait(300);
        QCOMPARE(connections, 0);
        QCOMPARE(t.receiver.requests().size(), 0);
    }

    void allowedNameIsDeliveredAfterResolution()
    {
        Setup t;
        const QString endpoint = QStringLiteral("http://localhost:%1/hook").arg(t.receiver.serverPort());
        auto s = SubscriberService(t.db.context()).add({endpoint, QStringLiteral("ops@example.com"), {}, {}});
        QVERIFY2(s.ok(), qPrintable(s.error()));
        t.changeStatus();
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.settled(s->id), 10000);
        QCOMPARE(static_cast<int>(t.messageFor(s->id).state), static_cast<int>(DeliveryState::Delivered));
        QCOMPARE(t.receiver.requests().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTargets)
#include "tst_targets.moc"
