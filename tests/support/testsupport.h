#pragma once

#include "app/services/servicecontext.h"
#include "models/store.h"

#include <QByteArray>
#include <QProcess>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <memory>

namespace sd::test {

// One test body, two backends. By default a fresh SQLite file in a temporary folder; when
// STATUSDESK_TEST_PG_URL_FILE names a file holding an admin URL (the "_pg" ctest variants, whose fixture
// starts a throw-away cluster), a fresh PostgreSQL database created for this object and dropped by its
// destructor. Either way it is opened through the real Store, and path() is what the CLI and
// DeliveryController are given.
class TempDatabase final
{
public:
    enum class Open
    {
        Now,
        Later
    }; // Later: nothing created yet (SQLite) / an empty database (PostgreSQL)
    explicit TempDatabase(Open open = Open::Now);
    ~TempDatabase();
    TempDatabase(const TempDatabase &) = delete;
    TempDatabase &operator=(const TempDatabase &) = delete;

    // The SQLite file path, or the postgresql://user:password@host:port/sd_... URL.
    QString path() const { return m_path; }
    bool isPostgres() const { return !m_pgName.isEmpty(); }
    Store &store() { return *m_store; }
    ServiceContext context() { return ServiceContext{*m_store}; }
    void reopen(); // close and open again (e.g. after another process wrote)
    void close() { m_store.reset(); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QString m_pgName; // the database's name on the cluster; empty on SQLite
    std::unique_ptr<Store> m_store;
};

// True when this run's TempDatabases live on PostgreSQL (STATUSDESK_TEST_PG_URL_FILE is set).
bool usingPostgres();
// "SQLite" or "PostgreSQL", for messages.
QString backendName();
// The cluster's admin URL (role with CREATEDB, database "postgres"); qFatal when usingPostgres() is false or
// the file is missing.
QString postgresAdminUrl();
// `url` with its password replaced (e.g. to check that a wrong one is refused).
QString withPassword(const QString &url, const QString &password);

// A connection of the test's own (not through the store) to a SQLite path or a postgresql:// URL, registered
// under `connectionName` and opened; check isOpen(). Close it and call QSqlDatabase::removeDatabase when
// done.
QSqlDatabase openConnection(const QString &location, const QString &connectionName);

// Reads `statusdesk-cli serve`'s output until it says "listening on URL" (kept in *output); the URL, or empty
// when the process stopped or said nothing within 30 s.
QString waitForServeUrl(QProcess &process, QByteArray *output);

// One run of the real statusdesk-cli with `args` (and `env`, default this process's), waited for up to a minute
// with the event loop running.
struct CliRun
{
    int code = -1; // -1: it did not finish
    QString out;   // stdout and stderr, trimmed
    QString err;
};
CliRun runCli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

QByteArray fixture(const QString &name); // tests/data/<name>
QString fixturePath(const QString &name);
QString cliPath();

} // namespace sd::test
