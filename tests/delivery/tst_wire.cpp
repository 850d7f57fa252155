#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QTest>

using namespace sd;
using test::HttpReceiver;

namespace {

// CRC-32 (IEEE) written out bit by bit for the gzip trailer, independent of any library under test.
quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xffffffffu;
    for (const char c : data) {
        crc ^= static_cast<unsigned char>(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void appendLe32(QByteArray &out, quint32 v)
{
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// A gzip member (RFC 1952) around the deflate stream qCompress makes: qCompress gives a 4-byte length, then a
// zlib stream (2-byte header, deflate data, 4-byte Adler-32).
QByteArray gzip(const QByteArray &plain)
{
    const QByteArray zlib = qCompress(plain, 9);
    QByteArray out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", 10);
    out += zlib.mid(4 + 2, zlib.size() - 4 - 2 - 4);
    appendLe32(out, crc32(plain));
    appendLe32(out, static_cast<quint32>(plain.size()));
    return out;
}

struct Setup
{
    test::TempDatabase db;
    HttpReceiver receiver;
    QString componentId;
    DeliveryController controller{db.path()};

    explicit Setup(bool tls = false)
    {
        if (tls) // the receiver's self-signed certificate, trusted as its own CA by the engine
            receiver.enableTls(test::fixture(QStringLiteral("selfsigned.crt")),
                               test::fixture(QStringLiteral("selfsigned.key")));
        DeliverySettings s;
        // One attempt now, the next a minute later: every POST the receiver sees within the test is the first
        // attempt's.
        DeliverySettings::parseSchedule(QStringLiteral("0,60s"), &s.retryScheduleMs);
        s.timeoutMs = 5000;
        s.minBackoffSlowMs = 60000;
        if (tls)
            s.caFile = test::fixturePath(QStringLiteral("selfsigned.crt"));
        s.save(db.store().settings);
        receiver.start();
        componentId = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        auto sub =
            SubscriberService(db.context()).add({receiver.url(), QStringLiteral("ops@example.com"), {}, {}});
        if (!sub.ok())
            qFatal("%s", qPrintable(sub.error()));
    }
    void send()
    {
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        ComponentService(db.context()).update(componentId, patch);
        controller.start();
    }
    bool attempted()
    {
        const auto list = db.store().outbox.list({});
        return !list.empty() && list.front().attempts >= 1 && list.front().state != DeliveryState::Sending;
    }
    Message onlyMessage() { return db.store().outbox.list({}).front(); }
};

HttpReceiver::Script raw(const QByteArray &bytes)
{
    HttpReceiver::Script s;
    s.mode = HttpReceiver::Mode::Raw;
    s.raw = bytes;
    return s;
}

HttpReceiver::Script mode(HttpReceiver::Mode m)
{
    HttpReceiver::Script s;
    s.mode = m;
    return s;
}

} // namespace

Q_DECLARE_METATYPE(sd::test::HttpReceiver::Script)

class TestWire final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void failureModes_data()
    {
        QTest::addColumn<HttpReceiver::Script>("script");
        QTest::addColumn<QString>("errorClass");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("tls");
        const QString closed = QStringLiteral("connection closed before a complete response");
        QTest::newRow("reset after reading the request")
            << mode(HttpReceiver::Mode::ResetAfterRequest) << "reset" << closed << false;
        QTest::newRow("close without response")
            << mode(HttpReceiver::Mode::CloseWithoutResponse) << "reset" << closed << false;
        // An answer that is not HTTP is a protocol error whose reason quotes what came (Qt 6.4's client
        // reported it as a closed connection; our own parser tells them apart).
        const QString badStatus = QStringLiteral("invalid status line \"HTTP/1.1 abc Broken\"");
        QTest::newRow("invalid status line")
            << raw("HTTP/1.1 abc Broken\r\nContent-Length: 0\r\n\r\n") << "protocol" << badStatus << false;
        QTest::newRow("garbage instead of HTTP")
            << raw("SSH-2.0-OpenSSH_9.2\r\n") << "protocol"
            << "the answer is not HTTP: it starts with \"SSH-2.0-OpenSSH_9.2\\r\\n\"" << false;
        QTest::newRow("truncated in the headers")
            << raw("HTTP/1.1 200 OK\r\nContent-Type: text/pl") << "reset" << closed << false;
        QTest::newRow("truncated in the body")
            << raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this") << "reset"
            << "connection reset mid-response (HTTP 200 started)" << false;
        // A Basic challenge is the result: nothing is sent again in answer to it.
        HttpReceiver::Script challenge;
        challenge.status = 401;
        challenge.reason = "Unauthorized";
        challenge.headers << qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Basic realm=\"hooks\""));
        QTest::newRow("401 with a Basic challenge") << challenge << "http_4xx"
                                                    << "HTTP 401 Unauthorized" << false;
        QTest::newRow("reset mid-response") << mode(HttpReceiver::Mode::ResetMidResponse) << "reset"
                                            << "connection reset mid-response (HTTP 200 started)" << false;
        // The same over HTTPS (QSslSocket underneath our HTTP client).
        QTest::newRow("https: reset after reading the request")
            << mode(HttpReceiver::Mode::ResetAfterRequest) << "reset" << closed << true;
        QTest::newRow("https: close without response")
            << mode(HttpReceiver::Mode::CloseWithoutResponse) << "reset" << closed << true;
        QTest::newRow("https: invalid status line")
            << raw("HTTP/1.1 abc Broken\r\nContent-Length: 0\r\n\r\n") << "protocol" << badStatus << true;
        QTest::newRow("https: garbage instead of HTTP")
            << raw("\x16\x03\x01garbage") << "protocol"
            << "the answer is not HTTP: it starts with \"\\x16\\x03\\x01" << true;
    }
    // The invariant: every POST a receiver saw is an attempt on the record, whatever the receiver did wrong.
    void failureModes()
    {
        QFETCH(HttpReceiver::Script, script);
        QFETCH(QString, errorClass);
        QFETCH(QString, reason);
        QFETCH(bool, tls);
        Setup t(tls);
        t.receiver.setDefault(script);
        t.send();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 15000);
        // Anything still on its way (a re-send would be queued behind the failure) lands before counting.
        QTest::qWait(300);
        const Message m = t.onlyMessage();
        const auto attempts = t.db.store().outbox.attempts(m.id);
        QCOMPARE(t.receiver.countWebhookId(m.id.toUtf8()), int(attempts.size()));
        QCOMPARE(int(attempts.size()), 1);
        const Attempt &a = attempts.front();
        QVERIFY2(!a.errorText.isEmpty(), qPrintable(a.errorClass));
        QVERIFY2(a.errorClass == errorClass, qPrintable(a.errorClass + QLatin1String(": ") + a.errorText));
        QVERIFY2(a.errorText.contains(reason), qPrintable(a.errorText));
        QCOMPARE(sd::toString(m.state), sd::toString(DeliveryState::Retrying));
    }

    void compressedAnswers_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("plain");
        QTest::addColumn<QString>("errorClass");
        QTest::addColumn<QString>("reason");
        // A small gzip answer is still read (and kept decompressed).
        QTest::newRow("small gzip") << gzip("accepted") << QByteArray("accepted") << ""
                                    << "";
        QTest::newRow("not gzip at all")
            << QByteArray("plain text, labelled gzip") << QByteArray() << "protocol"
            << "decompression failed: ";
        // 64 MiB of zeros in about 64 KB: far past Qt's decompression safety threshold (10 MiB at a ratio
        // over 40).
        QTest::newRow("gzip bomb") << gzip(QByteArray(64 * 1024 * 1024, '\0')) << QByteArray() << "protocol"
                                   << "decompression bomb";
    }
    void compressedAnswers()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, plain);
        QFETCH(QString, errorClass);
        QFETCH(QString, reason);
        Setup t;
        HttpReceiver::Script script;
        script.headers << qMakePair(QByteArray("Content-Encoding"), QByteArray("gzip"));
        script.body = body;
        t.receiver.setDefault(script);
        t.send();
        QTRY_VERIFY_WITH_TIMEOUT(t.attempted(), 15000);
        const Message m = t.onlyMessage();
        const auto attempts = t.db.store().outbox.attempts(m.id);
        QCOMPARE(int(attempts.size()), 1);
        QCOMPARE(t.receiver.countWebhookId(m.id.toUtf8()), 1);
        const Attempt &a = attempts.front();
        QVERIFY2(a.errorClass == errorClass, qPrintable(a.errorClass + QLatin1String(": ") + a.errorText));
        if (errorClass.isEmpty()) {
            QCOMPARE(a.responseBody, plain);
            QCOMPARE(sd::toString(m.state), sd::toString(DeliveryState::Delivered));
        } else {
            QVERIFY2(a.errorText.startsWith(QLatin1String("decompression failed: ")),
                     qPrintable(a.errorText));
            QVERIFY2(a.errorText.size() > 22, qPrintable(a.errorText)); // carries the reason
            QCOMPARE(a.httpStatus, 0);
            QCOMPARE(sd::toString(m.state), sd::toString(DeliveryState::Retrying));
        }
    }
};

QTEST_GUILESS_MAIN(TestWire)
#include "tst_wire.moc"
