#pragma once

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <memory>
#include <stdexcept>

namespace sd {

// Thrown by the store on an SQL failure; the services catch it, roll back and report the text.
class StoreError : public std::runtime_error
{
public:
    explicit StoreError(const QString &message) : std::runtime_error(message.toStdString()), m_message(message) {}
    QString message() const { return m_message; }

private:
    QString m_message;
};

// One named QSQLITE connection: opening with the safety checks, WAL, forward migrations and a cache of
// prepared statements. Each thread that touches the database owns its own Database.
class Database final
{
public:
    static constexpr int kSchemaVersion = 3;

    // Returns nullptr and sets *error when the file is corrupt, read-only, not ours or from a newer schema;
    // in those cases the file is left exactly as it was.
    static std::unique_ptr<Database> open(const QString &path, QString *error);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // --db wins, then STATUSDESK_DB, then the per-user default under AppDataLocation.
    static QString resolvePath(const QString &commandLinePath);
    static QString defaultPath();

    QString path() const { return m_path; }
    QSqlDatabase connection() const { return QSqlDatabase::database(m_name, false); }

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

private:
    Database(QString path, QString name);
    bool migrate(QString *error);

    QString m_path;
    QString m_name;
    QHash<QString, QSqlQuery> m_statements;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() is reached. IMMEDIATE takes the write lock up
// front so two connections never deadlock upgrading a read to a write.
class Transaction final
{
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

private:
    Database &m_db;
    bool m_done = false;
};

// Timestamps are stored as UTC milliseconds since the epoch; NULL means unset.
QVariant toDb(const QDateTime &t);
QDateTime dateFromDb(const QVariant &v);
QVariant toDb(const QString &s); // empty string stays empty, never NULL
QVariant nullIfEmpty(const QString &s);

} // namespace sd
