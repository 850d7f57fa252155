// Failover between the addresses a name resolves to (issue 19 item 4), end to end: the real statusdesk-cli
// resolves `failover.test` through nss_wrapper (Debian's libnss-wrapper, preloaded with a hosts file of the
// test's own) to 127.0.0.2 first and 127.0.0.1 second. The first address refuses, or never completes a
// connection (a full accept queue: a black hole without root); the webhook still arrives at the second within
// the same attempt, and the attempt's reason says what happened on the way.
#include "tests/support/blackhole.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using sd::test::HttpReceiver;

class TestFailover final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QProcessEnvironment m_env;

    sd::test::CliRun cli(const QStringList &args)
    {
        return sd::test::runCli(
            QStringList{QStringLiteral("--db"), m_dir->filePath(QStringLiteral("f.sqlite"))} + args, m_env);
    }
    static QString nssWrapper()
    {
        for (const char *dir : {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"}) {
            const QString path = QLatin1String(dir) + QStringLiteral("/libnss_wrapper.so");
            if (QFile::exists(path))
                return path;
        }
        return {};
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_env = QProcessEnvironment::systemEnvironment();
        for (const char *name :
             {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"})
            m_env.remove(QLatin1String(name));
    }

    void secondAddressWithinTheAttempt_data()
    {
        QTest::addColumn<bool>("blackHole");
        QTest::addColumn<QString>("note"); // %1: the port
        QTest::newRow("first address refuses")
            << false << "127.0.0.2:%1: Connection refused; sent to 127.0.0.1:%1";
        QTest::newRow("first address never connects (5 s connect timeout)")
            << true << "127.0.0.2:%1 did not connect within 5 s; sent to 127.0.0.1:%1";
    }
    void secondAddressWithinTheAttempt()
    {
        QFETCH(bool, blackHole);
        QFETCH(QString, note);
        const QString preload = nssWrapper();
        QVERIFY2(!preload.isEmpty(),
                 "libnss_wrapper.so is missing (scripts/install-deps.sh installs libnss-wrapper)");
        HttpReceiver receiver;
        QVERIFY(receiver.start());
        const quint16 port = receiver.serverPort();
        std::unique_ptr<sd::test::BlackHole> hole; // else nothing listens on 127.0.0.2:port: refused
        if (blackHole) {
            hole = std::make_unique<sd::test::BlackHole>("127.0.0.2", port);
            QVERIFY2(hole->port == port, "127.0.0.2 could not be bound");
        }
        QFile hosts(m_dir->filePath(QStringLiteral("hosts")));
        QVERIFY(hosts.open(QIODevice::WriteOnly));
        hosts.write("127.0.0.2 failover.test\n127.0.0.1 failover.test\n");
        hosts.close();
        m_env.insert(QStringLiteral("LD_PRELOAD"), preload);
        m_env.insert(QStringLiteral("NSS_WRAPPER_HOSTS"), hosts.fileName());

        const QString endpoint = QStringLiteral("http://failover.test:%1/hook").arg(port);
        QCOMPARE(cli({QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                      endpoint, QStringLiteral("--email"), QStringLiteral("ops@example.com")})
                     .code,
                 0);
        const sd::test::CliRun comp = cli({QStringLiteral("component"), QStringLiteral("add"),
                                           QStringLiteral("--name"), QStringLiteral("API")});
        QCOMPARE(comp.code, 0);
        QCOMPARE(cli({QStringLiteral("--queue-only"), QStringLiteral("component"), QStringLiteral("set"),
                      comp.out, QStringLiteral("--status"), QStringLiteral("major_outage")})
                     .code,
                 0);
        QCOMPARE(cli({QStringLiteral("dispatch")}).code, 0);

        const QJsonObject delivery =
            QJsonDocument::fromJson(
                cli({QStringLiteral("--json"), QStringLiteral("deliveries")}).out.toUtf8())
                .array()
                .first()
                .toObject();
        QVERIFY2(delivery.value(QStringLiteral("state")).toString() == QLatin1String("delivered"),
                 QJsonDocument(delivery).toJson().constData());
        const QJsonArray attempts =
            QJsonDocument::fromJson(cli({QStringLiteral("--json"), QStringLiteral("attempts"),
                                         delivery.value(QStringLiteral("id")).toString()})
                                        .out.toUtf8())
                .array();
        QCOMPARE(attempts.size(), 1); // one attempt, one POST: the first address never got the request
        const QJsonObject attempt = attempts.first().toObject();
        QCOMPARE(attempt.value(QStringLiteral("http_status")).toInt(), 200);
        QCOMPARE(attempt.value(QStringLiteral("error")).toString(), note.arg(port));
        QCOMPARE(receiver.requests().size(), 1);
        QCOMPARE(receiver.requests().first().headers.value("host"),
                 QStringLiteral("failover.test:%1").arg(port).toLatin1());
    }
};

QTEST_GUILESS_MAIN(TestFailover)
#include "tst_failover.moc"
