#include "models/database.h"

#include "models/changesignals.h"
#include "models/databasefiles.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSqlError>
#include <QStorageInfo>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimeZone>
#include <algorithm>

namespace sd {
namespace {

// Every writer of operator changes takes this transaction-scoped advisory lock on PostgreSQL: the same one
// writer at a time that BEGIN IMMEDIATE gives on SQLite. Migrations take it too.
constexpr qint64 kWriterLock = 0x5374617475734465; // "StatusDe"

QString processTag()
{
    static const QString tag =
        QStringLiteral("%1@%2").arg(QCoreApplication::applicationPid()).arg(QSysInfo::machineHostName());
    return tag;
}

} // namespace

QString Database::errorText(const QSqlError &e)
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

QString Database::fullVolume(const QString &location)
{
    // Below this much free space an I/O failure is the full disk (SQLite needs room for its -shm and -wal
    // beside the file; a filled 16 MiB tmpfs gave "disk I/O error" from the -shm, not SQLITE_FULL).
    constexpr qint64 kFullDiskBytes = 256 * 1024;
    if (isPostgresUrl(location))
        return {};
    const QStorageInfo volume(QFileInfo(location).absolutePath());
    if (!volume.isValid() || volume.bytesAvailable() >= kFullDiskBytes)
        return {};
    return QStringLiteral("%1 bytes free on %2")
        .arg(std::max<qint64>(0, volume.bytesAvailable()))
        .arg(volume.rootPath());
}

QString Database::limitClause(int limit, int offset) const
{
    QString out = limit < 0 ? (isPostgres() ? QStringLiteral(" LIMIT ALL") : QStringLiteral(" LIMIT -1"))
                            : QStringLiteral(" LIMIT %1").arg(limit);
    if (offset > 0)
        out += QStringLiteral(" OFFSET %1").arg(offset);
    return out;
}

qint64 Database::totalChanges()
{
    QSqlQuery &q = run(QStringLiteral("SELECT total_changes()"));
    const qint64 n = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return n;
}

void Database::notifyChanged(const QString &what)
{
    if (!isPostgres()) {
        if (totalChanges() == m_changesMark)
            return; // nothing written: nothing to tell
        changesignals::bump(*this, what, processTag());
        if (!m_inTransaction)
            m_changesMark = totalChanges(); // an autocommit write: the next signal needs a new one
        return;
    }
    // "kind pid@host": listeners skip what their own process sent.
    run(QStringLiteral("SELECT pg_notify(?, ?)"),
        {QString::fromLatin1(kChangeChannel), QString(what + QLatin1Char(' ') + processTag())});
}

QString Database::processTag()
{
    return sd::processTag();
}

QString Database::changeFromOtherProcess(const QVariant &payload)
{
    const QString text = payload.toString();
    const qsizetype space = text.indexOf(QLatin1Char(' '));
    if (space < 0)
        return text;
    return text.mid(space + 1) == processTag() ? QString() : text.left(space);
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
        throw StoreError(errorText(e));
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
            throw StoreError(errorText(e) + QStringLiteral(" in: ") + sql.simplified());
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
        throw StoreError(errorText(e));
    }
    return q;
}

Transaction::Transaction(Database &db, Mode mode)
    : m_db(db)
{
    m_db.finishAll();
    if (!m_db.isPostgres()) {
        // Read-only: a deferred transaction, so reads in one work and the first write fails as SQLite says
        // (SQLITE_READONLY, which storeFailure() words).
        m_db.exec(m_db.isReadOnly() ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE"));
        m_db.m_inTransaction = true;
        m_db.m_changesMark = m_db.totalChanges();
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
        end();
    }
}

void Transaction::commit()
{
    m_db.exec(QStringLiteral("COMMIT"));
    m_done = true;
    end();
}

void Transaction::end()
{
    if (m_db.isPostgres())
        return;
    m_db.m_inTransaction = false;
    try {
        m_db.m_changesMark = m_db.totalChanges(); // what this transaction wrote is told already (or undone)
    } catch (const StoreError &) {
        m_db.m_changesMark = -1; // the next signal goes out rather than be lost
    }
}

} // namespace sd
