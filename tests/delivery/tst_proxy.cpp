// Proxies (issue 19 item 3) with a real forward proxy: Debian's tinyproxy, started by the test with a config
// of its own on a free loopback port. The real statusdesk-cli delivers, so the proxy environment
// (http_proxy, no_proxy) is its own. Webhooks arrive through the proxy over HTTP and HTTPS (CONNECT), a 407
// without credentials is named, credentials in the setting are used and never shown, and no_proxy hosts go
// straight to the receiver.
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "tests/support/tinyproxy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using sd::test::HttpReceiver;
using sd::test::Tinyproxy;

class TestProxy final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString db() const { return m_dir->filePath(QStringLiteral("proxy.sqlite")); }

    using Run = sd::test::CliRun;
    // The machine's own proxy variables are dropped; the test's are set.
    QProcessEnvironment environment() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY",
                                 "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"})
            e.remove(QLatin1String(name));
        for (auto it = m_env.cbegin(); it != m_env.cend(); ++it)
            e.insert(it.key(), it.value());
        return e;
    }
    Run cli(const QStringList &args)
    {
        return sd::test::runCli(QStringList{QStringLiteral("--db"), db()} + args, environment());
    }
    // A subscriber at `endpoint` and a component "API": the component's id, empty when either failed.
    QString subscriberAndComponent(const QString &endpoint)
    {
        if (cli({QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"), endpoint,
                 QStringLiteral("--email"), QStringLiteral("ops@example.com")})
                .code != 0)
            return {};
        const Run comp = cli({QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                              QStringLiteral("API")});
        return comp.code == 0 ? comp.out : QString();
    }
    void fanOut(const QString &endpoint)
    {
        const QString component = subscriberAndComponent(endpoint);
        QVERIFY(!component.isEmpty());
        QCOMPARE(cli({QStringLiteral("--queue-only"), QStringLiteral("component"), QStringLiteral("set"),
                      component, QStringLiteral("--status"), QStringLiteral("major_outage")})
                     .code,
                 0);
    }
    QJsonObject onlyDelivery()
    {
        const Run r = cli({QStringLiteral("--json"), QStringLiteral("deliveries")});
        return QJsonDocument::fromJson(r.out.toUtf8()).array().first().toObject();
    }
    QHash<QString, QString> m_env; // proxy variables for the CLI (the rest of the test's own are dropped)

    // The receiver, over TLS with the fixture certificate (it names 127.0.0.1) when `tls`.
    static bool startReceiver(HttpReceiver &receiver, bool tls)
    {
        if (tls)
            receiver.enableTls(sd::test::fixture(QStringLiteral("selfsigned.crt")),
                               sd::test::fixture(QStringLiteral("selfsigned.key")));
        return receiver.start();
    }
    // `settings --proxy URL`, trusting the receiver's certificate when `tls`.
    static QStringList proxySettings(const QString &proxyUrl, bool tls)
    {
        QStringList settings{QStringLiteral("settings"), QStringLiteral("--proxy"), proxyUrl};
        if (tls)
            settings << QStringLiteral("--ca-file")
                     << sd::test::fixturePath(QStringLiteral("selfsigned.crt"));
        return settings;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_env.clear();
    }

    // Setting `proxy` to a URL: webhooks go through it, to a name (the proxy resolves it; the desk checked
    // its own resolution first) over HTTP and by CONNECT over HTTPS.
    void throughTheProxy_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("http") << false;
        QTest::newRow("https (CONNECT)") << true;
    }
    void throughTheProxy()
    {
        QFETCH(bool, tls);
        Tinyproxy proxy;
        QVERIFY2(proxy.start(), "tinyproxy did not start (scripts/install-deps.sh installs it)");
        HttpReceiver receiver;
        QVERIFY(startReceiver(receiver, tls));
        // The receiver's certificate names 127.0.0.1, so over TLS the endpoint says that; over HTTP a name.
        const QString endpoint =
            tls ? receiver.url() : QStringLiteral("http://localhost:%1/hook").arg(receiver.serverPort());
        const QStringList settings = proxySettings(proxy.url(), tls);
        QCOMPARE(cli(settings).code, 0);
        fanOut(endpoint);
        const Run dispatch = cli({QStringLiteral("dispatch")});
        QCOMPARE(dispatch.code, 0);
        const QJsonObject d = onlyDelivery();
        QVERIFY2(d.value(QStringLiteral("state")).toString() == QLatin1String("delivered"),
                 QJsonDocument(d).toJson().constData());
        QCOMPARE(receiver.requests().size(), 1);
        const QStringList through = proxy.requests();
        QCOMPARE(through.size(), 1);
        if (tls) {
            QCOMPARE(through.first(),
                     QStringLiteral("CONNECT 127.0.0.1:%1 HTTP/1.1").arg(receiver.serverPort()));
        } else {
            QCOMPARE(through.first(), QStringLiteral("POST %1 HTTP/1.1").arg(endpoint));
            QVERIFY2(receiver.requests().first().headers.value("via").contains("tinyproxy"),
                     receiver.requests().first().headers.value("via").constData());
            QCOMPARE(receiver.requests().first().headers.value("host"),
                     QStringLiteral("localhost:%1").arg(receiver.serverPort()).toLatin1());
        }
    }

    // A proxy that asks for credentials the setting does not have: the attempt says so, nothing reaches the
    // receiver. With them in the setting the webhook goes through; the password is never shown.
    void proxyCredentials_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<bool>("withCredentials");
        QTest::newRow("http, none") << false << false;
        QTest::newRow("https, none") << true << false;
        QTest::newRow("http, in the setting") << false << true;
        QTest::newRow("https, in the setting") << true << true;
    }
    void proxyCredentials()
    {
        QFETCH(bool, tls);
        QFETCH(bool, withCredentials);
        Tinyproxy proxy;
        QVERIFY2(proxy.start(QStringLiteral("ops s3cret")), "tinyproxy did not start");
        HttpReceiver receiver;
        QVERIFY(startReceiver(receiver, tls));
        const QStringList settings =
            proxySettings(proxy.url(withCredentials ? QStringLiteral("ops:s3cret") : QString()), tls);
        const Run set = cli(settings);
        QCOMPARE(set.code, 0);
        fanOut(receiver.url());
        QCOMPARE(cli({QStringLiteral("dispatch")}).code, 0);
        const QJsonObject d = onlyDelivery();
        if (withCredentials) {
            QVERIFY2(d.value(QStringLiteral("state")).toString() == QLatin1String("delivered"),
                     QJsonDocument(d).toJson().constData());
            QCOMPARE(receiver.requests().size(), 1);
            QVERIFY(!receiver.requests().first().headers.contains("proxy-authorization"));
            // Shown redacted wherever the setting is shown.
            for (const QStringList &args : {QStringList{QStringLiteral("settings")},
                                            QStringList{QStringLiteral("--json"), QStringLiteral("settings")},
                                            QStringList{QStringLiteral("audit")}}) {
                const Run r = cli(args);
                QVERIFY2(!r.out.contains(QLatin1String("s3cret")), qPrintable(r.out));
            }
            QVERIFY2(set.out.contains(QStringLiteral("ops:***@127.0.0.1:%1").arg(proxy.port)),
                     qPrintable(set.out));
            return;
        }
        QCOMPARE(d.value(QStringLiteral("last_error_class")).toString(), QStringLiteral("unreachable"));
        const QString reason = d.value(QStringLiteral("last_error")).toString();
        QVERIFY2(reason.startsWith(QStringLiteral("proxy 127.0.0.1:%1 asks for credentials").arg(proxy.port)),
                 qPrintable(reason));
        QVERIFY2(reason.contains(QLatin1String("407 Proxy Authentication Required")), qPrintable(reason));
        QCOMPARE(receiver.requests().size(), 0);
        QVERIFY(!proxy.requests().isEmpty());
    }

    // A proxy whose port refuses the connection: the attempt names the proxy, not the receiver (Qt reports a
    // plain-HTTP request's proxy refusing as the connection refused, with nothing to say whose), and the
    // class is the one a proxy that cannot be reached gets. Nothing reaches the receiver.
    void proxyRefuses_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("http") << false;
        QTest::newRow("https (CONNECT)") << true;
    }
    void proxyRefuses()
    {
        QFETCH(bool, tls);
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        HttpReceiver receiver;
        QVERIFY(startReceiver(receiver, tls));
        const QStringList settings = proxySettings(QStringLiteral("http://127.0.0.1:%1").arg(port), tls);
        QCOMPARE(cli(settings).code, 0);
        fanOut(receiver.url());
        QCOMPARE(cli({QStringLiteral("dispatch")}).code, 0);
        const QJsonObject d = onlyDelivery();
        QCOMPARE(d.value(QStringLiteral("last_error_class")).toString(), QStringLiteral("unreachable"));
        QCOMPARE(d.value(QStringLiteral("last_error")).toString(),
                 QStringLiteral("proxy 127.0.0.1:%1 refused the connection").arg(port));
        QCOMPARE(receiver.requests().size(), 0);
    }

    // `proxy` system (the default) reads http_proxy, and no_proxy sends the hosts it names straight to the
    // receiver.
    void systemProxyAndNoProxy_data()
    {
        QTest::addColumn<QString>("noProxy");
        QTest::addColumn<bool>("proxied");
        QTest::newRow("http_proxy") << "" << true;
        QTest::newRow("no_proxy names the host") << "example.org,localhost" << false;
        QTest::newRow("no_proxy names another host") << "example.org" << true;
    }
    void systemProxyAndNoProxy()
    {
        QFETCH(QString, noProxy);
        QFETCH(bool, proxied);
        Tinyproxy proxy;
        QVERIFY2(proxy.start(), "tinyproxy did not start");
        HttpReceiver receiver;
        QVERIFY(receiver.start());
        m_env.insert(QStringLiteral("http_proxy"), proxy.url());
        if (!noProxy.isEmpty())
            m_env.insert(QStringLiteral("no_proxy"), noProxy);
        fanOut(QStringLiteral("http://localhost:%1/hook").arg(receiver.serverPort()));
        const Run shown = cli({QStringLiteral("settings")});
        QVERIFY2(shown.out.contains(QLatin1String("proxy:          system")), qPrintable(shown.out));
        QCOMPARE(cli({QStringLiteral("dispatch")}).code, 0);
        QCOMPARE(onlyDelivery().value(QStringLiteral("state")).toString(), QStringLiteral("delivered"));
        QCOMPARE(receiver.requests().size(), 1);
        QCOMPARE(proxy.requests().size(), proxied ? 1 : 0);
        QCOMPARE(receiver.requests().first().headers.contains("via"), proxied);
    }

    // A running engine (here `serve`'s) takes up a changed proxy or target policy without a restart (issue 20
    // item 1): the next webhook goes through the proxy set meanwhile, and once private targets are refused,
    // the one after that is refused instead of sent.
    void runningServeFollowsTheSetting()
    {
        Tinyproxy proxy;
        QVERIFY2(proxy.start(), "tinyproxy did not start");
        HttpReceiver receiver;
        QVERIFY(receiver.start());
        const QString component =
            subscriberAndComponent(QStringLiteral("http://localhost:%1/hook").arg(receiver.serverPort()));
        QVERIFY(!component.isEmpty());

        QProcess serve;
        serve.setProcessEnvironment(environment());
        serve.start(sd::test::cliPath(), {QStringLiteral("--db"), db(), QStringLiteral("serve"),
                                          QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QByteArray said;
        QVERIFY2(!sd::test::waitForServeUrl(serve, &said).isEmpty(), said.constData());
        auto followed = [&](int times) {
            said += serve.readAllStandardOutput();
            return said.count("delivery settings changed") >= times;
        };
        auto queue = [&](const char *status) {
            return cli({QStringLiteral("--queue-only"), QStringLiteral("component"), QStringLiteral("set"),
                        component, QStringLiteral("--status"), QLatin1String(status)})
                .code;
        };

        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("--proxy"), proxy.url()}).code, 0);
        QTRY_VERIFY2_WITH_TIMEOUT(followed(1), said.constData(), 5000);
        QCOMPARE(queue("major_outage"), 0);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 1, 15000);
        QCOMPARE(proxy.requests().size(), 1);
        QVERIFY(receiver.requests().first().headers.value("via").contains("tinyproxy"));

        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("--proxy"), QStringLiteral("none"),
                      QStringLiteral("--refuse-private-targets"), QStringLiteral("on")})
                     .code,
                 0);
        QTRY_VERIFY2_WITH_TIMEOUT(followed(2), said.constData(), 5000);
        QCOMPARE(queue("operational"), 0);
        // Refused by the policy (its error class), whatever state that leaves the delivery in.
        QTRY_COMPARE_WITH_TIMEOUT(cli({QStringLiteral("--json"), QStringLiteral("deliveries")})
                                      .out.count(QLatin1String("\"policy\"")),
                                  1, 15000);
        QCOMPARE(receiver.requests().size(), 1);
        QCOMPARE(proxy.requests().size(), 1);
        serve.terminate();
        QVERIFY(serve.waitForFinished(15000));
    }

    // Bad input is named in one sentence and leaves the stored setting alone.
    void badSettingIsRefused()
    {
        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("--proxy"),
                      QStringLiteral("http://ops:pw@p:3128")})
                     .code,
                 0);
        const Run bad = cli({QStringLiteral("settings"), QStringLiteral("--proxy"),
                             QStringLiteral("socks5://ops:pw2@proxy.example:1080")});
        QVERIFY(bad.code != 0);
        QVERIFY2(bad.err.contains(QLatin1String("must be an http:// URL")), qPrintable(bad.err));
        QVERIFY2(!bad.err.contains(QLatin1String("pw2")), qPrintable(bad.err));
        const Run now = cli({QStringLiteral("--json"), QStringLiteral("settings")});
        QCOMPARE(QJsonDocument::fromJson(now.out.toUtf8()).object().value(QStringLiteral("proxy")).toString(),
                 QStringLiteral("http://ops:***@p:3128"));
    }
};

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
