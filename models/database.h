#pragma once

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <memory>
#include <stdexcept>

namespace sd {

// Thrown by the store on an SQL failure; the services catch it, roll back and report the text.
class StoreError : public std::runtime_error
{
public:
    explicit StoreError(const QString &message)
        : std::runtime_error(message.toStdString())
        , m_message(message)
    {}
    QString message() const { return m_message; }

private:
    QString m_message;
};

// One named connection: an SQLite file (QSQLITE, the embedded default) or a PostgreSQL database (QPSQL, team
// mode), opened with the safety checks, forward migrations and a cache of prepared statements. Each thread
// that touches the database owns its own Database. The few places where the two dialects differ are the
// members below and the DDL translation in migrations.cpp; repositories ask, they never test the driver.
class Database final
{
public:
    // The length of the migration list in migrations.cpp, so appending a migration is the only edit.
    static const int kSchemaVersion;
    enum class Backend
    {
        Sqlite,
        Postgres
    };

    // `location` is a file path or a postgresql://user:password@host:port/dbname URL. Returns nullptr and
    // sets *error (one sentence, never the password) when it cannot be opened, is corrupt, not ours or from a
    // newer schema, or the disk is full ("the disk is full", never "corrupt"); in those cases nothing is
    // written. An SQLite file that cannot be written (its mode, or a read-only file system) is opened for
    // reading only, with a warning: listings and reports work, every change fails with one sentence.
    static std::unique_ptr<Database> open(const QString &location, QString *error);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // --db wins, then STATUSDESK_DB, then the per-user default under AppDataLocation.
    static QString resolvePath(const QString &commandLinePath);
    static QString defaultPath();
    static bool isPostgresUrl(const QString &location);
    // For an SQLite location on a (nearly) full file system, "N bytes free on /mount"; empty otherwise. An
    // I/O error there is the full disk speaking, not damage to the file.
    static QString fullVolume(const QString &location);
    // The location as it may be shown: a URL's password becomes ***.
    static QString redacted(const QString &location);

    QString path() const { return m_path; } // as given (may hold a password: never show it, use displayName)
    QString displayName() const { return redacted(m_path); }
    Backend backend() const { return m_backend; }
    // One-sentence notices from opening (such as file permissions tightened), for the command line to print;
    // also recorded as operator notices.
    QStringList warnings() const { return m_warnings; }
    bool isPostgres() const { return m_backend == Backend::Postgres; }
    bool isReadOnly() const { return m_readOnly; }
    // What a write on a read-only database fails with (storeFailure() turns it into one sentence).
    static constexpr const char *kReadOnlyError = "attempt to write a readonly database";
    QSqlDatabase connection() const { return QSqlDatabase::database(m_name, false); }

    // Dialect: "LIMIT n OFFSET m" where n < 0 means no limit.
    QString limitClause(int limit, int offset = 0) const;
    // Tells every listening process that the shared data changed: PostgreSQL NOTIFY, sent on commit; on SQLite
    // a bump of this process's row in change_signals (models/changesignals.h), only when this connection
    // wrote something since its transaction began, so a read-only service call tells nobody.
    void notifyChanged(const QString &what);
    // A notification's kind ("data", "deliveries"), or empty when this process sent it (it already knows).
    static QString changeFromOtherProcess(const QVariant &payload);
    static constexpr const char *kChangeChannel = "statusdesk_changes";
    // This process as notifications and change signals name it ("pid@host").
    static QString processTag();

    // A prepared statement for `sql`, prepared once per connection and reused.
    QSqlQuery &prepared(const QString &sql);
    // Runs a statement with positional bindings; throws StoreError on failure.
    QSqlQuery &run(const QString &sql, const QVariantList &binds = {});
    void exec(const QString &sql); // unprepared, for pragmas and DDL
    // Resets every cached statement. A statement left mid-result keeps an old WAL read snapshot open, so a
    // long-running process must call this between units of work or it reads stale data and its next
    // BEGIN IMMEDIATE fails with SQLITE_BUSY once another connection has written.
    void finishAll();

    int schemaVersion();
    // Moves when subscribers may have changed through another connection (SQLite: any other connection's
    // commit; PostgreSQL: any write to subscribers), so a cache of them knows when to reload.
    qint64 subscribersVersion();

private:
    Database(QString path, QString name, Backend backend);
    static std::unique_ptr<Database> openSqlite(const QString &path, QString *error);
    static std::unique_ptr<Database> openPostgres(const QString &url, QString *error);
    bool migrate(QString *error);
    void runMigration(int fromVersion);
    void reconnectIfLost(const QSqlError &error);
    // The first line of a driver's error (PostgreSQL's run over several), for one-sentence messages.
    static QString errorText(const QSqlError &e);
    qint64 totalChanges(); // SQLite: rows this connection has written since it opened
    friend class Transaction;

    QString m_path;
    QString m_name;
    Backend m_backend = Backend::Sqlite;
    QHash<QString, QSqlQuery> m_statements;
    QStringList m_warnings;
    qint64 m_changesMark = -1; // SQLite: totalChanges() when the transaction began or the last signal went
    bool m_inTransaction = false;
    bool m_readOnly = false;
};

// One write transaction, rolled back unless commit() is reached.
// Exclusive (the operator's changes): one writer at a time, as SQLite's BEGIN IMMEDIATE gives (on PostgreSQL
// a transaction-scoped advisory lock), so a read-modify-write never loses another desk's change and two
// connections never deadlock upgrading a read to a write.
// Concurrent (the delivery journal on PostgreSQL): row locks only (claims use FOR UPDATE SKIP LOCKED), so
// several engines record and claim at once; on SQLite it is the same as Exclusive.
class Transaction final
{
public:
    enum class Mode
    {
        Exclusive,
        Concurrent
    };
    explicit Transaction(Database &db, Mode mode = Mode::Exclusive);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

private:
    void end();
    Database &m_db;
    bool m_done = false;
};

// Timestamps are stored as UTC milliseconds since the epoch; NULL means unset.
QVariant toDb(const QDateTime &t);
QDateTime dateFromDb(const QVariant &v);
QVariant toDb(const QString &s); // empty string stays empty, never NULL
QVariant nullIfEmpty(const QString &s);

} // namespace sd
