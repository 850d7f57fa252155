#include "models/secretarguments.h"
#include "tests/support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <vector>

using namespace sd;

namespace {

// What /proc/PID/cmdline shows: the argument block with its NULs as spaces.
QByteArray cmdline(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QByteArray out = f.readAll();
    out.replace('\0', ' ');
    return out;
}

// An argv laid out the way the kernel does: every argument after the previous one's NUL in one block.
struct ArgBlock
{
    QByteArray block;
    std::vector<char *> argv;
    explicit ArgBlock(const QList<QByteArray> &args)
    {
        for (const QByteArray &a : args)
            block += a + '\0';
        qsizetype at = 0;
        for (const QByteArray &a : args) {
            argv.push_back(block.data() + at);
            at += a.size() + 1;
        }
    }
    QList<QByteArray> args() const
    {
        QList<QByteArray> out;
        for (char *a : argv)
            out << QByteArray(a);
        return out;
    }
};

} // namespace

// Issue 21 item 5: a PostgreSQL password given in --db is not left in /proc/PID/cmdline.
class TestSecretArgs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scrubsInPlace_data()
    {
        QTest::addColumn<QByteArray>("arg");
        QTest::addColumn<QByteArray>("scrubbed");
        QTest::newRow("url") << QByteArray("postgresql://desk:Secret-PW-77@db.example:5432/status")
                             << QByteArray("postgresql://desk:***@db.example:5432/status");
        QTest::newRow("--db=") << QByteArray("--db=postgres://desk:Secret-PW-77@127.0.0.1/status")
                               << QByteArray("--db=postgres://desk:***@127.0.0.1/status");
        QTest::newRow("scheme in capitals")
            << QByteArray("POSTGRESQL://desk:Secret-PW-77@h/db") << QByteArray("POSTGRESQL://desk:***@h/db");
        QTest::newRow("@ and : in the password")
            << QByteArray("postgresql://desk:p:w@rd@h/db") << QByteArray("postgresql://desk:***@h/db");
        QTest::newRow("short password")
            << QByteArray("postgresql://d:pw@h/db") << QByteArray("postgresql://d:**@h/db");
        QTest::newRow("no password") << QByteArray("postgresql://desk@h/db")
                                     << QByteArray("postgresql://desk@h/db");
        QTest::newRow("no user info")
            << QByteArray("postgresql://h:5432/db") << QByteArray("postgresql://h:5432/db");
        QTest::newRow("@ in the path only")
            << QByteArray("postgresql://h/db@x:y") << QByteArray("postgresql://h/db@x:y");
        QTest::newRow("a file") << QByteArray("/tmp/desk:pw@x.sqlite") << QByteArray("/tmp/desk:pw@x.sqlite");
    }
    void scrubsInPlace()
    {
        QFETCH(QByteArray, arg);
        QFETCH(QByteArray, scrubbed);
        ArgBlock b({"statusdesk-cli", "--db", arg, "serve"});
        const QByteArray next = b.argv[3];
        const QStringList warnings = secretargs::scrub(static_cast<int>(b.argv.size()), b.argv.data());
        QCOMPARE(b.args().at(2), scrubbed);
        QCOMPARE(b.args().at(3), next); // the next argument is where it was
        QCOMPARE(warnings.size(), arg == scrubbed ? 0 : 1);
        QVERIFY(!b.block.contains("Secret-PW-77"));
        if (!warnings.isEmpty())
            QVERIFY(warnings.first().contains(QLatin1String("PGPASSWORD")));
    }

    // The real binary: started with a password in --db, it shows none in /proc/PID/cmdline while it runs
    // (here: while it waits for a PostgreSQL server that accepts and never answers).
    void cmdlineShowsNoPassword()
    {
        QTcpServer silentServer;
        QVERIFY(silentServer.listen(QHostAddress::LocalHost, 0));
        const QString password = QStringLiteral("Cmdline-Secret-31");
        const QString url = QStringLiteral("postgresql://desk:%1@127.0.0.1:%2/statusdesk")
                                .arg(password)
                                .arg(silentServer.serverPort());
        QProcess p;
        p.start(test::cliPath(),
                {QStringLiteral("--db"), url, QStringLiteral("component"), QStringLiteral("list")});
        QVERIFY(p.waitForStarted(10000));
        // It connects only after main() scrubbed its arguments.
        QVERIFY(silentServer.waitForNewConnection(20000));
        const QByteArray shown = cmdline(p.processId());
        p.kill();
        p.waitForFinished(10000);
        QVERIFY2(shown.contains("--db postgresql://desk:***@127.0.0.1:"), shown.constData());
        QVERIFY2(!shown.contains(password.toUtf8()), shown.constData());
        QVERIFY2(shown.contains(" component list"), shown.constData());
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("warning: a password on the command line"), err.constData());
        QVERIFY(!err.contains(password.toUtf8()));
    }

    // Team mode with the password kept off the command line: PGPASSWORD, a PGPASSFILE, and STATUSDESK_DB.
    void passwordFromTheEnvironment()
    {
        if (!test::usingPostgres())
            QSKIP("needs the PostgreSQL test cluster (the _pg variant)");
        test::TempDatabase db;
        const QUrl full(db.path());
        QUrl bare = full;
        bare.setPassword(QString());
        const QString bareUrl = bare.toString();
        QVERIFY(!bareUrl.contains(full.password()));
        auto list = [&](const QStringList &args, const QProcessEnvironment &env, QByteArray *err = nullptr) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(test::cliPath(), args + QStringList{QStringLiteral("component"), QStringLiteral("list")});
            p.waitForFinished(60000);
            if (err)
                *err = p.readAllStandardError();
            return p.exitCode();
        };
        QProcessEnvironment clean = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"PGPASSWORD", "PGPASSFILE", "STATUSDESK_DB"})
            clean.remove(QString::fromLatin1(name));
        clean.insert(QStringLiteral("HOME"),
                     QDir::tempPath() + QStringLiteral("/no-such-home")); // no ~/.pgpass
        QByteArray err;
        QCOMPARE(list({QStringLiteral("--db"), bareUrl}, clean, &err), 1); // no password at all: refused
        QVERIFY2(err.contains("password"), err.constData());

        QProcessEnvironment withPassword = clean;
        withPassword.insert(QStringLiteral("PGPASSWORD"), full.password());
        QCOMPARE(list({QStringLiteral("--db"), bareUrl}, withPassword, &err), 0);
        QVERIFY2(!err.contains("warning"), err.constData());

        QTemporaryDir dir;
        const QString passFile = dir.filePath(QStringLiteral("pgpass"));
        QFile f(passFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("%1:%2:*:%3:%4\n")
                    .arg(full.host())
                    .arg(full.port())
                    .arg(full.userName(), full.password())
                    .toUtf8());
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner); // libpq ignores a wider one
        QProcessEnvironment withFile = clean;
        withFile.insert(QStringLiteral("PGPASSFILE"), passFile);
        QCOMPARE(list({QStringLiteral("--db"), bareUrl}, withFile), 0);

        QProcessEnvironment withDbUrl = clean;
        withDbUrl.insert(QStringLiteral("STATUSDESK_DB"), db.path());
        QCOMPARE(list({}, withDbUrl, &err), 0);
        QVERIFY2(!err.contains("warning"), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestSecretArgs)
#include "tst_secretargs.moc"
