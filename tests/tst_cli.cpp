#include "httpreceiver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

// Drives the real statusdesk-cli binary as a user would.
class TestCli final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString db() const { return m_dir.filePath(QStringLiteral("cli.sqlite")); }

    struct Run
    {
        int code = -1;
        QString out, err;
    };
    // Waits on the event loop rather than blocking it: a receiver in this process keeps answering meanwhile.
    static Run runCli(const QStringList &args)
    {
        QProcess p;
        QSignalSpy done(&p, &QProcess::finished);
        p.start(sd::test::cliPath(), args);
        if (!done.wait(60000))
            return {};
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()).trimmed(),
                QString::fromUtf8(p.readAllStandardError()).trimmed()};
    }
    Run cli(const QStringList &args)
    {
        return runCli(QStringList{QStringLiteral("--db"), db(), QStringLiteral("--queue-only")} + args);
    }
    // For commands that deliver before they exit.
    static Run cliAsync(const QString &dbPath, const QStringList &args)
    {
        return runCli(QStringList{QStringLiteral("--db"), dbPath} + args);
    }

private Q_SLOTS:
    void helpAndVersion()
    {
        Run r = cli({QStringLiteral("--version")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith(QLatin1String("statusdesk-cli ")));
        r = cli({QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        for (const char *c :
             {"page show", "component add", "incident create", "subscriber import", "deliveries", "resend"})
            QVERIFY2(r.out.contains(QLatin1String(c)), c);
        r = cli({QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--help")});
        QVERIFY(r.out.contains(QLatin1String("--group")));
    }

    void workflowWithJsonListings()
    {
        Run r = cli({QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                     QStringLiteral("API"), QStringLiteral("--group"), QStringLiteral("Core")});
        QCOMPARE(r.code, 0);
        const QString id = r.out;
        QCOMPARE(id.size(), 12);
        r = cli({QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                 QStringLiteral("http://127.0.0.1:9/hook"), QStringLiteral("--email"),
                 QStringLiteral("ops@example.com")});
        QCOMPARE(r.code, 0);
        r = cli({QStringLiteral("component"), QStringLiteral("set"), id, QStringLiteral("--status"),
                 QStringLiteral("major_outage")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QLatin1String("queued 1 webhook")), qPrintable(r.out));
        r = cli({QStringLiteral("component"), QStringLiteral("list"), QStringLiteral("--json")});
        const QJsonArray components = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(components.size(), 1);
        QCOMPARE(components.at(0)[u"status"].toString(), QStringLiteral("major_outage"));
        QCOMPARE(components.at(0)[u"group_name"].toString(), QStringLiteral("Core"));
        r = cli({QStringLiteral("messages"), QStringLiteral("--json")});
        const QJsonArray messages = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(messages.size(), 1);
        const QJsonObject body =
            QJsonDocument::fromJson(messages.at(0)[u"body"].toString().toUtf8()).object();
        QCOMPARE(body[u"component_update"][u"new_status"].toString(), QStringLiteral("major_outage"));
        r = cli({QStringLiteral("page"), QStringLiteral("show"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()[u"status_indicator"].toString(),
                 QStringLiteral("critical"));
        r = cli({QStringLiteral("incident"), QStringLiteral("create"), QStringLiteral("--name"),
                 QStringLiteral("Down"), QStringLiteral("--status"), QStringLiteral("investigating"),
                 QStringLiteral("--body"), QStringLiteral("Looking"), QStringLiteral("--component"),
                 id + QStringLiteral("=partial_outage")});
        QCOMPARE(r.code, 0);
        r = cli({QStringLiteral("incident"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 1);
        r = cli({QStringLiteral("subscriber"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 1);
    }

    void badInputGivesOneLineAndNonZeroExit_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << "unknown command";
        QTest::newRow("unknown status")
            << QStringList{QStringLiteral("component"), QStringLiteral("add"),      QStringLiteral("--name"),
                           QStringLiteral("X"),         QStringLiteral("--status"), QStringLiteral("down")}
            << "valid values: operational, under_maintenance";
        QTest::newRow("unknown impact") << QStringList{QStringLiteral("incident"),
                                                       QStringLiteral("create"),
                                                       QStringLiteral("--name"),
                                                       QStringLiteral("X"),
                                                       QStringLiteral("--status"),
                                                       QStringLiteral("investigating"),
                                                       QStringLiteral("--body"),
                                                       QStringLiteral("b"),
                                                       QStringLiteral("--impact-override"),
                                                       QStringLiteral("huge")}
                                        << "valid values: none, maintenance, minor, major, critical";
        QTest::newRow("slack") << QStringList{QStringLiteral("subscriber"),
                                              QStringLiteral("add"),
                                              QStringLiteral("--endpoint"),
                                              QStringLiteral("https://hooks.slack.com/x"),
                                              QStringLiteral("--email"),
                                              QStringLiteral("a@b.co")}
                               << "Slack subscription";
        QTest::newRow("unknown id") << QStringList{QStringLiteral("component"), QStringLiteral("set"),
                                                   QStringLiteral("zzzzzzzzzzzz"), QStringLiteral("--status"),
                                                   QStringLiteral("operational")}
                                    << "unknown component id";
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("component"), QStringLiteral("list"), QStringLiteral("--bogus")}
            << "Unknown option";
        QTest::newRow("report format")
            << QStringList{QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("xml"),
                           QStringLiteral("--out"), m_dir.filePath(QStringLiteral("r.xml"))}
            << "--format must be csv or json";
        QTest::newRow("report without file")
            << QStringList{QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("csv")}
            << "report needs --out FILE";
        QTest::newRow("report into a directory")
            << QStringList{QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("csv"),
                           QStringLiteral("--out"), m_dir.path()}
            << "is a directory";
        QTest::newRow("report since") << QStringList{QStringLiteral("report"),
                                                     QStringLiteral("--format"),
                                                     QStringLiteral("csv"),
                                                     QStringLiteral("--out"),
                                                     m_dir.filePath(QStringLiteral("r.csv")),
                                                     QStringLiteral("--since"),
                                                     QStringLiteral("yesterday")}
                                      << "--since must be an ISO 8601 time";
    }
    void badInputGivesOneLineAndNonZeroExit()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = cli(args);
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 0);
    }

    void corruptDatabaseIsReported()
    {
        const QString path = m_dir.filePath(QStringLiteral("corrupt.sqlite"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("definitely not sqlite");
        f.close();
        QProcess p;
        p.start(sd::test::cliPath(),
                {QStringLiteral("--db"), path, QStringLiteral("page"), QStringLiteral("show")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QLatin1String("corrupt")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("definitely not sqlite"));
    }

    void reportHasOneRowPerAttemptAndTotalsPerEndpoint()
    {
        sd::test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        QTemporaryDir dir;
        const QString dbPath = dir.filePath(QStringLiteral("report.sqlite"));
        Run r = cliAsync(
            dbPath, {QStringLiteral("settings"), QStringLiteral("--retry-schedule"), QStringLiteral("0,1h")});
        QCOMPARE(r.code, 0);
        r = cliAsync(dbPath, {QStringLiteral("subscriber"), QStringLiteral("add"),
                              QStringLiteral("--endpoint"), receiver.url(QStringLiteral("/ok")),
                              QStringLiteral("--email"), QStringLiteral("ok@example.com")});
        QCOMPARE(r.code, 0);
        // Port 9 on loopback refuses: a failed attempt with a transport error class.
        r = cliAsync(dbPath, {QStringLiteral("subscriber"), QStringLiteral("add"),
                              QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:9/refused"),
                              QStringLiteral("--email"), QStringLiteral("no@example.com")});
        QCOMPARE(r.code, 0);
        r = cliAsync(dbPath, {QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                              QStringLiteral("API")});
        QCOMPARE(r.code, 0);
        const QString component = r.out;
        r = cliAsync(dbPath, {QStringLiteral("component"), QStringLiteral("set"), component,
                              QStringLiteral("--status"), QStringLiteral("major_outage")});
        QVERIFY2(r.out.contains(QLatin1String("sent 2, delivered 1, failed 0, retrying 1")),
                 qPrintable(r.out));

        const QString json = dir.filePath(QStringLiteral("report.json"));
        r = cliAsync(dbPath, {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("json"),
                              QStringLiteral("--out"), json});
        QCOMPARE(r.code, 0);
        QFile jf(json);
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(jf.readAll()).object();
        const QJsonArray attempts = report.value(QLatin1String("attempts")).toArray();
        QCOMPARE(attempts.size(), 2);
        QHash<QString, QJsonObject> byEndpoint;
        for (const QJsonValue &v : report.value(QLatin1String("by_endpoint")).toArray())
            byEndpoint.insert(v.toObject().value(QLatin1String("endpoint")).toString(), v.toObject());
        QCOMPARE(byEndpoint.size(), 2);
        QCOMPARE(
            byEndpoint.value(receiver.url(QStringLiteral("/ok"))).value(QLatin1String("successes")).toInt(),
            1);
        QCOMPARE(byEndpoint.value(QStringLiteral("http://127.0.0.1:9/refused"))
                     .value(QLatin1String("failures"))
                     .toInt(),
                 1);
        QCOMPARE(report.value(QLatin1String("totals")).toObject().value(QLatin1String("attempts")).toInt(),
                 2);
        for (const QJsonValue &v : attempts) {
            const QJsonObject a = v.toObject();
            if (a.value(QLatin1String("endpoint")).toString().endsWith(QLatin1String("/refused")))
                QCOMPARE(a.value(QLatin1String("error_class")).toString(), QStringLiteral("refused"));
            else
                QCOMPARE(a.value(QLatin1String("http_status")).toInt(), 200);
        }

        const QString csv = dir.filePath(QStringLiteral("report.csv"));
        r = cliAsync(dbPath, {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("csv"),
                              QStringLiteral("--out"), csv, QStringLiteral("--endpoint"),
                              QStringLiteral("/refused")});
        QCOMPARE(r.code, 0);
        QFile cf(csv);
        QVERIFY(cf.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = cf.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2); // header and the one refused attempt
        QVERIFY(lines.at(0).startsWith("started_at,webhook_id,"));
        QVERIFY(lines.at(1).contains(",refused,"));
    }

    void csvImportReportsRows()
    {
        const QString csv = m_dir.filePath(QStringLiteral("subs.csv"));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("endpoint,email\nhttp://127.0.0.1:9/i1,a@example.com\nnot a url,b@example.com\n");
        f.close();
        const Run r = cli({QStringLiteral("subscriber"), QStringLiteral("import"), csv});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.contains(QLatin1String("1 added, 1 rejected")), qPrintable(r.out));
        QVERIFY2(r.err.contains(QLatin1String(":3: endpoint")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
