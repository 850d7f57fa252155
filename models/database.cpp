#include "models/database.h"

#include "models/databasefiles.h"
#include "models/filemodes.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSqlError>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimeZone>
#include <QUrl>
#include <QUrlQuery>
#include <algorithm>

namespace sd {
namespace {

QAtomicInteger<int> g_connectionCounter;

// Every writer of operator changes takes this transaction-scoped advisory lock on PostgreSQL: the same one
// writer at a time that BEGIN IMMEDIATE gives on SQLite. Migrations take it too.
constexpr qint64 kWriterLock = 0x5374617475734465; // "StatusDe"

QString processTag()
{
    static const QString tag =
        QStringLiteral("%1@%2").arg(QCoreApplication::applicationPid()).arg(QSysInfo::machineHostName());
    return tag;
}

QString sqlError(const QSqlError &e)
{
    // PostgreSQL's messages run over several lines ("connection to server ... failed: ...\n\tIs the server
    // running ..."); the first line says it.
    QString text = e.databaseText().trimmed();
    if (text.isEmpty())
        text = e.text().trimmed();
    const qsizetype nl = text.indexOf(QLatin1Char('\n'));
    if (nl > 0)
        text.truncate(nl);
    return text.simplified();
}

// Reads the 16-byte SQLite header without opening the file for writing.
bool looksLikeSqlite(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(16) == QByteArray("SQLite format 3\0", 16);
}

} // namespace

QVariant toDb(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant();
}
QDateTime dateFromDb(const QVariant &v)
{
    if (v.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}
QVariant toDb(const QString &s)
{
    return s.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(s);
}
QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

Database::Database(QString path, QString name, Backend backend)
    : m_path(std::move(path))
    , m_name(std::move(name))
    , m_backend(backend)
{}

Database::~Database()
{
    m_statements.clear();
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
    DatabaseFiles::closed(m_name);
}

QString Database::defaultPath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(QStringLiteral("statusdesk.sqlite"));
}

QString Database::resolvePath(const QString &commandLinePath)
{
    if (!commandLinePath.isEmpty())
        return commandLinePath;
    const QString env = qEnvironmentVariable("STATUSDESK_DB");
    if (!env.isEmpty())
        return env;
    return defaultPath();
}

bool Database::isPostgresUrl(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive) ||
           location.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

QString Database::redacted(const QString &location)
{
    if (!isPostgresUrl(location))
        return location;
    // By hand rather than through QUrl: a URL too broken to parse must not come back with its password.
    const qsizetype schemeEnd = location.indexOf(QLatin1String("://")) + 3;
    const qsizetype at = location.lastIndexOf(QLatin1Char('@'));
    if (at < schemeEnd)
        return location;
    const qsizetype colon = location.indexOf(QLatin1Char(':'), schemeEnd);
    if (colon < 0 || colon > at)
        return location;
    return location.left(colon + 1) + QStringLiteral("***") + location.mid(at);
}

QString Database::limitClause(int limit, int offset) const
{
    QString out = limit < 0 ? (isPostgres() ? QStringLiteral(" LIMIT ALL") : QStringLiteral(" LIMIT -1"))
                            : QStringLiteral(" LIMIT %1").arg(limit);
    if (offset > 0)
        out += QStringLiteral(" OFFSET %1").arg(offset);
    return out;
}

void Database::notifyChanged(const QString &what)
{
    if (!isPostgres())
        return;
    // "kind pid@host": listeners skip what their own process sent.
    run(QStringLiteral("SELECT pg_notify(?, ?)"),
        {QString::fromLatin1(kChangeChannel), QString(what + QLatin1Char(' ') + processTag())});
}

QString Database::changeFromOtherProcess(const QVariant &payload)
{
    const QString text = payload.toString();
    const qsizetype space = text.indexOf(QLatin1Char(' '));
    if (space < 0)
        return text;
    return text.mid(space + 1) == processTag() ? QString() : text.left(space);
}

std::unique_ptr<Database> Database::open(const QString &location, QString *error)
{
    if (location.trimmed().isEmpty()) {
        *error = QStringLiteral("the database location is empty; give a file path or a postgresql:// URL");
        return nullptr;
    }
    if (isPostgresUrl(location))
        return openPostgres(location, error);
    auto database = openSqlite(location, error);
    // SQLITE_FULL while opening (the -shm, the WAL, a migration) is a full disk, not a damaged file.
    if (!database && error->contains(QLatin1String("database or disk is full")))
        *error = QStringLiteral(
                     "the disk is full: cannot open database %1 (database or disk is full); nothing was "
                     "written")
                     .arg(location);
    return database;
}

std::unique_ptr<Database> Database::openPostgres(const QString &url, QString *error)
{
    const QString shown = redacted(url);
    const QUrl u(url, QUrl::StrictMode);
    const QString dbName = u.path().mid(1);
    if (!u.isValid() || u.host().isEmpty() || dbName.isEmpty() || dbName.contains(QLatin1Char('/'))) {
        *error = QStringLiteral("database URL %1 is not valid; expected postgresql://user:password@host:port/"
                                "dbname")
                     .arg(shown);
        return nullptr;
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        *error =
            QStringLiteral("cannot open %1: Qt's PostgreSQL driver (QPSQL, Debian package libqt6sql6-psql) "
                           "is not installed")
                .arg(shown);
        return nullptr;
    }
    const QString name = QStringLiteral("statusdesk-%1").arg(g_connectionCounter.fetchAndAddOrdered(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName(QUrl::FullyDecoded));
        db.setPassword(u.password(QUrl::FullyDecoded));
        db.setDatabaseName(QUrl::fromPercentEncoding(dbName.toUtf8()));
        // libpq options given in the URL's query (sslmode=require, ...) pass through.
        QStringList options{QStringLiteral("connect_timeout=10")};
        for (const auto &item : QUrlQuery(u).queryItems(QUrl::FullyDecoded))
            options << item.first + QLatin1Char('=') + item.second;
        db.setConnectOptions(options.join(QLatin1Char(';')));
    }
    std::unique_ptr<Database> database(new Database(url, name, Backend::Postgres));
    QSqlDatabase db = database->connection();
    if (!db.open()) {
        *error = QStringLiteral("cannot connect to PostgreSQL database %1: %2")
                     .arg(shown, sqlError(db.lastError()));
        return nullptr;
    }
    // SQLite's busy timeout, in PostgreSQL's words: a write that waits for another desk's lock longer than
    // this fails (and is retried, or reported) instead of hanging a console or an engine.
    QSqlQuery timeout(db);
    if (!timeout.exec(QStringLiteral("SET lock_timeout = '10s'"))) {
        *error = QStringLiteral("cannot prepare PostgreSQL database %1: %2")
                     .arg(shown, sqlError(timeout.lastError()));
        return nullptr;
    }
    timeout.finish();
    const int version = database->schemaVersion();
    if (version < 0) {
        *error =
            QStringLiteral("PostgreSQL database %1 already holds tables that are not StatusDesk's; it was "
                           "not modified")
                .arg(shown);
        return nullptr;
    }
    if (version > kSchemaVersion) {
        *error = QStringLiteral("PostgreSQL database %1 has schema version %2, newer than this StatusDesk "
                                "understands (%3); upgrade StatusDesk. Nothing was modified")
                     .arg(shown)
                     .arg(version)
                     .arg(kSchemaVersion);
        return nullptr;
    }
    if (!database->migrate(error))
        return nullptr;
    return database;
}

std::unique_ptr<Database> Database::openSqlite(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (info.exists()) {
        if (info.isDir()) {
            *error = QStringLiteral("database path %1 is a directory").arg(path);
            return nullptr;
        }
        if (!info.isReadable()) {
            *error = QStringLiteral("database file %1 cannot be read (permission denied)").arg(path);
            return nullptr;
        }
        // Permission bits, not access(): root may write anywhere, but a file marked read-only is not ours to
        // change.
        if (!info.isWritable() || !(info.permissions() & QFileDevice::WriteOwner)) {
            *error =
                QStringLiteral("database file %1 is read-only; StatusDesk needs to write to it and left it "
                               "untouched")
                    .arg(path);
            return nullptr;
        }
        // The header check opens the file with a QFile, and closing it would drop this process's SQLite locks
        // on it: skipped when one of our connections already has the file open (so it is known to be ours).
        if (info.size() > 0 && !DatabaseFiles::isOpenDatabaseFile(path) && !looksLikeSqlite(path)) {
            *error =
                QStringLiteral("database file %1 is corrupt or not an SQLite database; it was not modified")
                    .arg(path);
            return nullptr;
        }
    } else if (const QString failed = filemodes::createOwnerOnly(path); !failed.isEmpty()) {
        // Owner-only from the first byte: the file holds signing secrets and endpoint credentials.
        *error = failed;
        return nullptr;
    }

    const QString name = QStringLiteral("statusdesk-%1").arg(g_connectionCounter.fetchAndAddOrdered(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    }
    std::unique_ptr<Database> database(new Database(path, name, Backend::Sqlite));
    QSqlDatabase db = database->connection();
    if (!db.open()) {
        *error = QStringLiteral("cannot open database %1: %2").arg(path, sqlError(db.lastError()));
        return nullptr;
    }

    // Read-only checks first: nothing is written until the file is known to be ours and not newer.
    QSqlQuery check(db);
    // quick_check reads every page (0.6 s for a 250 MB store, on every command); past 64 MB only the
    // header and the schema are read here, and SQLite still names corruption on any page it reads later.
    constexpr qint64 kFullCheckBytes = 64LL * 1024 * 1024;
    const bool fullCheck = QFileInfo(path).size() <= kFullCheckBytes;
    if (!check.exec(fullCheck
                        ? QStringLiteral("PRAGMA quick_check")
                        : QStringLiteral("SELECT 'ok' WHERE (SELECT count(*) FROM sqlite_master) >= 0")) ||
        !check.next() || check.value(0).toString() != QLatin1String("ok")) {
        *error = QStringLiteral("database file %1 is corrupt (%2); it was not modified")
                     .arg(path, check.lastError().isValid() ? sqlError(check.lastError())
                                                            : check.value(0).toString());
        return nullptr;
    }
    check.finish();
    const int version = database->schemaVersion();
    if (version < 0) {
        *error = QStringLiteral("database file %1 is corrupt (cannot read its schema version)").arg(path);
        return nullptr;
    }
    if (version > kSchemaVersion) {
        *error =
            QStringLiteral("database file %1 has schema version %2, newer than this StatusDesk understands "
                           "(%3); upgrade StatusDesk. The file was not modified")
                .arg(path)
                .arg(version)
                .arg(kSchemaVersion);
        return nullptr;
    }
    if (version == 0) {
        QSqlQuery tables(db);
        if (tables.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) && tables.next() &&
            tables.value(0).toInt() > 0) {
            *error =
                QStringLiteral("database file %1 is an SQLite file but not a StatusDesk database; it was not "
                               "modified")
                    .arg(path);
            return nullptr;
        }
    }

    try {
        database->exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        // NORMAL is durable against a process crash in WAL mode; a power cut may lose the last commit
        // but never splits one (a change and its messages stay together).
        database->exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        database->exec(QStringLiteral("PRAGMA foreign_keys=ON"));
        // 16 MiB of page cache per connection (the default is 2 MiB): a backlog of bodies is read once.
        database->exec(QStringLiteral("PRAGMA cache_size=-16384"));
    } catch (const StoreError &e) {
        *error = QStringLiteral("cannot prepare database %1: %2").arg(path, e.message());
        return nullptr;
    }
    if (!database->migrate(error))
        return nullptr;
    // Files made by older versions (mode 644) are tightened once, and the operator is told.
    if (const QString notice = filemodes::tighten(path, QFileInfo(defaultPath()).absolutePath());
        !notice.isEmpty()) {
        database->m_warnings << notice;
        try {
            database->run(QStringLiteral("INSERT INTO notices (created_at, kind, text) VALUES (?, ?, ?)"),
                          {QDateTime::currentMSecsSinceEpoch(), QStringLiteral("permissions"), notice});
        } catch (const StoreError &) {
            // The CLI still prints it from warnings(); the file is tightened either way.
        }
    }
    // Report writers, the CSV import and the console's file dialogs ask the registry before they touch a
    // file.
    DatabaseFiles::opened(name, path);
    return database;
}

qint64 Database::subscribersVersion()
{
    QSqlQuery &q =
        run(isPostgres() ? QStringLiteral("SELECT value FROM statusdesk_versions WHERE name = 'subscribers'")
                         : QStringLiteral("PRAGMA data_version"));
    return q.next() ? q.value(0).toLongLong() : -1;
}

void Database::reconnectIfLost(const QSqlError &error)
{
    if (!isPostgres())
        return;
    // A statement the server refused carries its SQLSTATE (a syntax error, a lock timeout, "current
    // transaction is aborted"); only a lost connection comes without one, or with class 08 (connection
    // exception) or 57P (the server shut it down).
    const QString state = error.nativeErrorCode();
    if (!state.isEmpty() && !state.startsWith(QLatin1String("08")) && !state.startsWith(QLatin1String("57P")))
        return;
    // A lost server connection does not come back by itself: if even a trivial query fails, open it again
    // (the statement that failed still reports its error; the caller's next unit of work runs normally).
    QSqlQuery probe(connection());
    if (probe.exec(QStringLiteral("SELECT 1")))
        return;
    probe.finish();
    m_statements.clear();
    QSqlDatabase db = connection();
    db.close();
    if (db.open()) {
        QSqlQuery timeout(db);
        timeout.exec(QStringLiteral("SET lock_timeout = '10s'"));
    }
}

void Database::exec(const QString &sql)
{
    QSqlQuery q(connection());
    if (!q.exec(sql)) {
        const QSqlError e = q.lastError();
        reconnectIfLost(e);
        throw StoreError(sqlError(e));
    }
}

QSqlQuery &Database::prepared(const QString &sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        QSqlQuery q(connection());
        q.setForwardOnly(true);
        if (!q.prepare(sql)) {
            const QSqlError e = q.lastError();
            reconnectIfLost(e);
            throw StoreError(sqlError(e) + QStringLiteral(" in: ") + sql.simplified());
        }
        it = m_statements.insert(sql, q);
    }
    // Finish every cached statement, not just this one: a single-row read left open would pin this
    // connection to an old WAL snapshot and keep an autocommit write from committing. Repositories copy
    // results out before calling the store again, so no caller is mid-iteration here.
    finishAll();
    return *it;
}

void Database::finishAll()
{
    for (auto it = m_statements.begin(); it != m_statements.end(); ++it)
        it->finish();
}

QSqlQuery &Database::run(const QString &sql, const QVariantList &binds)
{
    QSqlQuery &q = prepared(sql);
    for (int i = 0; i < binds.size(); ++i) {
        const QVariant &v = binds.at(i);
        // Flags are stored as 0/1 integers in both dialects; PostgreSQL will not take TRUE for a BIGINT.
        q.bindValue(i, v.typeId() == QMetaType::Bool ? QVariant(v.toBool() ? 1 : 0) : v);
    }
    if (!q.exec()) {
        const QSqlError e = q.lastError();
        reconnectIfLost(e);
        throw StoreError(sqlError(e));
    }
    return q;
}

Transaction::Transaction(Database &db, Mode mode)
    : m_db(db)
{
    m_db.finishAll();
    if (!m_db.isPostgres()) {
        m_db.exec(QStringLiteral("BEGIN IMMEDIATE"));
        return;
    }
    m_db.exec(QStringLiteral("BEGIN"));
    if (mode == Mode::Exclusive) {
        try {
            m_db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kWriterLock));
        } catch (const StoreError &) {
            QSqlQuery q(m_db.connection());
            q.exec(QStringLiteral("ROLLBACK"));
            throw;
        }
    }
}

Transaction::~Transaction()
{
    if (!m_done) {
        QSqlQuery q(m_db.connection());
        q.exec(QStringLiteral("ROLLBACK"));
    }
}

void Transaction::commit()
{
    m_db.exec(QStringLiteral("COMMIT"));
    m_done = true;
}

} // namespace sd
