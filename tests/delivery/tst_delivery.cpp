#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/resendservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>

using namespace sd;
using test::HttpReceiver;

namespace {

// HMAC-SHA256 written out from RFC 2104 with plain hashing, independent of the code under test.
QByteArray hmacSha256(QByteArray key, const QByteArray &message)
{
    if (key.size() > 64)
        key = QCryptographicHash::hash(key, QCryptographicHash::Sha256);
    key = key.leftJustified(64, '\0');
    QByteArray inner(64, 0), outer(64, 0);
    for (int i = 0; i < 64; ++i) {
        inner[i] = static_cast<char>(key[i] ^ 0x36);
        outer[i] = static_cast<char>(key[i] ^ 0x5c);
    }
    const QByteArray innerHash =
        QCryptographicHash::hash(QByteArray(inner + message), QCryptographicHash::Sha256);
    return QCryptographicHash::hash(QByteArray(outer + innerHash), QCryptographicHash::Sha256);
}

struct Setup
{
    test::TempDatabase db;
    HttpReceiver receiver;
    QString componentId;
    DeliveryController controller{db.path()};

    explicit Setup(const QString &schedule = QStringLiteral("0,60s"), qint64 timeoutMs = 2000)
    {
        DeliverySettings s;
        DeliverySettings::parseSchedule(schedule, &s.retryScheduleMs);
        s.timeoutMs = timeoutMs;
        s.minBackoffSlowMs = 60000;
        s.save(db.store().settings);
        receiver.start();
        componentId = ComponentService(db.context()).add({QStringLiteral("API")})->id;
    }
    Subscriber subscribe(const QString &endpoint, const QString &secret = {})
    {
        auto s =
            SubscriberService(db.context()).add({endpoint, QStringLiteral("ops@example.com"), {}, secret});
        if (!s.ok())
            qFatal("%s", qPrintable(s.error()));
        return s.value();
    }
    void changeStatus(ComponentStatus status)
    {
        ComponentPatch patch;
        patch.status = status;
        ComponentService(db.context()).update(componentId, patch);
    }
    Message onlyMessage() { return db.store().outbox.list({}).front(); }
    bool attempted(int n = 1)
    {
        const auto list = db.store().outbox.list({});
        return !list.empty() && list.front().attempts >= n && list.front().state != DeliveryState::Sending;
    }
};

} // namespace

class TestDelivery final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outcomes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("extraHeader");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("errorClass");
        QTest::newRow("200") << 200 << QByteArray() << "delivered"
                             << "";
        QTest::newRow("204") << 204 << QByteArray() << "delivered"
                             << "";
        QTest::newRow("301 not followed") << 301 << QByteArray("Location: /elsewhere") << "retrying"
                                          << "http_3xx";
        QTest::newRow("302 not followed") << 302 << QByteArray("Location: /elsewhere") << "retrying"
                                          << "http_3xx";
        QTest::newRow("404") << 404 << QByteArray() << "retrying"
                             << "http_4xx";
        QTest::newRow("410 quarantines") << 410 << QByteArray() << "held"
                                         << "http_4xx";
        QTest::newRow("429 retry-after") << 429 << QByteArray("Retry-After: 1") << "retrying"
                                         << "http_4xx";
        QTest::newRow("500") << 500 << QByteArray() << "retrying"
                             << "http_5xx";
    }
    void outcomes()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, extraHeader);
        QFETCH(QString, state);
        QFETCH(QString, errorClass);
        Setup t;
        HttpReceiver::Script script;
        script.status = status;
        script.reason = "Whatever";
        if (!extraHeader.isEmpty()) {
            const int colon = static_cast<int>(extraHeader.indexOf(':'));
            script.headers << qMakePair(extraHeader.left(colon), extraHeader.mid(colon + 2));
        }
        t.receiver.setDefault(script);
        const Subscriber s = t.subscribe(t.receiver.url());
        t.changeStatus(ComponentStatus::MajorOutage);
        const QDateTime before = QDateTime::currentDateTimeUtc();
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 10000);
        const Message m = t.onlyMessage();
        QCOMPARE(toStringHelper(m.state), state);
        QCOMPARE(m.lastErrorClass, errorClass);
        QCOMPARE(m.lastHttpStatus, status);
        QCOMPARE(t.receiver.requests().size(), 1); // redirects are never followed
        const auto attempts = t.db.store().outbox.attempts(m.id);
        QCOMPARE(attempts.size(), size_t(1));
        QCOMPARE(attempts.front().httpStatus, status);
        QCOMPARE(sd::toString(attempts.front().trigger), sd::toString(AttemptTrigger::Automatic));
        QVERIFY(attempts.front().durationMs >= 0);
        QVERIFY(!attempts.front().responseHeaders.isEmpty());
        if (status == 410) {
            QCOMPARE(sd::toString(t.db.store().subscribers.find(s.id)->state),
                     sd::toString(SubscriberState::Quarantined));
        }
        if (status == 429) // Retry-After: 1 is below the floor: 429 waits at least 60 s
            QVERIFY(m.nextAttemptAt >= before.addSecs(59));
    }

    void requestCarriesStoredBytesAndStandardHeaders()
    {
        Setup t;
        const QString secret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        const Subscriber s = t.subscribe(t.receiver.url(), secret);
        t.changeStatus(ComponentStatus::PartialOutage);
        const Message queued = t.onlyMessage();
        const QByteArray stored = t.db.store().outbox.find(queued.id)->body;
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 10000);
        const test::ReceivedRequest r = t.receiver.requests().first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.body, stored); // byte for byte
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        QVERIFY(r.headers.value("user-agent").startsWith("StatusDesk/"));
        QCOMPARE(r.headers.value("webhook-id"), queued.id.toUtf8());
        const QByteArray timestamp = r.headers.value("webhook-timestamp");
        QVERIFY(qAbs(timestamp.toLongLong() - QDateTime::currentSecsSinceEpoch()) < 30);
        const QByteArray expected = "v1," + hmacSha256(QByteArray::fromBase64(secret.mid(6).toLatin1()),
                                                       queued.id.toUtf8() + '.' + timestamp + '.' + r.body)
                                                .toBase64();
        QCOMPARE(r.headers.value("webhook-signature"), expected);
        QCOMPARE(QJsonDocument::fromJson(r.body).object()[u"component"][u"status"].toString(),
                 QStringLiteral("partial_outage"));
        QVERIFY(!s.id.isEmpty());
    }

    void rotationSignsWithBothSecrets()
    {
        Setup t;
        const Subscriber s =
            t.subscribe(t.receiver.url(), QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        auto rotated = SubscriberService(t.db.context()).rotateSecret(s.id);
        QVERIFY(rotated.ok());
        t.changeStatus(ComponentStatus::PartialOutage);
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 10000);
        const QList<QByteArray> signatures =
            t.receiver.requests().first().headers.value("webhook-signature").split(' ');
        QCOMPARE(signatures.size(), 2);
        QVERIFY(signatures.at(0).startsWith("v1,"));
        QVERIFY(signatures.at(0) != signatures.at(1));
    }

    // The independent check the issue names: Standard Webhooks' own JavaScript library (npm
    // "standardwebhooks", installed by scripts/test.sh into tests/signature) must accept what a receiver
    // actually got on the wire, with the current secret and, during a rotation, with the old one too.
    void standardWebhooksLibraryVerifiesWhatWasSent()
    {
        const QString dir =
            QDir(QStringLiteral(STATUSDESK_TEST_DATA_DIR)).filePath(QStringLiteral("../signature"));
        QVERIFY2(
            QFile::exists(dir + QStringLiteral("/node_modules/standardwebhooks/package.json")),
            "the standardwebhooks npm package is missing: run scripts/test.sh (npm ci in tests/signature)");
        Setup t;
        const QString secret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        const Subscriber plain = t.subscribe(t.receiver.url(QStringLiteral("/plain")), secret);
        const Subscriber rotating = t.subscribe(t.receiver.url(QStringLiteral("/rotating")),
                                                QStringLiteral("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"));
        QVERIFY(SubscriberService(t.db.context()).rotateSecret(rotating.id).ok());
        const Subscriber rotated = *t.db.store().subscribers.find(rotating.id);
        QVERIFY(rotated.secret != rotated.previousSecret && !rotated.previousSecret.isEmpty());
        t.changeStatus(ComponentStatus::MajorOutage);
        t.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(t.receiver.requests().size(), 2, 10000);

        QJsonArray cases;
        QList<bool> expected;
        auto add = [&](const test::ReceivedRequest &r, const QString &key, const QByteArray &body, bool ok) {
            cases.append(QJsonObject{
                {QStringLiteral("secret"), key},
                {QStringLiteral("id"), QString::fromLatin1(r.headers.value("webhook-id"))},
                {QStringLiteral("timestamp"), QString::fromLatin1(r.headers.value("webhook-timestamp"))},
                {QStringLiteral("signature"), QString::fromLatin1(r.headers.value("webhook-signature"))},
                {QStringLiteral("body_base64"), QString::fromLatin1(body.toBase64())}});
            expected << ok;
        };
        for (const test::ReceivedRequest &r : t.receiver.requests()) {
            QByteArray tampered = r.body;
            tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'x' ? 'y' : 'x';
            if (r.path.endsWith("/plain")) {
                add(r, secret, r.body, true);
                add(r, secret, tampered, false); // proves the check can fail
                add(r, rotated.secret, r.body, false);
            } else {
                add(r, rotated.secret, r.body, true);
                add(r, rotated.previousSecret, r.body, true); // receivers not yet updated keep working
            }
        }
        QProcess node;
        node.setWorkingDirectory(dir);
        node.start(QStringLiteral("node"), {QStringLiteral("verify.js")});
        QVERIFY2(node.waitForStarted(10000), "node is missing: scripts/install-deps.sh installs it");
        node.write(QJsonDocument(cases).toJson(QJsonDocument::Compact));
        node.closeWriteChannel();
        QVERIFY(node.waitForFinished(30000));
        QCOMPARE(node.exitCode(), 0);
        const QJsonArray results = QJsonDocument::fromJson(node.readAllStandardOutput()).array();
        QCOMPARE(results.size(), expected.size());
        for (int i = 0; i < results.size(); ++i) {
            const QJsonValue v = results.at(i);
            QVERIFY2((v.isBool() && v.toBool()) == expected.at(i),
                     qPrintable(QStringLiteral("case %1: %2")
                                    .arg(i)
                                    .arg(v.isBool() ? QStringLiteral("verified") : v.toString())));
        }
        QVERIFY(plain.id != rotating.id);
    }

    void transportFailures_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("delayMs");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("errorClass");
        QTest::newRow("hangs past the deadline") << int(HttpReceiver::Mode::Hang) << 0 << "retrying"
                                                 << "timeout";
        QTest::newRow("answers just under it") << int(HttpReceiver::Mode::Respond) << 1300 << "delivered"
                                               << "";
        QTest::newRow("reset mid-response") << int(HttpReceiver::Mode::ResetMidResponse) << 0 << "retrying"
                                            << "reset";
        QTest::newRow("close without response")
            << int(HttpReceiver::Mode::CloseWithoutResponse) << 0 << "retrying"
            << "reset";
    }
    void transportFailures()
    {
        QFETCH(int, mode);
        QFETCH(int, delayMs);
        QFETCH(QString, state);
        QFETCH(QString, errorClass);
        Setup t(QStringLiteral("0,60s"), 1500);
        HttpReceiver::Script script;
        script.mode = static_cast<HttpReceiver::Mode>(mode);
        script.delayMs = delayMs;
        t.receiver.setDefault(script);
        t.subscribe(t.receiver.url());
        t.changeStatus(ComponentStatus::MajorOutage);
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 10000);
        const Message m = t.onlyMessage();
        QCOMPARE(toStringHelper(m.state), state);
        QCOMPARE(m.lastErrorClass, errorClass);
        const Attempt a = t.db.store().outbox.attempts(m.id).front();
        if (errorClass == QLatin1String("timeout")) {
            QCOMPARE(a.httpStatus, 0);
            QVERIFY2(a.durationMs >= 1500 && a.durationMs < 2500, qPrintable(QString::number(a.durationMs)));
        }
    }

    // Fairness: endpoints that hang hold only their own origin's slots. The hanging subscribers' messages are
    // older (claimed first), so a plain FIFO under the global cap would park every slot on them for the
    // whole deadline; round-robin across origins lets the healthy ones through at once.
    void hangingEndpointsNeverDelayHealthyOnes()
    {
        Setup t(QStringLiteral("0,60s"), 4000);
        DeliverySettings s = DeliverySettings::load(t.db.store().settings);
        s.maxInFlight = 6;
        s.maxPerHost = 2;
        s.save(t.db.store().settings);
        HttpReceiver hanging;
        QVERIFY(hanging.start());
        HttpReceiver::Script hang;
        hang.mode = HttpReceiver::Mode::Hang;
        hanging.setDefault(hang);
        for (int i = 0; i < 10; ++i)
            t.subscribe(hanging.url(QStringLiteral("/h%1").arg(i)));
        for (int i = 0; i < 10; ++i)
            t.subscribe(t.receiver.url(QStringLiteral("/ok%1").arg(i)));
        t.changeStatus(ComponentStatus::MajorOutage);
        QElapsedTimer clock;
        clock.start();
        t.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(t.receiver.requests().size(), 10, 3000);
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(!hanging.requests().isEmpty()); // the hanging ones were tried too, and are still waiting
        MessageFilter timedOut;
        timedOut.state = DeliveryState::Retrying;
        QCOMPARE(t.db.store().outbox.count(timedOut), 0);
    }

    // Another process holds the database past the busy timeout while answers arrive: the results stay in
    // memory, one warning says so (not one per retry), and once the lock goes every result is written once.
    void resultsSurviveADatabaseLockedPastTheBusyTimeout()
    {
        Setup t;
        HttpReceiver::Script slow;
        slow.delayMs = 800; // answers arrive after the claim is committed and while the lock is held
        t.receiver.setDefault(slow);
        for (int i = 0; i < 5; ++i)
            t.subscribe(t.receiver.url(QStringLiteral("/l%1").arg(i)));
        t.changeStatus(ComponentStatus::MajorOutage);
        QSignalSpy warnings(&t.controller, &DeliveryController::engineWarning);
        QSignalSpy errors(&t.controller, &DeliveryController::engineError);
        QSignalSpy idle(&t.controller, &DeliveryController::idle);
        t.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(t.receiver.requests().size(), 5, 5000); // all five are in flight
        {
            // Whatever happens below, the lock goes at the end of this block: an engine left waiting on it
            // would keep the controller from stopping.
            bool held = false;
            const auto release = qScopeGuard([&held] {
                {
                    QSqlDatabase locker = QSqlDatabase::database(QStringLiteral("locker"), false);
                    if (held)
                        QSqlQuery(locker).exec(QStringLiteral("ROLLBACK"));
                    locker.close();
                }
                QSqlDatabase::removeDatabase(QStringLiteral("locker"));
            });
            QSqlDatabase locker = test::openConnection(t.db.path(), QStringLiteral("locker"));
            QVERIFY2(locker.isOpen(), qPrintable(locker.lastError().text()));
            QSqlQuery lock(locker);
            if (t.db.isPostgres()) {
                // What SQLite's write lock does: writers wait (here until the store's lock timeout), readers
                // go on.
                QVERIFY(lock.exec(QStringLiteral("BEGIN")));
                held = true;
                QVERIFY2(lock.exec(QStringLiteral("LOCK TABLE messages IN EXCLUSIVE MODE")),
                         qPrintable(lock.lastError().text()));
            } else {
                QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE")));
                held = true;
            }
            QTRY_VERIFY_WITH_TIMEOUT(warnings.count() >= 1,
                                     15000); // the journal gave up once (10 s busy timeout)
            QVERIFY2(warnings.first().at(0).toString().contains(QLatin1String("kept")),
                     qPrintable(warnings.first().at(0).toString()));
            QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
            held = false;
        }
        QVERIFY(idle.wait(20000) || !idle.isEmpty());
        QCOMPARE(t.db.store().outbox.countsByState().delivered, 5);
        MessageFilter all;
        int attempts = 0;
        for (const Message &m : t.db.store().outbox.list(all))
            attempts += static_cast<int>(t.db.store().outbox.attempts(m.id).size());
        QCOMPARE(attempts, 5);                     // each result written exactly once
        QCOMPARE(t.receiver.requests().size(), 5); // nothing was sent twice
        QCOMPARE(errors.count(), 0);               // transient, not fatal
        QTRY_VERIFY(warnings.last().at(0).toString().contains(QLatin1String("again")));
        QVERIFY(warnings.count() <= 3);
    }

    void hugeResponseIsCapped()
    {
        Setup t;
        HttpReceiver::Script script;
        script.mode = HttpReceiver::Mode::HugeBody;
        script.hugeBytes = 10 * 1024 * 1024;
        t.receiver.setDefault(script);
        t.subscribe(t.receiver.url());
        t.changeStatus(ComponentStatus::MajorOutage);
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 20000);
        const Message m = t.onlyMessage();
        QCOMPARE(sd::toString(m.state), sd::toString(DeliveryState::Delivered));
        const Attempt a = t.db.store().outbox.attempts(m.id).front();
        QCOMPARE(a.responseBody.size(), 20000);
        QCOMPARE(a.responseBody, QByteArray(20000, 'z'));
        QCOMPARE(t.receiver.hugeBytesSent(), qint64(10 * 1024 * 1024)); // the whole answer was read through
    }

    void endpointErrors_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("errorClass");
        QTest::newRow("self-signed https") << "tls"
                                           << "tls";
        QTest::newRow("name that does not resolve") << "dns"
                                                    << "dns";
        QTest::newRow("refused port") << "refused"
                                      << "refused";
    }
    void endpointErrors()
    {
        QFETCH(QString, kind);
        QFETCH(QString, errorClass);
        Setup t;
        HttpReceiver tls;
        QString endpoint;
        if (kind == QLatin1String("tls")) {
            tls.enableTls(test::fixture(QStringLiteral("selfsigned.crt")),
                          test::fixture(QStringLiteral("selfsigned.key")));
            QVERIFY(tls.start());
            endpoint = tls.url();
        } else if (kind == QLatin1String("dns")) {
            endpoint = QStringLiteral("http://statusdesk-no-such-host.invalid/hook");
        } else {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            endpoint = QStringLiteral("http://127.0.0.1:%1/hook").arg(probe.serverPort());
            probe.close();
        }
        t.subscribe(endpoint);
        t.changeStatus(ComponentStatus::MajorOutage);
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 15000);
        QCOMPARE(t.onlyMessage().lastErrorClass, errorClass);
        QCOMPARE(t.onlyMessage().lastHttpStatus, 0);
    }

    void quarantineAfterTenFailuresThenReactivate()
    {
        Setup t(QStringLiteral("0,10ms,10ms,10ms,10ms,10ms,10ms,10ms,10ms,10ms,10ms,10ms,10ms,10ms"));
        DeliverySettings s = DeliverySettings::load(t.db.store().settings);
        s.jitter = 0;
        s.save(t.db.store().settings);
        HttpReceiver::Script failing;
        failing.status = 500;
        t.receiver.setDefault(failing);
        const Subscriber sub = t.subscribe(t.receiver.url());
        t.changeStatus(ComponentStatus::MajorOutage);
        QSignalSpy notices(&t.controller, &DeliveryController::noticeAdded);
        t.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(sd::toString(t.db.store().subscribers.find(sub.id)->state),
                                  sd::toString(SubscriberState::Quarantined), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(sd::toString(t.onlyMessage().state), sd::toString(DeliveryState::Held),
                                  5000);
        QCOMPARE(t.receiver.requests().size(), 10);
        const Subscriber q = *t.db.store().subscribers.find(sub.id);
        QVERIFY(q.quarantinedAt.isValid());
        QCOMPARE(q.quarantinedAt.daysTo(q.purgeAt), 90);
        QTRY_VERIFY(!notices.isEmpty());
        QVERIFY(notices.first().first().toString().contains(QLatin1String("ops@example.com")));
        QVERIFY(t.db.store().notices.recent().front().text.contains(QLatin1String("quarantined")));
        // Nothing more is sent while quarantined, and resend is refused.
        t.changeStatus(ComponentStatus::Operational);
        auto refused = ResendService(t.db.context()).resend({t.onlyMessage().id});
        QVERIFY(refused.error().contains(QLatin1String("quarantined")));
        QTest::qWait(300);
        QCOMPARE(t.receiver.requests().size(), 10);

        t.receiver.setDefault(HttpReceiver::Script{});
        auto released = SubscriberService(t.db.context()).reactivate(sub.id);
        QVERIFY(released.ok());
        QCOMPARE(released.value(), 1);
        t.controller.wake();
        QTRY_COMPARE_WITH_TIMEOUT(t.db.store().outbox.countsByState().delivered, 1, 10000);
    }

    void resendUsesTheSameWebhookId()
    {
        Setup t;
        t.subscribe(t.receiver.url());
        t.changeStatus(ComponentStatus::MajorOutage);
        t.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 10000);
        const Message m = t.onlyMessage();
        QCOMPARE(sd::toString(m.state), sd::toString(DeliveryState::Delivered));
        auto resent = ResendService(t.db.context()).resend({m.id});
        QVERIFY2(resent.ok(), qPrintable(resent.error()));
        t.controller.wake();
        QTRY_COMPARE_WITH_TIMEOUT(t.receiver.requests().size(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(2), 10000);
        QCOMPARE(t.receiver.requests().at(1).headers.value("webhook-id"), m.id.toUtf8());
        QCOMPARE(t.receiver.requests().at(1).body, t.receiver.requests().at(0).body);
        const auto attempts = t.db.store().outbox.attempts(m.id);
        QCOMPARE(attempts.size(), size_t(2));
        QCOMPARE(sd::toString(attempts.at(1).trigger), sd::toString(AttemptTrigger::Manual));
        QVERIFY(ResendService(t.db.context())
                    .resend({QStringLiteral("msg_nope")})
                    .error()
                    .contains(QLatin1String("unknown")));
    }

    void progressIsBatched()
    {
        Setup t;
        for (int i = 0; i < 40; ++i)
            t.subscribe(t.receiver.url(QStringLiteral("/s%1").arg(i)));
        t.changeStatus(ComponentStatus::MajorOutage);
        QSignalSpy changed(&t.controller, &DeliveryController::messagesChanged);
        QSignalSpy idle(&t.controller, &DeliveryController::idle);
        t.controller.start();
        QVERIFY(idle.wait(15000));
        QCOMPARE(t.db.store().outbox.countsByState().delivered, 40);
        QVERIFY2(changed.size() < 20,
                 qPrintable(QString::number(changed.size()))); // batches, not one per request
        QSet<QString> ids;
        for (const auto &args : changed)
            for (const QString &id : args.first().toStringList())
                ids.insert(id);
        QCOMPARE(ids.size(), 40);
    }

    // Views re-read the ids they are told about; an id announced before its result is written would stay
    // "sending" on screen. So the last announcement of every delivery must find it in its final state.
    void announcedOnlyOnceWritten()
    {
        Setup t;
        for (int i = 0; i < 300; ++i)
            t.subscribe(t.receiver.url(QStringLiteral("/a%1").arg(i)));
        t.changeStatus(ComponentStatus::MajorOutage);
        QHash<QString, QString> seen; // id -> state read when it was announced
        connect(&t.controller, &DeliveryController::messagesChanged, this, [&](const QStringList &ids) {
            for (const QString &id : ids)
                seen.insert(id, sd::toString(t.db.store().outbox.find(id)->state));
        });
        QSignalSpy idle(&t.controller, &DeliveryController::idle);
        t.controller.start();
        QVERIFY(idle.wait(30000));
        QCOMPARE(t.db.store().outbox.countsByState().delivered, 300);
        QCOMPARE(seen.size(), 300);
        for (auto it = seen.cbegin(); it != seen.cend(); ++it)
            QVERIFY2(it.value() == QLatin1String("delivered"),
                     qPrintable(it.key() + QLatin1Char(' ') + it.value()));
    }

private:
    static QString toStringHelper(DeliveryState s);
};

QString TestDelivery::toStringHelper(DeliveryState s)
{
    return sd::toString(s);
}

QTEST_GUILESS_MAIN(TestDelivery)
#include "tst_delivery.moc"
