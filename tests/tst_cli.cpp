#include "app/services/operatoridentity.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
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
    static Run runCli(const QStringList &args,
                      const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        QProcess p;
        p.setProcessEnvironment(env);
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
    static QJsonArray jsonArray(const Run &r) { return QJsonDocument::fromJson(r.out.toUtf8()).array(); }

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

    // Issue 22 on the command line: a template library, an incident from a template (its component changes
    // in the same change, overridable by the options beside it), a postmortem that notifies, and uptime.
    void templatesPostmortemAndUptime()
    {
        // A database of its own: the listings below are this test's alone.
        const QString path = m_dir.filePath(QStringLiteral("issue22.sqlite"));
        const auto cli = [&](const QStringList &args) {
            return runCli(QStringList{QStringLiteral("--db"), path, QStringLiteral("--queue-only")} + args);
        };
        const QString api = cli({QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                                 QStringLiteral("API")})
                                .out;
        const QString web = cli({QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                                 QStringLiteral("Web")})
                                .out;
        QCOMPARE(cli({QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                      QStringLiteral("http://127.0.0.1:9/hook"), QStringLiteral("--email"),
                      QStringLiteral("ops@example.com")})
                     .code,
                 0);
        Run r = cli({QStringLiteral("template"), QStringLiteral("add"), QStringLiteral("--name"),
                     QStringLiteral("db-down"), QStringLiteral("--title"), QStringLiteral("Database unavailable"),
                     QStringLiteral("--body"), QStringLiteral("We are investigating."), QStringLiteral("--status"),
                     QStringLiteral("identified"), QStringLiteral("--component"),
                     api + QStringLiteral("=major_outage"), QStringLiteral("--component"),
                     web + QStringLiteral("=partial_outage")});
        QCOMPARE(r.code, 0);
        r = cli({QStringLiteral("template"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(jsonArray(r).size(), 1);
        QCOMPARE(jsonArray(r).at(0)[u"name"].toString(), QStringLiteral("db-down"));

        r = cli({QStringLiteral("incident"), QStringLiteral("create"), QStringLiteral("--template"),
                 QStringLiteral("db-down")});
        QCOMPARE(r.code, 0);
        const QString incident = r.out.section(QLatin1Char('\n'), 0, 0); // then "queued 3 webhook(s)"
        QVERIFY2(r.err.contains(QLatin1String("identified, impact")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("1 incident and 2 component webhook(s) queued")), qPrintable(r.err));
        r = cli({QStringLiteral("messages"), QStringLiteral("--json")});
        QStringList bodies;
        for (const QJsonValue &m : jsonArray(r)) {
            const QJsonObject body = QJsonDocument::fromJson(m[u"body"].toString().toUtf8()).object();
            bodies << (body.contains(QLatin1String("incident"))
                           ? body[u"incident"][u"name"].toString() + QLatin1Char('/') +
                                 body[u"incident"][u"status"].toString()
                           : body[u"component_update"][u"component_id"].toString() + QLatin1Char('=') +
                                 body[u"component_update"][u"new_status"].toString());
        }
        bodies.sort();
        QStringList want{QStringLiteral("Database unavailable/identified"), api + QStringLiteral("=major_outage"),
                         web + QStringLiteral("=partial_outage")};
        want.sort();
        QCOMPARE(bodies, want);

        // Options beside --template win; a missing template is named.
        r = cli({QStringLiteral("incident"), QStringLiteral("create"), QStringLiteral("--template"),
                 QStringLiteral("db-down"), QStringLiteral("--name"), QStringLiteral("Replica lag"),
                 QStringLiteral("--status"), QStringLiteral("investigating"), QStringLiteral("--no-notify")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains(QLatin1String("investigating, impact")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("0 incident and 0 component webhook(s) queued")), qPrintable(r.err));
        r = cli({QStringLiteral("incident"), QStringLiteral("create"), QStringLiteral("--template"),
                 QStringLiteral("nosuch")});
        QVERIFY(r.code != 0);
        QCOMPARE(r.err, QStringLiteral("statusdesk-cli: no template \"nosuch\""));
        r = cli({QStringLiteral("incident"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("x")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QLatin1String("incident create needs --status; valid values: investigating")),
                 qPrintable(r.err));

        r = cli({QStringLiteral("template"), QStringLiteral("edit"), QStringLiteral("db-down"),
                 QStringLiteral("--title"), QStringLiteral("Database down")});
        QCOMPARE(r.code, 0);
        r = cli({QStringLiteral("template"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(jsonArray(r).at(0)[u"title"].toString(), QStringLiteral("Database down"));
        QCOMPARE(cli({QStringLiteral("template"), QStringLiteral("remove"), QStringLiteral("db-down")}).code, 0);
        QCOMPARE(jsonArray(cli({QStringLiteral("template"), QStringLiteral("list"), QStringLiteral("--json")})).size(),
                 0);

        // A postmortem notifies only when published with --notify.
        r = cli({QStringLiteral("incident"), QStringLiteral("update"), incident, QStringLiteral("--status"),
                 QStringLiteral("resolved"), QStringLiteral("--body"), QStringLiteral("Fixed"),
                 QStringLiteral("--no-notify")});
        QCOMPARE(r.code, 0);
        r = cli({QStringLiteral("incident"), QStringLiteral("postmortem"), incident, QStringLiteral("--body"),
                 QStringLiteral("A full disk."), QStringLiteral("--notify")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QLatin1String("--notify goes with --publish")), qPrintable(r.err));
        const int before = int(jsonArray(cli({QStringLiteral("messages"), QStringLiteral("--json")})).size());
        r = cli({QStringLiteral("incident"), QStringLiteral("postmortem"), incident, QStringLiteral("--body"),
                 QStringLiteral("A full disk."), QStringLiteral("--publish"), QStringLiteral("--notify")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains(QLatin1String("1 incident webhook(s) queued")), qPrintable(r.err));
        const QJsonArray messages = jsonArray(cli({QStringLiteral("messages"), QStringLiteral("--json")}));
        QCOMPARE(int(messages.size()), before + 1);
        bool postmortem = false;
        for (const QJsonValue &m : messages) {
            const QJsonObject body = QJsonDocument::fromJson(m[u"body"].toString().toUtf8()).object();
            postmortem = postmortem || (body[u"incident"][u"status"].toString() == QLatin1String("postmortem") &&
                                        body[u"incident"][u"postmortem_body"].toString() ==
                                            QLatin1String("A full disk."));
        }
        QVERIFY(postmortem);

        // Uptime: today, the API was in major outage since the incident (exact figures: tst_uptime).
        r = cli({QStringLiteral("component"), QStringLiteral("uptime"), api});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("API (%1) ").arg(api)), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("% uptime; major outage")), qPrintable(r.out));
        r = cli({QStringLiteral("component"), QStringLiteral("uptime"), api, QStringLiteral("--since"),
                 QStringLiteral("2026-13")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QLatin1String("2026-13")), qPrintable(r.err));
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
                               << "Slack webhook URLs are not supported";
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
        QTest::newRow("empty operator name")
            << QStringList{QStringLiteral("--as"), QString(), QStringLiteral("component"),
                           QStringLiteral("list")}
            << "--as: the operator name is empty";
        QTest::newRow("operator name with a line break")
            << QStringList{QStringLiteral("--as"), QStringLiteral("eve\nroot"), QStringLiteral("page"),
                           QStringLiteral("show")}
            << "--as: the operator name contains a control character";
        QTest::newRow("audit since") << QStringList{QStringLiteral("audit"), QStringLiteral("--since"),
                                                    QStringLiteral("yesterday")}
                                     << "--since must be an ISO 8601 time";
        QTest::newRow("component history of nothing")
            << QStringList{QStringLiteral("component"), QStringLiteral("history"),
                           QStringLiteral("zzzzzzzzzzzz")}
            << "unknown component id";
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

    // Who did what: --as names the operator, else STATUSDESK_OPERATOR, else user@host; the component's
    // history and the audit log show it.
    // The summary counts what this process did (issue 21): every request it made and each message by its
    // state after its latest attempt here, also the ones queued earlier by another command (the old summary
    // counted the messages this command had created or touched, whoever delivered them).
    void summaryCountsTheRequestsThisProcessMade()
    {
        sd::test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        QTemporaryDir dir;
        const QString dbPath = dir.filePath(QStringLiteral("counts.sqlite"));
        for (const char *path : {"/a", "/b", "/c"}) {
            Run r = cliAsync(dbPath, {QStringLiteral("subscriber"), QStringLiteral("add"),
                                      QStringLiteral("--endpoint"), receiver.url(QString::fromLatin1(path)),
                                      QStringLiteral("--email"), QStringLiteral("ops@example.com")});
            QCOMPARE(r.code, 0);
        }
        Run r = cliAsync(dbPath, {QStringLiteral("component"), QStringLiteral("add"),
                                  QStringLiteral("--name"), QStringLiteral("API")});
        QCOMPARE(r.code, 0);
        const QString component = r.out;
        r = cliAsync(dbPath,
                     {QStringLiteral("--queue-only"), QStringLiteral("component"), QStringLiteral("set"),
                      component, QStringLiteral("--status"), QStringLiteral("degraded_performance")});
        QVERIFY2(r.out.contains(QLatin1String("queued 3 webhook(s)")), qPrintable(r.out));
        QCOMPARE(receiver.requests().size(), qsizetype(0));
        r = cliAsync(dbPath, {QStringLiteral("component"), QStringLiteral("set"), component,
                              QStringLiteral("--status"), QStringLiteral("major_outage")});
        QCOMPARE(r.code, 0);
        QCOMPARE(receiver.requests().size(), qsizetype(6));
        QVERIFY2(r.out.contains(QLatin1String("sent 6, delivered 6, failed 0, retrying 0")),
                 qPrintable(r.out));
        // Nothing left to do: a dispatch made no request and says so.
        r = cliAsync(dbPath, {QStringLiteral("dispatch")});
        QVERIFY2(r.out.contains(QLatin1String("sent 0, delivered 0, failed 0, retrying 0")),
                 qPrintable(r.out));
        QCOMPARE(receiver.requests().size(), qsizetype(6));
    }

    void operatorNameFromAsOrEnvironment_data()
    {
        QTest::addColumn<QStringList>("global");
        QTest::addColumn<QString>("environment"); // STATUSDESK_OPERATOR; empty: unset
        QTest::addColumn<QString>("expected");    // empty: this machine's user@host
        QTest::newRow("--as") << QStringList{QStringLiteral("--as"), QStringLiteral("Dana")} << QString()
                              << QStringLiteral("Dana");
        QTest::newRow("--as=") << QStringList{QStringLiteral("--as=Dana Scully")} << QString()
                               << QStringLiteral("Dana Scully");
        QTest::newRow("environment") << QStringList{} << QStringLiteral("erin@bridge")
                                     << QStringLiteral("erin@bridge");
        QTest::newRow("--as wins over the environment")
            << QStringList{QStringLiteral("--as"), QStringLiteral("Dana")} << QStringLiteral("erin@bridge")
            << QStringLiteral("Dana");
        QTest::newRow("default") << QStringList{} << QString() << QString();
    }
    void operatorNameFromAsOrEnvironment()
    {
        QFETCH(QStringList, global);
        QFETCH(QString, environment);
        QFETCH(QString, expected);
        if (expected.isEmpty())
            expected = sd::defaultOperator();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("STATUSDESK_OPERATOR"));
        if (!environment.isEmpty())
            env.insert(QStringLiteral("STATUSDESK_OPERATOR"), environment);
        QTemporaryDir dir;
        const QStringList base{QStringLiteral("--db"), dir.filePath(QStringLiteral("as.sqlite")),
                               QStringLiteral("--queue-only")};

        Run r = runCli(base + QStringList{QStringLiteral("component"), QStringLiteral("add"),
                                          QStringLiteral("--name"), QStringLiteral("API")});
        QCOMPARE(r.code, 0);
        const QString id = r.out;
        r = runCli(base + global +
                       QStringList{QStringLiteral("component"), QStringLiteral("set"), id,
                                   QStringLiteral("--status"), QStringLiteral("major_outage")},
                   env);
        QVERIFY2(r.code == 0, qPrintable(r.err));

        r = runCli(base + QStringList{QStringLiteral("component"), QStringLiteral("history"), id,
                                      QStringLiteral("--json")});
        const QJsonArray history = jsonArray(r);
        QCOMPARE(history.size(), 1);
        QCOMPARE(history.at(0)[u"actor"].toString(), expected);
        QCOMPARE(history.at(0)[u"new_status"].toString(), QStringLiteral("major_outage"));
        r = runCli(base + QStringList{QStringLiteral("component"), QStringLiteral("list"),
                                      QStringLiteral("--json")});
        QCOMPARE(jsonArray(r).at(0)[u"status_changed_by"].toString(), expected);

        r = runCli(base + QStringList{QStringLiteral("audit"), QStringLiteral("--json")});
        const QJsonArray audit = jsonArray(r);
        QCOMPARE(audit.size(), 2); // the add (by the default operator), then the status change
        QCOMPARE(audit.at(0)[u"actor"].toString(), expected);
        QCOMPARE(audit.at(0)[u"action"].toString(), QStringLiteral("component.status"));
        QCOMPARE(audit.at(0)[u"subject_id"].toString(), id);
        QCOMPARE(audit.at(1)[u"action"].toString(), QStringLiteral("component.add"));
    }

    // A resend delivered by the command line names who asked for it in the attempts listing; the audit
    // log lists every change with its operator, newest first, and --since narrows it.
    void attemptsAndAuditNameTheOperator()
    {
        sd::test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        QTemporaryDir dir;
        const QString dbPath = dir.filePath(QStringLiteral("who.sqlite"));
        const auto as = [](const char *name) {
            return QStringList{QStringLiteral("--as"), QLatin1String(name)};
        };
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-1);
        Run r = cliAsync(
            dbPath, as("alice") + QStringList{QStringLiteral("subscriber"), QStringLiteral("add"),
                                              QStringLiteral("--endpoint"), receiver.url(),
                                              QStringLiteral("--email"), QStringLiteral("ok@example.com")});
        QCOMPARE(r.code, 0);
        r = cliAsync(dbPath, as("alice") + QStringList{QStringLiteral("component"), QStringLiteral("add"),
                                                       QStringLiteral("--name"), QStringLiteral("API")});
        const QString component = r.out;
        r = cliAsync(dbPath,
                     as("alice") + QStringList{QStringLiteral("component"), QStringLiteral("set"), component,
                                               QStringLiteral("--status"), QStringLiteral("major_outage")});
        QVERIFY2(r.out.contains(QLatin1String("delivered 1")), qPrintable(r.out + r.err));
        r = cliAsync(dbPath, {QStringLiteral("deliveries"), QStringLiteral("--json")});
        const QString delivery = jsonArray(r).at(0)[u"id"].toString();
        QVERIFY(delivery.startsWith(QLatin1String("msg_")));

        r = cliAsync(dbPath, as("bob") + QStringList{QStringLiteral("resend"), delivery});
        QVERIFY2(r.out.contains(QLatin1String("delivered 1")), qPrintable(r.out + r.err));
        QCOMPARE(receiver.requests().size(), 2);

        r = cliAsync(dbPath, {QStringLiteral("attempts"), delivery});
        QCOMPARE(r.code, 0);
        const QStringList lines = r.out.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3); // header and two attempts
        QVERIFY2(lines.at(0).contains(QLatin1String("ACTOR")), qPrintable(lines.at(0)));
        QVERIFY2(!lines.at(1).contains(QLatin1String("bob")), qPrintable(lines.at(1)));
        QVERIFY2(lines.at(2).contains(QLatin1String("manual")) &&
                     lines.at(2).trimmed().endsWith(QLatin1String("bob")),
                 qPrintable(lines.at(2)));
        r = cliAsync(dbPath, {QStringLiteral("attempts"), delivery, QStringLiteral("--json")});
        const QJsonArray attempts = jsonArray(r);
        QVERIFY(attempts.at(0)[u"actor"].isNull());
        QCOMPARE(attempts.at(1)[u"actor"].toString(), QStringLiteral("bob"));

        r = cliAsync(dbPath,
                     as("carol") + QStringList{QStringLiteral("incident"), QStringLiteral("create"),
                                               QStringLiteral("--name"), QStringLiteral("Down"),
                                               QStringLiteral("--status"), QStringLiteral("investigating"),
                                               QStringLiteral("--body"), QStringLiteral("Looking"),
                                               QStringLiteral("--queue-only")});
        QCOMPARE(r.code, 0);
        r = cliAsync(dbPath, {QStringLiteral("incident"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(jsonArray(r).at(0)[u"incident_updates"][0][u"actor"].toString(), QStringLiteral("carol"));
        r = cliAsync(dbPath, as("dan") + QStringList{QStringLiteral("settings"),
                                                     QStringLiteral("--timeout-ms"), QStringLiteral("5000")});
        QCOMPARE(r.code, 0);

        r = cliAsync(dbPath, {QStringLiteral("audit"), QStringLiteral("--json")});
        QStringList seen; // "actor action", newest first
        for (const QJsonValue &v : jsonArray(r))
            seen << v[u"actor"].toString() + QLatin1Char(' ') + v[u"action"].toString();
        QCOMPARE(seen, (QStringList{
                           QStringLiteral("dan settings.set"), QStringLiteral("carol incident.create"),
                           QStringLiteral("bob resend"), QStringLiteral("alice component.status"),
                           QStringLiteral("alice component.add"), QStringLiteral("alice subscriber.add")}));
        const QJsonObject settingsRow = jsonArray(r).at(0).toObject();
        QVERIFY2(settingsRow[u"detail"].toString().contains(QStringLiteral("timeout ms 30000 → 5000")),
                 qPrintable(settingsRow[u"detail"].toString()));

        r = cliAsync(dbPath, {QStringLiteral("audit")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith(QLatin1String("AT")), qPrintable(r.out));
        QCOMPARE(r.out.count(QLatin1Char('\n')), 6);
        QVERIFY2(r.out.contains(QLatin1String("bob")) && r.out.contains(QLatin1String("Resend of delivery ")),
                 qPrintable(r.out));
        r = cliAsync(dbPath, {QStringLiteral("audit"), QStringLiteral("--json"), QStringLiteral("--since"),
                              start.addSecs(3600).toString(Qt::ISODate)});
        QCOMPARE(jsonArray(r).size(), 0);
        r = cliAsync(dbPath,
                     {QStringLiteral("audit"), QStringLiteral("--json"), QStringLiteral("--since"),
                      start.toString(Qt::ISODate), QStringLiteral("--actor"), QStringLiteral("alice")});
        QCOMPARE(jsonArray(r).size(), 3);
    }

    // Issue 11, item 6: listings are written row by row and print what the whole document would have been.
    void listingsStreamTheSameBytes()
    {
        QTemporaryDir dir;
        const QString dbPath = dir.filePath(QStringLiteral("listing.sqlite"));
        for (int i = 0; i < 3; ++i) {
            const Run r = cliAsync(dbPath, {QStringLiteral("subscriber"), QStringLiteral("add"),
                                            QStringLiteral("--endpoint"),
                                            QStringLiteral("http://u:pw@127.0.0.1:9/listing%1").arg(i),
                                            QStringLiteral("--email"), QStringLiteral("l@example.com")});
            QCOMPARE(r.code, 0);
        }
        Run r = cliAsync(dbPath,
                         {QStringLiteral("--json"), QStringLiteral("subscriber"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8());
        QCOMPARE(doc.array().size(), 3);
        QCOMPARE(r.out, QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed());
        QVERIFY(!r.out.contains(QLatin1String("pw@")));
        // The table reads the rows twice (widths, then lines): every column lines up under its header.
        r = cliAsync(dbPath, {QStringLiteral("subscriber"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        const QStringList lines = r.out.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 4);
        const qsizetype column = lines[0].indexOf(QLatin1String("ENDPOINT"));
        for (int i = 1; i < 4; ++i)
            QCOMPARE(lines[i].mid(column, 30),
                     QStringLiteral("http://u:***@127.0.0.1:9/listing%1").arg(i - 1).left(30));
        r = cliAsync(dbPath, {QStringLiteral("--json"), QStringLiteral("deliveries")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QStringLiteral("[\n]"));
        r = cliAsync(dbPath, {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("json"),
                              QStringLiteral("--out"), QStringLiteral("-")});
        QCOMPARE(r.code, 0);
        const QJsonDocument report = QJsonDocument::fromJson(r.out.toUtf8());
        QCOMPARE(report.object().value(QLatin1String("attempts")).toArray().size(), 0);
        QCOMPARE(r.out, QString::fromUtf8(report.toJson(QJsonDocument::Indented)).trimmed());
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

    // Issue 21: rows that are not valid UTF-8 are refused with their line (or read in a named encoding);
    // extra fields are a warning on their line.
    void csvImportNamesEncodingAndExtraFields()
    {
        const QString csv = m_dir.filePath(QStringLiteral("latin1.csv"));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("endpoint,email\nhttp://127.0.0.1:9/caf\xe9,a@example.com\nhttp://127.0.0.1:9/"
                "x,x@example.com,extra\n");
        f.close();
        Run r = cli({QStringLiteral("subscriber"), QStringLiteral("import"), csv});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String(":2: field 1 is not valid UTF-8 text")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String(":3: warning: 3 fields, but the header names 2 columns")),
                 qPrintable(r.err));
        QVERIFY2(r.out.contains(QLatin1String("1 added, 1 rejected")), qPrintable(r.out));
        r = cli({QStringLiteral("subscriber"), QStringLiteral("import"), QStringLiteral("--encoding"),
                 QStringLiteral("ISO-8859-1"), csv});
        QVERIFY2(r.err.contains(QLatin1String(":3: ")) && r.out.contains(QLatin1String("1 added")),
                 qPrintable(r.out + r.err)); // line 3 is a duplicate now; line 2 is read as Latin-1
        r = cli({QStringLiteral("--json"), QStringLiteral("subscriber"), QStringLiteral("list")});
        QVERIFY2(r.out.contains(QLatin1String("/caf%C3%A9")), qPrintable(r.out));
        r = cli({QStringLiteral("subscriber"), QStringLiteral("import"), QStringLiteral("--encoding"),
                 QStringLiteral("klingon"), csv});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("--encoding: unknown encoding")), qPrintable(r.err));
    }

    // Issue 11 item 4: an empty --db is a mistake, not the home folder's database.
    void emptyDbOptionIsAnError_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("--db \"\"") << QStringList{QStringLiteral("--db"), QString()};
        QTest::newRow("--db=") << QStringList{QStringLiteral("--db=")};
        QTest::newRow("--db \" \"") << QStringList{QStringLiteral("--db"), QStringLiteral(" ")};
    }
    void emptyDbOptionIsAnError()
    {
        QFETCH(QStringList, args);
        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.remove(QStringLiteral("STATUSDESK_DB"));
        const Run r = runCli(args + QStringList{QStringLiteral("page"), QStringLiteral("show")}, env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("the database location is empty")), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 0);
        QVERIFY2(!QFileInfo::exists(home.filePath(QStringLiteral("data"))),
                 "nothing created in the home folder");
    }

    // Issue 11 item 3: a password in an endpoint never reaches a listing, a report or an error.
    void endpointCredentialsAreRedactedEverywhere()
    {
        sd::test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        const QString path = m_dir.filePath(QStringLiteral("redact.sqlite"));
        auto run = [&](const QStringList &args) { return cliAsync(path, args); };
        QCOMPARE(
            run({QStringLiteral("settings"), QStringLiteral("--retry-schedule"), QStringLiteral("0")}).code,
            0);
        const QString endpoint =
            receiver.url().replace(QStringLiteral("http://"), QStringLiteral("http://hook:hunter2@"));
        Run r = run({QStringLiteral("--queue-only"), QStringLiteral("subscriber"), QStringLiteral("add"),
                     QStringLiteral("--endpoint"), endpoint, QStringLiteral("--email"),
                     QStringLiteral("o@example.com")});
        QCOMPARE(r.code, 0);
        r = run({QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                 QStringLiteral("API")});
        const QString id = r.out;
        r = run({QStringLiteral("component"), QStringLiteral("set"), id, QStringLiteral("--status"),
                 QStringLiteral("major_outage")});
        QCOMPARE(r.code, 0);
        QCOMPARE(receiver.requests().size(), 1);
        QString all = r.out + r.err;
        const QList<QStringList> commands{
            {QStringLiteral("subscriber"), QStringLiteral("list")},
            {QStringLiteral("--json"), QStringLiteral("subscriber"), QStringLiteral("list")},
            {QStringLiteral("messages")},
            {QStringLiteral("--json"), QStringLiteral("messages")},
            {QStringLiteral("deliveries")},
            {QStringLiteral("--json"), QStringLiteral("deliveries")},
            {QStringLiteral("notices")},
            {QStringLiteral("audit")},
            {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("csv"),
             QStringLiteral("--out"), QStringLiteral("-")},
            {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("json"),
             QStringLiteral("--out"), QStringLiteral("-")},
            {QStringLiteral("--queue-only"), QStringLiteral("subscriber"), QStringLiteral("add"),
             QStringLiteral("--endpoint"), endpoint, QStringLiteral("--email"),
             QStringLiteral("o@example.com")}};
        for (const QStringList &c : commands) {
            r = run(c);
            all += r.out + r.err;
            QVERIFY2(!QString(r.out + r.err).contains(QLatin1String("hunter2")),
                     qPrintable(c.join(QLatin1Char(' '))));
        }
        r = run({QStringLiteral("--json"), QStringLiteral("deliveries")});
        const QString messageId = jsonArray(r).at(0)[u"id"].toString();
        r = run({QStringLiteral("--json"), QStringLiteral("attempts"), messageId});
        all += r.out;
        QVERIFY2(!r.out.contains(QLatin1String("hunter2")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("Basic ***")),
                 qPrintable(messageId + QLatin1Char(' ') + r.out + r.err));
        QVERIFY2(all.contains(QLatin1String("hook:***@")), qPrintable(all));
    }

    // Issue 11 item 4: spellings of one endpoint are one subscriber, from the command line too.
    void endpointSpellingsAreOneSubscriber()
    {
        Run r = cli({QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                     QStringLiteral("http://127.0.0.1:9/dup"), QStringLiteral("--email"),
                     QStringLiteral("a@example.com")});
        QCOMPARE(r.code, 0);
        for (const char *spelling :
             {"HTTP://127.0.0.1:9/dup", "http://127.0.0.1:09/dup#frag", "http://127.0.0.1:9/dup#"}) {
            r = cli({QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                     QLatin1String(spelling), QStringLiteral("--email"), QStringLiteral("a@example.com")});
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.contains(QLatin1String("already subscribed")), qPrintable(r.err));
            QCOMPARE(r.err.count(QLatin1Char('\n')), 0);
        }
    }

    // Issue 11 item 5: the target policy from the command line, and the setting that refuses private targets.
    void targetPolicyAndPrivateTargetsSetting()
    {
        const QString path = m_dir.filePath(QStringLiteral("policy.sqlite"));
        auto add = [&](const QString &endpoint) {
            return cliAsync(path, {QStringLiteral("--queue-only"), QStringLiteral("subscriber"),
                                   QStringLiteral("add"), QStringLiteral("--endpoint"), endpoint,
                                   QStringLiteral("--email"), QStringLiteral("o@example.com")});
        };
        Run r = add(QStringLiteral("http://169.254.169.254/latest/meta-data/"));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("link-local")), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 0);
        r = add(QStringLiteral("http://metadata.google.internal/"));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("metadata")), qPrintable(r.err));
        QCOMPARE(add(QStringLiteral("http://127.0.0.1:9/a")).code, 0);
        r = cliAsync(path, {QStringLiteral("settings"), QStringLiteral("--refuse-private-targets"),
                            QStringLiteral("on")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QLatin1String("refuse private targets: on")), qPrintable(r.out));
        r = cliAsync(path, {QStringLiteral("--json"), QStringLiteral("settings")});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()[u"refuse_private_targets"].toBool(), true);
        r = add(QStringLiteral("http://127.0.0.1:9/b"));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("refuses private targets")), qPrintable(r.err));
        r = add(QStringLiteral("http://10.1.2.3/b"));
        QCOMPARE(r.code, 1);
        // A name is resolved before it is added: localhost resolves to a loopback address.
        r = add(QStringLiteral("http://localhost:9/c"));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("localhost resolves to")), qPrintable(r.err));
        r = cliAsync(path, {QStringLiteral("settings"), QStringLiteral("--refuse-private-targets"),
                            QStringLiteral("maybe")});
        QCOMPARE(r.code, 1);
        QCOMPARE(cliAsync(path, {QStringLiteral("settings"), QStringLiteral("--refuse-private-targets"),
                                 QStringLiteral("off")})
                     .code,
                 0);
        QCOMPARE(add(QStringLiteral("http://127.0.0.1:9/b")).code, 0);
    }

    // Issue 21 item 6: on a full file system the command line said "database file ... is corrupt (disk I/O
    // error)" (an operator may then delete or restore a healthy file). A small tmpfs, filled up.
    void diskFullAtOpenIsNamed()
    {
        QTemporaryDir mountPoint;
        const QString dir = mountPoint.path();
        const auto run = [](const QString &program, const QStringList &args) {
            QProcess p;
            p.start(program, args);
            return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        };
        if (!run(QStringLiteral("mount"),
                 {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                  QStringLiteral("size=4m"), QStringLiteral("tmpfs"), dir}))
            QSKIP("cannot mount a small tmpfs here (needs root and mount rights): the full disk cannot be "
                  "made");
        struct Unmount
        {
            QString dir;
            ~Unmount() { QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), dir}); }
        } unmount{dir};
        const QString path = dir + QStringLiteral("/full.sqlite");
        Run r = cliAsync(path, {QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                                QStringLiteral("API")});
        QCOMPARE(r.code, 0);
        {
            QFile filler(dir + QStringLiteral("/filler"));
            QVERIFY(filler.open(QIODevice::WriteOnly));
            const QByteArray block(64 * 1024, '\0');
            while (filler.write(block) == block.size() && filler.flush()) {
            }
        }
        const QByteArray before = [&path] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        for (const QStringList &args : {QStringList{QStringLiteral("component"), QStringLiteral("list")},
                                        QStringList{QStringLiteral("component"), QStringLiteral("add"),
                                                    QStringLiteral("--name"), QStringLiteral("Web")}}) {
            r = cliAsync(path, args);
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.contains(QLatin1String("the disk is full")), qPrintable(r.err));
            QVERIFY2(!r.err.contains(QLatin1String("corrupt")), qPrintable(r.err));
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        f.close();
        // Room again: the same file opens as it was.
        QVERIFY(QFile::remove(dir + QStringLiteral("/filler")));
        r = cliAsync(path, {QStringLiteral("component"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QLatin1String("API")), qPrintable(r.out));
        // A read-only file system: listed and reported (read as immutable), changes refused in one sentence.
        if (!run(QStringLiteral("mount"), {QStringLiteral("-o"), QStringLiteral("remount,ro"), dir}))
            QSKIP("cannot remount the tmpfs read-only here");
        r = cliAsync(path, {QStringLiteral("component"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QLatin1String("API")), qPrintable(r.out));
        QVERIFY2(r.err.contains(QLatin1String("opened for reading only")), qPrintable(r.err));
        r = cliAsync(path, {QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                            QStringLiteral("Web")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("the database is read-only here")), qPrintable(r.err));
    }

    // A read-only file is listed and reported; a change is refused with one sentence and the file untouched.
    void readOnlyDatabaseListsAndReports()
    {
        const QString path = m_dir.filePath(QStringLiteral("readonly.sqlite"));
        Run r = cliAsync(path, {QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                                QStringLiteral("API")});
        QCOMPARE(r.code, 0);
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        r = cliAsync(path, {QStringLiteral("component"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QLatin1String("API")), qPrintable(r.out));
        QVERIFY2(r.err.contains(QLatin1String("read-only: opened for reading only")), qPrintable(r.err));
        r = cliAsync(path, {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("csv"),
                            QStringLiteral("--out"), QStringLiteral("-")});
        QCOMPARE(r.code, 0);
        r = cliAsync(path, {QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                            QStringLiteral("Web")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.endsWith(QLatin1String("the database is read-only here (its file or folder cannot be "
                                              "written); nothing was changed")),
                 qPrintable(r.err));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    // Issue 11 item 3: the command line makes owner-only files and says when it tightened old ones.
    void databaseFilesAreOwnerOnly()
    {
        const QString path = m_dir.filePath(QStringLiteral("modes/sub/modes.sqlite"));
        Run r = cliAsync(path, {QStringLiteral("page"), QStringLiteral("show")});
        QCOMPARE(r.code, 0);
        QVERIFY2(!r.err.contains(QLatin1String("notice")), qPrintable(r.err));
        QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFileDevice::Permissions());
        QCOMPARE(QFileInfo(m_dir.filePath(QStringLiteral("modes/sub"))).permissions() & 0x0077,
                 QFileDevice::Permissions());
        QFile(path).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                                   QFileDevice::ReadOther);
        r = cliAsync(path, {QStringLiteral("page"), QStringLiteral("show")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains(QLatin1String("notice: ")) &&
                     r.err.contains(QLatin1String("readable by you only")),
                 qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 0);
        QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFileDevice::Permissions());
        r = cliAsync(path, {QStringLiteral("notices")});
        QVERIFY2(r.out.contains(QLatin1String("permissions")), qPrintable(r.out));
    }

    // StatusDesk's own data folder (not one the operator chose) is made owner-only too, with the notice.
    void defaultDataFolderIsTightened()
    {
        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.remove(QStringLiteral("STATUSDESK_DB"));
        // The help names the default file.
        Run r = runCli({QStringLiteral("page"), QStringLiteral("show"), QStringLiteral("--help")}, env);
        const QString help = r.out.simplified();
        const qsizetype from = help.indexOf(QLatin1String("then ")) + 5;
        const QString path = help.mid(from, help.indexOf(QLatin1String(".sqlite"), from) + 7 - from);
        QVERIFY2(path.startsWith(home.path()), qPrintable(help));
        const QString folder = QFileInfo(path).absolutePath();
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile(folder).setPermissions(
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
            QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther));
        r = runCli({QStringLiteral("page"), QStringLiteral("show")}, env);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains(QLatin1String("its folder")), qPrintable(r.err));
        QCOMPARE(QFileInfo(folder).permissions() & 0x0077, QFileDevice::Permissions());
        QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFileDevice::Permissions());
    }

    // The console takes --db "" as the same mistake: it does not open (or create) the home folder's database.
    void consoleEmptyDbOptionDoesNotOpenTheDefault()
    {
        const QString gui =
            QFileInfo(sd::test::cliPath()).absolutePath() + QStringLiteral("/../gui/statusdesk");
        if (!QFileInfo::exists(gui))
            QSKIP("the console is not built");
        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.remove(QStringLiteral("STATUSDESK_DB"));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(gui, {QStringLiteral("--db"), QString()});
        QVERIFY(p.waitForStarted());
        // It now shows "The database  could not be opened ... the database location is empty" and waits; a
        // console that fell back to the default would have made its database by now.
        p.waitForFinished(3000);
        const bool madeDefault = QFileInfo::exists(home.filePath(QStringLiteral("data")));
        p.kill();
        p.waitForFinished();
        QVERIFY2(!madeDefault, "the console opened the default database");
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
