// Opening a database: an SQLite file or a PostgreSQL URL is checked before anything is written (not ours,
// corrupt, from a newer schema, the disk full: refused with one sentence and left untouched; read-only: opened
// for reading only), then prepared and migrated (migrations.cpp). The dialect layer the repositories use is database.cpp.
#include "models/database.h"
#include "models/databasefiles.h"
#include "models/filemodes.h"

#include <QAtomicInteger>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QStorageInfo>
#include <QUrl>
#include <QUrlQuery>

namespace sd {
namespace {

QAtomicInteger<int> g_connectionCounter;

// SQLite's words for a file that is damaged or not a database (SQLITE_CORRUPT, SQLITE_NOTADB); anything
// else that fails while reading (an I/O error, a full disk) says nothing about the file's contents.
bool isCorruption(const QString &text)
{
    return text.contains(QLatin1String("malformed"), Qt::CaseInsensitive) ||
           text.contains(QLatin1String("not a database"), Qt::CaseInsensitive) ||
           text.contains(QLatin1String("corrupt"), Qt::CaseInsensitive);
}

// "the disk is full: ..." when the file system holding `path` is (nearly) full; empty otherwise.
QString diskFull(const QString &path)
{
    const QString free = Database::fullVolume(path);
    if (free.isEmpty())
        return {};
    return QStringLiteral("the disk is full: cannot open database %1 (%2); nothing was written. Free some "
                          "space and try again; the file itself is not damaged")
        .arg(path, free);
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

std::unique_ptr<Database> Database::open(const QString &location, QString *error)
{
    if (location.trimmed().isEmpty()) {
        *error = QStringLiteral("the database location is empty; give a file path or a postgresql:// URL");
        return nullptr;
    }
    if (isPostgresUrl(location))
        return openPostgres(location, error);
    auto database = openSqlite(location, error);
    // SQLITE_FULL, or an I/O error with no room left (the -shm, the WAL, a migration), is a full disk, not a
    // damaged file: an operator told "corrupt" may delete or restore a healthy one.
    if (!database && !error->startsWith(QLatin1String("the disk is full"))) {
        if (const QString full = diskFull(location);
            !full.isEmpty() && (error->contains(QLatin1String("disk is full")) ||
                                error->contains(QLatin1String("I/O error")) ||
                                error->contains(QLatin1String("cannot prepare")) ||
                                error->contains(QLatin1String("cannot read its schema version")) ||
                                error->startsWith(QLatin1String("cannot open database"))))
            *error = full;
        else if (error->contains(QLatin1String("database or disk is full")))
            *error = QStringLiteral("the disk is full: cannot open database %1 (database or disk is full); "
                                    "nothing was written")
                         .arg(location);
    }
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
                     .arg(shown, errorText(db.lastError()));
        return nullptr;
    }
    // SQLite's busy timeout, in PostgreSQL's words: a write that waits for another desk's lock longer than
    // this fails (and is retried, or reported) instead of hanging a console or an engine.
    QSqlQuery timeout(db);
    if (!timeout.exec(QStringLiteral("SET lock_timeout = '10s'"))) {
        *error = QStringLiteral("cannot prepare PostgreSQL database %1: %2")
                     .arg(shown, errorText(timeout.lastError()));
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
    bool readOnly = false;
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
        // change. It is opened for reading only (listings, reports); every change fails with one sentence.
        if (!info.isWritable() || !(info.permissions() & QFileDevice::WriteOwner) ||
            QStorageInfo(info.absolutePath()).isReadOnly())
            readOnly = true;
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
        if (readOnly) {
            // mode=ro; in a folder we cannot write either, SQLite could not make the -shm a WAL reader needs,
            // so the file is read as immutable (nobody can be changing it there either).
            const bool folderWritable = QFileInfo(info.absolutePath()).isWritable() &&
                                        !QStorageInfo(info.absolutePath()).isReadOnly();
            QUrl uri = QUrl::fromLocalFile(info.absoluteFilePath());
            uri.setQuery(folderWritable ? QStringLiteral("mode=ro") : QStringLiteral("mode=ro&immutable=1"));
            db.setDatabaseName(uri.toString(QUrl::FullyEncoded));
            db.setConnectOptions(
                QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000;QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"));
        } else {
            db.setDatabaseName(path);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        }
    }
    std::unique_ptr<Database> database(new Database(path, name, Backend::Sqlite));
    database->m_readOnly = readOnly;
    QSqlDatabase db = database->connection();
    if (!db.open()) {
        *error = QStringLiteral("cannot open database %1: %2").arg(path, errorText(db.lastError()));
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
        const QString why =
            check.lastError().isValid() ? errorText(check.lastError()) : check.value(0).toString();
        // quick_check's own findings, or SQLite's corruption codes, are corruption; an I/O error is not.
        if (!check.lastError().isValid() || isCorruption(why))
            *error = QStringLiteral("database file %1 is corrupt (%2); it was not modified").arg(path, why);
        else
            *error = QStringLiteral("cannot read database file %1 (%2); it was not modified. This is not "
                                    "known to be damage to the file: check the disk it is on")
                         .arg(path, why);
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

    if (readOnly) {
        if (version < kSchemaVersion) {
            *error = QStringLiteral("database file %1 is read-only and from an older StatusDesk (schema version "
                                    "%2, this one needs %3); make it writable once so it can be upgraded")
                         .arg(path)
                         .arg(version)
                         .arg(kSchemaVersion);
            return nullptr;
        }
        try {
            database->exec(QStringLiteral("PRAGMA foreign_keys=ON"));
            database->exec(QStringLiteral("PRAGMA cache_size=-16384"));
        } catch (const StoreError &e) {
            *error = QStringLiteral("cannot prepare database %1: %2").arg(path, e.message());
            return nullptr;
        }
        database->m_warnings << QStringLiteral("database file %1 is read-only: opened for reading only "
                                               "(listings and reports work; changes are refused)")
                                    .arg(path);
        DatabaseFiles::opened(name, path);
        return database;
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

} // namespace sd
