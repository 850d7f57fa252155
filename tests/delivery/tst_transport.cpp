// The outbound HTTP transport (issue 19): QNetworkAccessManager behind HttpTransport and HttpExchange,
// against a raw loopback server that counts the connections it accepts and the requests it reads. What Qt's
// client judges (framing, decoding, limits), what we judge on top (names for each failure, a request sent at
// most once, a request that never went out sent again), where it connects (checked addresses, the host name
// for TLS), failover between addresses, and the quirks of Qt 6.4 that the rows below pin down.
#include "app/delivery/httpexchange.h"
#include "app/delivery/trustedcas.h"
#include "tests/support/blackhole.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace sd;

namespace {

// Answers each complete request (head plus Content-Length body) with the next scripted bytes.
class ScriptedServer final : public QTcpServer
{
    Q_DISABLE_COPY_MOVE(ScriptedServer)

public:
    struct Answer
    {
        QByteArray bytes;
        bool close = true;    // close after writing (a raw answer's end), else keep the connection open
        int closeAfterMs = 0; // with close: wait this long first
    };
    ScriptedServer() = default;
    ~ScriptedServer() override
    {
        for (const QPointer<QTcpSocket> &s : std::as_const(m_sockets)) {
            if (s) {
                s->disconnect(this);
                s->abort();
            }
        }
    }
    QList<Answer> script; // one per request, in order; the last one repeats
    int accepted = 0;
    int requests = 0;
    quint16 listenAny(const QHostAddress &address = QHostAddress::LocalHost)
    {
        return listen(address) ? serverPort() : 0;
    }
    QString url(const QString &host = QStringLiteral("127.0.0.1")) const
    {
        return QStringLiteral("http://%1:%2/hook").arg(host).arg(serverPort());
    }

protected:
    void incomingConnection(qintptr handle) override
    {
        ++accepted;
        auto *socket = new QTcpSocket(this);
        socket->setSocketDescriptor(handle);
        m_sockets << socket;
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer]() {
            *buffer += socket->readAll();
            for (;;) {
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                qsizetype length = 0;
                for (const QByteArray &line : buffer->left(end).split('\n')) {
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                }
                if (buffer->size() < end + 4 + length)
                    return;
                buffer->remove(0, end + 4 + length);
                const Answer a = script.value(std::min<qsizetype>(requests, script.size() - 1));
                ++requests;
                socket->write(a.bytes);
                if (a.close) {
                    QPointer<QTcpSocket> guard(socket);
                    QTimer::singleShot(a.closeAfterMs, this, [guard]() {
                        if (guard)
                            guard->disconnectFromHost();
                    });
                }
            }
        });
    }

private:
    QList<QPointer<QTcpSocket>> m_sockets;
};

// tests/support/resumptionreceiver.js (Node.js): answers each request with "resumed" or "full" as its TLS
// connection did, then closes it, so every request needs a handshake of its own. An independent receiver's
// view of resumption.
class ResumptionReceiver final
{
    Q_DISABLE_COPY_MOVE(ResumptionReceiver)

public:
    ResumptionReceiver() = default;
    ~ResumptionReceiver()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    bool start(const QString &version)
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        if (node.isEmpty())
            return false;
        m_process.start(node, {QStringLiteral(STATUSDESK_RESUMPTION_RECEIVER),
                               test::fixturePath(QStringLiteral("selfsigned.crt")),
                               test::fixturePath(QStringLiteral("selfsigned.key")), version});
        if (!m_process.waitForReadyRead(10'000)) // it prints its port once it listens
            return false;
        port = static_cast<quint16>(m_process.readAllStandardOutput().trimmed().toUInt());
        return port != 0;
    }
    quint16 port = 0;

private:
    QProcess m_process;
};

QByteArray withLength(const QByteArray &head, const QByteArray &body)
{
    return head + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray gzip(const QByteArray &plain)
{
    // qCompress: 4-byte length, then a zlib stream; gzip = header + the raw deflate data + CRC-32 + size.
    const QByteArray zlib = qCompress(plain, 9);
    QByteArray out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", 10);
    out += zlib.mid(6, zlib.size() - 6 - 4);
    quint32 crc = 0xffffffffu;
    for (const char c : plain) {
        crc ^= static_cast<unsigned char>(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc = ~crc;
    for (const quint32 v : {crc, static_cast<quint32>(plain.size())}) {
        for (int i = 0; i < 4; ++i)
            out += static_cast<char>((v >> (8 * i)) & 0xff);
    }
    return out;
}

HttpExchange::Request post(const QString &url, const QByteArray &body = "{\"x\":1}")
{
    HttpExchange::Request r;
    r.url = QUrl(url);
    r.headers = {{"Content-Type", "application/json"}};
    r.body = body;
    return r;
}

// One exchange, waited for.
HttpOutcome exchange(HttpTransport &transport, const HttpExchange::Request &request,
                     HttpExchange::Options options = {}, const std::optional<Route> &route = {})
{
    auto *x = new HttpExchange(&transport, request, options);
    QSignalSpy done(x, &HttpExchange::finished);
    if (route)
        x->start(*route);
    else
        x->start();
    if (!done.wait(20'000))
        qFatal("no outcome within 20 s");
    return done.first().first().value<HttpOutcome>();
}

Route direct(const QString &url, const QList<QHostAddress> &addresses)
{
    Route r;
    r.kind = Route::Kind::Direct;
    r.url = QUrl(url);
    r.addresses = addresses;
    return r;
}

} // namespace

class TestTransport final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<sd::HttpOutcome>(); }

    void responses_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<int>("maxBody");
        QTest::addColumn<QString>("errorClass");
        QTest::addColumn<QString>("reason"); // contained in errorText
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qint64>("bytesReceived");
        const QByteArray ok = "HTTP/1.1 200 OK\r\n";
        QTest::newRow("content-length") << withLength(ok, "hello") << 20000 << ""
                                        << "" << 200 << QByteArray("hello") << qint64(5);
        QTest::newRow("chunked with extension and trailer")
            << ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: "
                    "t\r\n\r\n"
            << 20000 << ""
            << "" << 200 << QByteArray("hello world") << qint64(11);
        QTest::newRow("close-delimited body") << ok + "\r\nuntil the end" << 20000 << ""
                                              << "" << 200 << QByteArray("until the end") << qint64(13);
        QTest::newRow("gzip") << withLength(ok + "Content-Encoding: gzip\r\n", gzip("accepted")) << 20000
                              << ""
                              << "" << 200 << QByteArray("accepted") << qint64(8);
        QTest::newRow("deflate (zlib)")
            << withLength(ok + "Content-Encoding: deflate\r\n", qCompress("accepted").mid(4)) << 20000 << ""
            << "" << 200 << QByteArray("accepted") << qint64(8);
        // Debian's Qt 6.4 is built with brotli and zstd (QT_FEATURE_brotli, libzstd): both are offered in
        // Accept-Encoding and inflated under the same bomb limit. Fixtures made with Node.js's
        // zlib.brotliCompressSync and `zstd -19` from "accepted" and from 64 MiB of zeros.
        QTest::newRow("brotli") << withLength(ok + "Content-Encoding: br\r\n",
                                              test::fixture(QStringLiteral("accepted.br")))
                                << 20000 << ""
                                << "" << 200 << QByteArray("accepted") << qint64(8);
        QTest::newRow("zstd") << withLength(ok + "Content-Encoding: zstd\r\n",
                                            test::fixture(QStringLiteral("accepted.zst")))
                              << 20000 << ""
                              << "" << 200 << QByteArray("accepted") << qint64(8);
        const QByteArray gz = gzip(QByteArray(5000, 'a'));
        QTest::newRow("gzip, chunked, body cut at maxBody")
            << ok + "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   QByteArray::number(gz.size(), 16) + "\r\n" + gz + "\r\n0\r\n\r\n"
            << 10 << ""
            << "" << 200 << QByteArray(10, 'a') << qint64(5000);
        QTest::newRow("corrupt gzip")
            << withLength(ok + "Content-Encoding: gzip\r\n", "not gzip at all") << 20000 << "protocol"
            << "decompression failed: the gzip answer is corrupt, or" << 0 << QByteArray() << qint64(0);
        QTest::newRow("gzip bomb") << withLength(ok + "Content-Encoding: gzip\r\n",
                                                 gzip(QByteArray(64 * 1024 * 1024, '\0')))
                                   << 20000 << "protocol"
                                   << "decompression bomb" << 0 << QByteArray() << qint64(-1);
        QTest::newRow("brotli bomb") << withLength(ok + "Content-Encoding: br\r\n",
                                                   test::fixture(QStringLiteral("bomb64m.br")))
                                     << 20000 << "protocol"
                                     << "decompression bomb" << 0 << QByteArray() << qint64(-1);
        QTest::newRow("zstd bomb") << withLength(ok + "Content-Encoding: zstd\r\n",
                                                 test::fixture(QStringLiteral("bomb64m.zst")))
                                   << 20000 << "protocol"
                                   << "decompression bomb" << 0 << QByteArray() << qint64(-1);
        QTest::newRow("100 Continue, then 204")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n") << 20000 << ""
            << "" << 204 << QByteArray() << qint64(0);
        QTest::newRow("Connection: close") << withLength(ok + "Connection: close\r\n", "bye") << 20000 << ""
                                           << "" << 200 << QByteArray("bye") << qint64(3);
        QTest::newRow("HTTP/1.0 without keep-alive")
            << withLength("HTTP/1.0 200 OK\r\n", "old") << 20000 << ""
            << "" << 200 << QByteArray("old") << qint64(3);
        // Qt 6.4 reports an answer that is not HTTP as a connection closed before the answer (it wanted to
        // send the request again): one `reset` whose reason says both.
        const QString notHttp = QStringLiteral("connection closed before a complete HTTP answer");
        QTest::newRow("invalid status line") << QByteArray("HTTP/1.1 abc Broken\r\nContent-Length: 0\r\n\r\n")
                                             << 20000 << "reset" << notHttp << 0 << QByteArray() << qint64(0);
        QTest::newRow("garbage") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n") << 20000 << "reset" << notHttp << 0
                                 << QByteArray() << qint64(0);
        QTest::newRow("binary garbage") << QByteArray("\x00\xff\x1b[2J", 6) << 20000 << "reset" << notHttp
                                        << 0 << QByteArray() << qint64(0);
        QTest::newRow("HTTP/2 answer to HTTP/1.1") << QByteArray("HTTP/2 200\r\n\r\n") << 20000 << "reset"
                                                   << notHttp << 0 << QByteArray() << qint64(0);
        QByteArray hundred;
        for (int i = 0; i < 99; ++i) // plus Content-Length: 100 headers, Qt's limit
            hundred += "X-H" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("100 headers") << withLength(ok + hundred, "ok") << 20000 << ""
                                     << "" << 200 << QByteArray("ok") << qint64(2);
        // Qt 6.4 sets no limit of its own on the header block: past 100 fields or 64 KiB it stalls until the
        // receiver closes, then takes the answer (hugeHeadersKeptOpen: a receiver that keeps the connection
        // open meets the deadline).
        QTest::newRow("101 headers, then a close")
            << withLength(ok + hundred + "X-One-Too-Many: v\r\n", "ok") << 20000 << ""
            << "" << 200 << QByteArray("ok") << qint64(2);
        QTest::newRow("header block over 64 KiB, then a close")
            << withLength(ok + "X-Big: " + QByteArray(70 * 1024, 'b') + "\r\n", "ok") << 20000 << ""
            << "" << 200 << QByteArray("ok") << qint64(2);
        // Qt 6.4 reads an unparsable Content-Length as 0; we name it.
        QTest::newRow("invalid Content-Length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n") << 20000 << "protocol"
            << "invalid Content-Length \"12x\"" << 0 << QByteArray() << qint64(0);
        // A quirk of Qt 6.4, pinned: a chunk size that is not hex reads as the last chunk.
        QTest::newRow("invalid chunk size (Qt reads the last chunk)")
            << ok + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
            << 20000 << ""
            << "" << 200 << QByteArray() << qint64(0);
        QTest::newRow("truncated in the headers")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/pl") << 20000 << "reset" << notHttp << 0
            << QByteArray() << qint64(0);
        QTest::newRow("truncated in the body")
            << ok + "Content-Length: 100\r\n\r\nonly this" << 20000 << "reset"
            << "connection reset mid-response (HTTP 200 started)" << 0 << QByteArray() << qint64(0);
        QTest::newRow("truncated in a chunk")
            << ok + "Transfer-Encoding: chunked\r\n\r\n10\r\nshort" << 20000 << "reset"
            << "mid-response (HTTP 200 started)" << 0 << QByteArray() << qint64(0);
        QTest::newRow("nothing at all")
            << QByteArray() << 20000 << "reset" << notHttp << 0 << QByteArray() << qint64(0);
    }
    void responses()
    {
        QFETCH(QByteArray, answer);
        QFETCH(int, maxBody);
        QFETCH(QString, errorClass);
        QFETCH(QString, reason);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(qint64, bytesReceived);
        ScriptedServer server;
        // Raw answers end with a close after a moment, so a complete response is read before it.
        server.script = {{answer, true, 200}};
        QVERIFY(server.listenAny());
        HttpTransport transport({});
        HttpExchange::Options options;
        options.maxBody = maxBody;
        options.deadlineMs = 10'000;
        const HttpOutcome o = exchange(transport, post(server.url()), options);
        QVERIFY2(o.errorClass == errorClass, qPrintable(o.errorClass + QLatin1String(": ") + o.errorText));
        QVERIFY2(o.errorText.contains(reason), qPrintable(o.errorText));
        QCOMPARE(server.requests, 1); // whatever came back, the request went out once
        QVERIFY(o.sent);
        if (!errorClass.isEmpty())
            return;
        QCOMPARE(o.status, status);
        QCOMPARE(o.body, body);
        if (bytesReceived >= 0)
            QCOMPARE(o.bytesReceived, bytesReceived);
    }

    void hugeHeadersKeptOpen()
    {
        QByteArray fields;
        for (int i = 0; i < 101; ++i)
            fields += "X-H" + QByteArray::number(i) + ": v\r\n";
        ScriptedServer server;
        server.script = {{withLength("HTTP/1.1 200 OK\r\n" + fields, "ok"), false, 0}};
        QVERIFY(server.listenAny());
        HttpTransport transport({});
        HttpExchange::Options options;
        options.deadlineMs = 1'000;
        const HttpOutcome o = exchange(transport, post(server.url()), options);
        QCOMPARE(o.errorClass, QStringLiteral("timeout"));
        QVERIFY2(o.errorText.contains(QLatin1String("HTTP 200 started")) ||
                     o.errorText.contains(QLatin1String("the request was sent, no answer came")),
                 qPrintable(o.errorText));
    }

    // What goes out besides our headers: Qt offers every encoding it can inflate.
    void acceptEncoding()
    {
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        HttpTransport transport({});
        QCOMPARE(exchange(transport, post(receiver.url())).status, 200);
        QCOMPARE(receiver.requests().size(), 1);
        const QByteArray offered = receiver.requests().first().headers.value("accept-encoding");
        for (const char *e : {"gzip", "deflate", "br", "zstd"})
            QVERIFY2(offered.contains(e), offered.constData());
    }

    // N sequential POSTs to one origin travel on one connection.
    void keepAliveReusesOneConnection()
    {
        ScriptedServer server;
        server.script = {{withLength("HTTP/1.1 200 OK\r\n", "ok"), false, 0}};
        QVERIFY(server.listenAny());
        HttpTransport transport({});
        for (int i = 0; i < 5; ++i)
            QCOMPARE(exchange(transport, post(server.url())).status, 200);
        QCOMPARE(server.requests, 5);
        QCOMPARE(server.accepted, 1);
    }

    // "Connection: close": the next request gets a new connection.
    void connectionCloseIsNotReused()
    {
        ScriptedServer server;
        server.script = {{withLength("HTTP/1.1 200 OK\r\nConnection: close\r\n", "ok"), true, 0}};
        QVERIFY(server.listenAny());
        HttpTransport transport({});
        QCOMPARE(exchange(transport, post(server.url())).status, 200);
        QCOMPARE(exchange(transport, post(server.url())).status, 200);
        QCOMPARE(server.accepted, 2);
        QCOMPARE(server.requests, 2);
    }

    // The receiver closes an idle kept-alive connection: the next POST goes out once, on a new one.
    void idleCloseByServer()
    {
        ScriptedServer server;
        server.script = {{withLength("HTTP/1.1 200 OK\r\n", "ok"), true, 50}};
        QVERIFY(server.listenAny());
        HttpTransport transport({});
        QCOMPARE(exchange(transport, post(server.url())).status, 200);
        QTest::qWait(200);
        const HttpOutcome second = exchange(transport, post(server.url()));
        QVERIFY2(second.errorClass.isEmpty(), qPrintable(second.errorText));
        QCOMPARE(second.status, 200);
        QCOMPARE(server.accepted, 2);
        QCOMPARE(server.requests, 2);
    }

    // The receiver answers without "Connection: close" and closes at once, while six more requests wait
    // for that origin (the race the hand-written client recorded as resets): every request that had not
    // gone out when its connection was found closed goes out on another one. 24 requests, 24 answers, 24
    // requests read, no failure.
    void receiverClosingAfterEveryAnswer()
    {
        ScriptedServer server;
        server.script = {{withLength("HTTP/1.1 200 OK\r\n", "ok"), true, 0}};
        QVERIFY(server.listenAny());
        HttpTransport transport({});
        QList<HttpOutcome> outcomes;
        for (int i = 0; i < 24; ++i) {
            auto *x = new HttpExchange(&transport,
                                       post(server.url(), "{\"n\":" + QByteArray::number(i) + '}'), {}, this);
            connect(x, &HttpExchange::finished, this, [&outcomes](const HttpOutcome &o) { outcomes << o; });
            x->start();
        }
        QTRY_COMPARE_WITH_TIMEOUT(outcomes.size(), 24, 20'000);
        for (const HttpOutcome &o : std::as_const(outcomes))
            QVERIFY2(o.errorClass.isEmpty() && o.status == 200, qPrintable(o.errorClass + o.errorText));
        QTest::qWait(200); // a re-send would arrive now
        QCOMPARE(server.requests, 24);
    }

    // A route from HttpTransport::route() names the checked address; the request goes there without a
    // second lookup (this name does not resolve at all) and carries the name in its Host header.
    void connectsToTheCheckedAddressWithoutALookup()
    {
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        const QString endpoint =
            receiver.url().replace(QStringLiteral("127.0.0.1"), QStringLiteral("statusdesk-rebind.invalid"));
        HttpTransport transport({});
        const HttpOutcome o = exchange(transport, post(endpoint), {},
                                       direct(endpoint, {QHostAddress(QHostAddress::LocalHost)}));
        QVERIFY2(o.errorClass.isEmpty(), qPrintable(o.errorClass + QLatin1String(": ") + o.errorText));
        QCOMPARE(o.status, 200);
        QCOMPARE(receiver.requests().size(), 1);
        QCOMPARE(receiver.requests().first().headers.value("host"), QUrl(endpoint).authority().toLatin1());
        // And the name alone is a dns failure, named.
        const HttpOutcome unresolved = exchange(transport, post(endpoint));
        QCOMPARE(unresolved.errorClass, QStringLiteral("dns"));
        QVERIFY2(unresolved.errorText.startsWith(QLatin1String("statusdesk-rebind.invalid: ")),
                 qPrintable(unresolved.errorText));
    }

    // Over TLS the certificate is checked against the endpoint's host name, not against the address
    // connected to: the receiver's certificate names 127.0.0.1 only.
    void tlsVerifiesTheHostNameNotTheAddress()
    {
        test::HttpReceiver receiver;
        receiver.enableTls(test::fixture(QStringLiteral("selfsigned.crt")),
                           test::fixture(QStringLiteral("selfsigned.key")));
        QVERIFY(receiver.start());
        trustedcas::trustInThisProcess(
            trustedcas::load(test::fixturePath(QStringLiteral("selfsigned.crt"))).value());
        HttpTransport transport({});
        const HttpOutcome byAddress = exchange(transport, post(receiver.url()));
        QVERIFY2(byAddress.errorClass.isEmpty(), qPrintable(byAddress.errorText));
        const HttpOutcome byName =
            exchange(transport,
                     post(receiver.url().replace(QStringLiteral("127.0.0.1"), QStringLiteral("localhost"))));
        QCOMPARE(byName.errorClass, QStringLiteral("tls"));
        QVERIFY2(byName.errorText.startsWith(QLatin1String("TLS handshake failed: ")),
                 qPrintable(byName.errorText));
        QCOMPARE(receiver.requests().size(), 1);
    }

    // TLS sessions are resumed across connections to one origin: webhooks to a receiver that closes after
    // each answer, so each one opens a connection; the receiver (Node.js) says whether the handshake resumed
    // the session. Three through one transport go over one Qt connection pool (one QHttpNetworkConnection
    // per origin and manager), whose connections share the first one's QSslContext: that resumes a TLS 1.2
    // session, but not a TLS 1.3 one, which becomes resumable only with the ticket the server sends after
    // the handshake, and Qt 6.4 keeps that ticket in the socket's configuration, never in the shared context
    // (docs/delivery.md names the lines): pinned, so a Qt that does it shows up. A new pool starts from its
    // first request's configuration, which carries the newest session this process got from the origin: the
    // fourth webhook, through a new transport (new managers, so a new pool, as Qt makes one after an
    // origin's pool sat idle ~2 minutes), resumes, TLS 1.2 and 1.3 alike (a full handshake before).
    void tlsSessionResumedOnNewConnections_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("later"); // how the second and third handshakes (same pool) went
        QTest::newRow("TLS 1.2") << "TLSv1.2"
                                 << "resumed";
        QTest::newRow("TLS 1.3 (not resumed within a pool by Qt 6.4)") << "TLSv1.3"
                                                                       << "full";
    }
    void tlsSessionResumedOnNewConnections()
    {
        QFETCH(QString, version);
        QFETCH(QString, later);
        ResumptionReceiver receiver;
        QVERIFY2(receiver.start(version),
                 "node did not start the receiver (scripts/install-deps.sh installs it)");
        trustedcas::trustInThisProcess(
            trustedcas::load(test::fixturePath(QStringLiteral("selfsigned.crt"))).value());
        const auto hook = post(QStringLiteral("https://127.0.0.1:%1/hook").arg(receiver.port));
        QStringList handshakes;
        const auto send = [&](HttpTransport &transport) {
            const HttpOutcome o = exchange(transport, hook);
            QVERIFY2(o.errorClass.isEmpty(), qPrintable(o.errorClass + QLatin1String(": ") + o.errorText));
            QCOMPARE(o.status, 200);
            handshakes << QString::fromLatin1(o.body);
        };
        HttpTransport transport({});
        for (int i = 0; i < 3; ++i)
            send(transport);
        HttpTransport another({});
        send(another);
        QCOMPARE(handshakes, QStringList({QStringLiteral("full"), later, later, QStringLiteral("resumed")}));
    }

    void ipv6()
    {
        ScriptedServer server;
        server.script = {{withLength("HTTP/1.1 200 OK\r\n", "v6"), false, 0}};
        if (!server.listenAny(QHostAddress::LocalHostIPv6))
            QSKIP("no IPv6 loopback here");
        HttpTransport transport({});
        const HttpOutcome o = exchange(transport, post(server.url(QStringLiteral("[::1]"))));
        QVERIFY2(o.errorClass.isEmpty(), qPrintable(o.errorText));
        QCOMPARE(o.body, QByteArray("v6"));
    }

    // A name's addresses are tried in turn while nothing has been sent: one that refuses at once, one that
    // does not connect within the connect timeout. The request goes out once, to the address that answers,
    // and the note says what happened on the way.
    void failoverBetweenAddresses_data()
    {
        QTest::addColumn<bool>("blackHole");
        QTest::addColumn<QString>("note");
        QTest::newRow("refused") << false << "127.0.0.2:%1: Connection refused; sent to 127.0.0.1:%1";
        QTest::newRow("no connection within the connect timeout")
            << true << "127.0.0.2:%1 did not connect within 0.5 s; sent to 127.0.0.1:%1";
    }
    void failoverBetweenAddresses()
    {
        QFETCH(bool, blackHole);
        QFETCH(QString, note);
        std::unique_ptr<test::BlackHole> hole;
        quint16 port = 0;
        if (blackHole) {
            hole = std::make_unique<test::BlackHole>("127.0.0.2");
            port = hole->port;
        }
        ScriptedServer server;
        server.script = {{withLength("HTTP/1.1 200 OK\r\n", "ok"), false, 0}};
        QVERIFY(server.listen(QHostAddress::LocalHost, port));
        port = server.serverPort();
        const QString endpoint = QStringLiteral("http://failover.invalid:%1/hook").arg(port);
        HttpTransport transport({});
        HttpExchange::Options options;
        options.connectTimeoutMs = 500;
        options.deadlineMs = 10'000;
        const HttpOutcome o =
            exchange(transport, post(endpoint), options,
                     direct(endpoint, {QHostAddress(QStringLiteral("127.0.0.2")), QHostAddress::LocalHost}));
        QVERIFY2(o.errorClass.isEmpty(), qPrintable(o.errorClass + QLatin1String(": ") + o.errorText));
        QCOMPARE(o.status, 200);
        QCOMPARE(o.note, note.arg(port));
        QCOMPARE(server.requests, 1);
    }

    // The last address has no one after it: it keeps the whole deadline, and the timeout says where.
    void lastAddressKeepsTheDeadline()
    {
        test::BlackHole hole("127.0.0.3");
        const QString endpoint = QStringLiteral("http://127.0.0.3:%1/hook").arg(hole.port);
        HttpTransport transport({});
        HttpExchange::Options options;
        options.connectTimeoutMs = 200;
        options.deadlineMs = 1'000;
        const HttpOutcome o = exchange(transport, post(endpoint), options);
        QCOMPARE(o.errorClass, QStringLiteral("timeout"));
        QVERIFY2(o.errorText.contains(QStringLiteral("no complete response within 1000 ms: the request could "
                                                     "not be sent to 127.0.0.3:%1")
                                          .arg(hole.port)),
                 qPrintable(o.errorText));
        QVERIFY(!o.sent);
    }

    void proxySetting_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("stored"); // empty: refused
        QTest::addColumn<QString>("shown");  // or the sentence's start
        QTest::newRow("default") << ""
                                 << "system"
                                 << "system";
        QTest::newRow("none") << "None"
                              << "none"
                              << "none";
        QTest::newRow("url") << "http://proxy.example:3128"
                             << "http://proxy.example:3128"
                             << "http://proxy.example:3128";
        QTest::newRow("url with credentials") << "http://ops:s3cr%40t@proxy.example:3128/"
                                              << "http://ops:s3cr%40t@proxy.example:3128"
                                              << "http://ops:***@proxy.example:3128";
        QTest::newRow("https proxy") << "https://proxy.example"
                                     << ""
                                     << "the proxy https://proxy.example must be an http:// URL";
        QTest::newRow("socks") << "socks5://ops:pw@proxy.example"
                               << ""
                               << "the proxy socks5://ops:***@proxy.example must be an http:// URL";
        QTest::newRow("no host") << "proxy.example:3128"
                                 << ""
                                 << "the proxy must be system, none or a URL";
        QTest::newRow("path") << "http://proxy.example:3128/x"
                              << ""
                              << "the proxy http://proxy.example:3128/x must be only";
    }
    void proxySetting()
    {
        QFETCH(QString, text);
        QFETCH(QString, stored);
        QFETCH(QString, shown);
        const auto p = ProxySetting::parse(text);
        if (stored.isEmpty()) {
            QVERIFY(!p.ok());
            QVERIFY2(p.error().startsWith(shown), qPrintable(p.error()));
            QVERIFY(!p.error().contains(QLatin1String("pw@")));
            return;
        }
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->toString(), stored);
        QCOMPARE(p->redacted(), shown);
        QCOMPARE(ProxySetting::parse(p->toString())->toString(), stored); // what is stored reads back
    }

    void noProxy_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("list");
        QTest::addColumn<bool>("matches");
        QTest::newRow("exact") << "hooks.example.com"
                               << "hooks.example.com" << true;
        QTest::newRow("subdomain") << "a.hooks.example.com"
                                   << "example.com" << true;
        QTest::newRow("leading dot") << "a.example.com"
                                     << ".example.com" << true;
        QTest::newRow("star dot") << "a.example.com"
                                  << "*.example.com" << true;
        QTest::newRow("not a suffix of a label") << "notexample.com"
                                                 << "example.com" << false;
        QTest::newRow("star") << "anything"
                              << "*" << true;
        QTest::newRow("one of several") << "localhost"
                                        << "intra.net, localhost ,10.0.0.1" << true;
        QTest::newRow("with a port") << "localhost"
                                     << "localhost:8080" << true;
        QTest::newRow("ipv6") << "::1"
                              << "[::1]" << true;
        QTest::newRow("case") << "Hooks.Example.COM"
                              << "example.com" << true;
        QTest::newRow("empty list") << "localhost"
                                    << "" << false;
    }
    void noProxy()
    {
        QFETCH(QString, host);
        QFETCH(QString, list);
        QFETCH(bool, matches);
        QCOMPARE(noProxyMatches(host, list), matches);
    }
};

QTEST_GUILESS_MAIN(TestTransport)
#include "tst_transport.moc"
