#include "tests/support/testsupport.h"

#include <QAtomicInteger>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>

namespace sd::test {
namespace {

QAtomicInteger<int> g_adminConnections;

QString pgUrlFile()
{
    return qEnvironmentVariable("STATUSDESK_TEST_PG_URL_FILE");
}

// Runs one statement over a short-lived admin connection of its own (CREATE/DROP DATABASE cannot run in a
// transaction, nor on the connection of the database being dropped).
bool adminExec(const QString &sql, QString *error)
{
    const QString name = QStringLiteral("sd-test-admin-%1").arg(g_adminConnections.fetchAndAddOrdered(1));
    bool ok = false;
    {
        QSqlDatabase admin = openConnection(postgresAdminUrl(), name);
        if (!admin.isOpen()) {
            *error = admin.lastError().text();
        } else {
            QSqlQuery q(admin);
            ok = q.exec(sql);
            if (!ok)
                *error = q.lastError().text();
        }
        admin.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

bool usingPostgres()
{
    return !pgUrlFile().isEmpty();
}

QString backendName()
{
    return usingPostgres() ? QStringLiteral("PostgreSQL") : QStringLiteral("SQLite");
}

QString postgresAdminUrl()
{
    const QString path = pgUrlFile();
    if (path.isEmpty())
        qFatal("STATUSDESK_TEST_PG_URL_FILE is not set: this run uses SQLite");
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("the PostgreSQL test cluster is not running (%s is missing): run the _pg tests through ctest, "
               "whose pg_cluster_start fixture starts it (tests/support/pgcluster.sh)",
               qPrintable(path));
    const QString url = QString::fromUtf8(f.readAll()).trimmed();
    if (!url.startsWith(QLatin1String("postgresql://")))
        qFatal("%s does not hold a postgresql:// URL", qPrintable(path));
    return url;
}

QString withPassword(const QString &url, const QString &password)
{
    QUrl u(url);
    u.setPassword(password);
    return u.toString();
}

QSqlDatabase openConnection(const QString &location, const QString &connectionName)
{
    if (!location.startsWith(QLatin1String("postgresql://"))) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
        db.setDatabaseName(location);
        db.open();
        return db;
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        qFatal("the Qt PostgreSQL driver (QPSQL, Debian package libqt6sql6-psql) is not installed");
    const QUrl url(location);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName());
    db.setPassword(url.password());
    db.setDatabaseName(url.path().mid(1));
    db.setConnectOptions(QStringLiteral("connect_timeout=10"));
    db.open();
    return db;
}

TempDatabase::TempDatabase(Open open)
{
    if (usingPostgres()) {
        const quint64 r = QRandomGenerator::global()->generate64();
        m_pgName = QStringLiteral("sd_%1").arg(r, 16, 16, QLatin1Char('0'));
        QString error;
        if (!adminExec(QStringLiteral("CREATE DATABASE %1").arg(m_pgName), &error))
            qFatal("cannot create the PostgreSQL test database %s: %s", qPrintable(m_pgName),
                   qPrintable(error));
        QUrl url(postgresAdminUrl());
        url.setPath(QLatin1Char('/') + m_pgName);
        m_path = url.toString();
    } else {
        m_path = m_dir.filePath(QStringLiteral("test.sqlite"));
    }
    if (open == Open::Now)
        reopen();
}

TempDatabase::~TempDatabase()
{
    m_store.reset();
    if (m_pgName.isEmpty())
        return;
    QString error;
    // FORCE: a connection another part of the test left open (a controller's, a child's) does not keep it.
    if (!adminExec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_pgName), &error))
        qWarning("cannot drop the PostgreSQL test database %s: %s", qPrintable(m_pgName), qPrintable(error));
}

void TempDatabase::reopen()
{
    m_store.reset();
    QString error;
    m_store = Store::open(m_path, &error);
    if (!m_store)
        qFatal("cannot open the %s test database: %s", qPrintable(backendName()), qPrintable(error));
}

QString fixturePath(const QString &name)
{
    return QStringLiteral(STATUSDESK_TEST_DATA_DIR "/") + name;
}

QByteArray fixture(const QString &name)
{
    QFile f(fixturePath(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

QString cliPath()
{
    return QStringLiteral(STATUSDESK_CLI_PATH);
}

QString waitForServeUrl(QProcess &process, QByteArray *output)
{
    static const QByteArray marker = "listening on ";
    for (int i = 0; i < 300 && process.state() != QProcess::NotRunning; ++i) {
        *output += process.readAllStandardOutput();
        const qsizetype at = output->indexOf(marker);
        if (at >= 0) {
            const qsizetype end = output->indexOf(' ', at + marker.size());
            if (end > at)
                return QString::fromLatin1(output->mid(at + marker.size(), end - at - marker.size()));
        }
        process.waitForReadyRead(100);
    }
    return {};
}

CliRun runCli(const QStringList &args, const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    // Waited for with the event loop running: the test's own receivers answer the CLI meanwhile.
    QSignalSpy done(&p, &QProcess::finished);
    p.start(cliPath(), args);
    if (!done.wait(60'000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()).trimmed(),
            QString::fromUtf8(p.readAllStandardError()).trimmed()};
}

} // namespace sd::test
