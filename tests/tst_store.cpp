#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/healthrepository.h"
#include "tests/support/testsupport.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <optional>

using namespace sd;

namespace {
QByteArray digest(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// Runs one query on a connection of the test's own to `location` and returns the first column of its first
// row (an invalid QVariant on failure).
QVariant queryValue(const QString &location, const QString &sql)
{
    QVariant out;
    {
        QSqlDatabase other = test::openConnection(location, QStringLiteral("probe"));
        if (other.isOpen()) {
            QSqlQuery q(other);
            if (q.exec(sql) && q.next())
                out = q.value(0);
        }
        other.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    return out;
}

// Schema 2 as it shipped (migrations 1 and 2, which are never edited): message bodies inline in `messages`.
const char *const kSchemaTwo = R"SQL(
CREATE TABLE page (id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, time_zone TEXT NOT NULL,
  documentation_url TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE component_groups (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL);
CREATE TABLE components (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL, position INTEGER NOT NULL, showcase INTEGER NOT NULL DEFAULT 1,
  group_id TEXT REFERENCES component_groups(id) ON DELETE SET NULL, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE component_updates (id TEXT PRIMARY KEY, component_id TEXT NOT NULL, old_status TEXT NOT NULL,
  new_status TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE incidents (id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, impact TEXT NOT NULL,
  impact_override TEXT, backfilled INTEGER NOT NULL DEFAULT 0, shortlink TEXT, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, started_at INTEGER, monitoring_at INTEGER, resolved_at INTEGER,
  scheduled_for INTEGER, scheduled_until INTEGER, scheduled_reminded_at INTEGER,
  scheduled_remind_prior INTEGER NOT NULL DEFAULT 0, scheduled_auto_transition INTEGER NOT NULL DEFAULT 0,
  postmortem_body TEXT, postmortem_body_last_updated_at INTEGER, postmortem_published_at INTEGER,
  postmortem_ignored INTEGER NOT NULL DEFAULT 0, postmortem_notified_subscribers INTEGER NOT NULL DEFAULT 0,
  postmortem_notified_twitter INTEGER NOT NULL DEFAULT 0, component_ids TEXT NOT NULL DEFAULT '[]');
CREATE TABLE incident_updates (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incidents(id),
  status TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  display_at INTEGER NOT NULL, twitter_updated_at INTEGER, wants_twitter_update INTEGER NOT NULL DEFAULT 0,
  deliver_notifications INTEGER NOT NULL DEFAULT 1, affected_components TEXT NOT NULL DEFAULT '[]');
CREATE INDEX incident_updates_by_incident ON incident_updates(incident_id, created_at);
CREATE TABLE subscribers (id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, email TEXT NOT NULL,
  component_ids TEXT NOT NULL DEFAULT '[]', secret TEXT, previous_secret TEXT, previous_secret_expires_at INTEGER,
  unsubscribe_token TEXT NOT NULL UNIQUE, state TEXT NOT NULL, created_at INTEGER NOT NULL,
  quarantined_at INTEGER, purge_at INTEGER, unsubscribed_at INTEGER);
CREATE UNIQUE INDEX subscribers_live_endpoint ON subscribers(endpoint) WHERE state != 'unsubscribed';
CREATE TABLE messages (id TEXT PRIMARY KEY, subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
  kind TEXT NOT NULL, subject_id TEXT NOT NULL, subject_name TEXT NOT NULL, event_id TEXT NOT NULL,
  body BLOB NOT NULL, created_at INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER, updated_at INTEGER NOT NULL, last_http_status INTEGER NOT NULL DEFAULT 0,
  last_error_class TEXT, last_error TEXT, last_duration_ms INTEGER, next_trigger TEXT NOT NULL DEFAULT 'automatic');
CREATE INDEX messages_due ON messages(state, next_attempt_at);
CREATE INDEX messages_by_subscriber ON messages(subscriber_id, state);
CREATE INDEX messages_by_time ON messages(created_at);
CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL REFERENCES messages(id),
  subscriber_id TEXT NOT NULL, endpoint TEXT NOT NULL, attempt_number INTEGER NOT NULL, trigger TEXT NOT NULL,
  started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
  http_status INTEGER NOT NULL, error_class TEXT, error_text TEXT, request_headers BLOB, response_headers BLOB,
  response_body BLOB, next_attempt_at INTEGER);
CREATE INDEX attempts_by_message ON attempts(message_id, attempt_number);
CREATE INDEX attempts_by_subscriber_time ON attempts(subscriber_id, started_at);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE notices (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, subscriber_id TEXT,
  kind TEXT NOT NULL, text TEXT NOT NULL, acknowledged INTEGER NOT NULL DEFAULT 0);
CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL, revoked_at INTEGER);
)SQL";

// A file as schema 2 left it, for the upgrade tests: the DDL applied on a connection of its own, which the
// test fills through query(); finish() stamps user_version 2, and the connection is gone with the object, so
// Store::open then upgrades the file.
class SchemaTwoFile final
{
public:
    explicit SchemaTwoFile(const QString &path)
        : m_name(QStringLiteral("v2-%1").arg(++s_count))
    {
        QSqlDatabase db = test::openConnection(path, m_name);
        if (!db.isOpen())
            return;
        m_query.emplace(db);
        for (const QString &statement : QString::fromUtf8(kSchemaTwo).split(QLatin1Char(';'))) {
            if (!statement.trimmed().isEmpty() && !m_query->exec(statement)) {
                qWarning("%s: %s", qPrintable(m_query->lastError().text()), qPrintable(statement));
                m_query.reset();
                return;
            }
        }
    }
    ~SchemaTwoFile()
    {
        m_query.reset();
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    SchemaTwoFile(const SchemaTwoFile &) = delete;
    SchemaTwoFile &operator=(const SchemaTwoFile &) = delete;

    bool isOpen() const { return m_query.has_value(); }
    QSqlQuery &query() { return *m_query; }
    bool finish() { return m_query->exec(QStringLiteral("PRAGMA user_version=2")); }

private:
    static inline int s_count = 0;
    QString m_name;
    std::optional<QSqlQuery> m_query;
};
} // namespace

class TestStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensWithWalAndCurrentSchema()
    {
        test::TempDatabase db;
        QCOMPARE(db.store().db().schemaVersion(), Database::kSchemaVersion);
        QCOMPARE(db.store().db().isPostgres(), db.isPostgres());
        if (db.isPostgres()) {
            QVERIFY(db.store().db().backend() == Database::Backend::Postgres);
            QCOMPARE(db.store().db().connection().driverName(), QStringLiteral("QPSQL"));
            return; // journal_mode is SQLite's
        }
        QVERIFY(db.store().db().backend() == Database::Backend::Sqlite);
        QSqlQuery q(db.store().db().connection());
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
    }

    void pathResolution()
    {
        qputenv("STATUSDESK_DB", "/tmp/from-env.sqlite");
        QCOMPARE(Database::resolvePath(QStringLiteral("/tmp/from-flag.sqlite")),
                 QStringLiteral("/tmp/from-flag.sqlite"));
        QCOMPARE(Database::resolvePath(QString()), QStringLiteral("/tmp/from-env.sqlite"));
        qunsetenv("STATUSDESK_DB");
        QVERIFY(Database::resolvePath(QString()).endsWith(QLatin1String("statusdesk.sqlite")));
        const QString url = QStringLiteral("postgresql://desk:s3cret@127.0.0.1:5432/statusdesk");
        QCOMPARE(Database::resolvePath(url), url);
        QVERIFY(Database::isPostgresUrl(url));
        QVERIFY(!Database::isPostgresUrl(QStringLiteral("/tmp/from-flag.sqlite")));
        QVERIFY(!Database::isPostgresUrl(QStringLiteral("statusdesk.sqlite")));
        QVERIFY(!Database::redacted(url).contains(QLatin1String("s3cret")));
        QCOMPARE(Database::redacted(QStringLiteral("/tmp/a.sqlite")), QStringLiteral("/tmp/a.sqlite"));
    }

    void dataSurvivesReopen()
    {
        test::TempDatabase db;
        auto c = ComponentService(db.context()).add({QStringLiteral("API")});
        QVERIFY(c.ok());
        db.reopen();
        QCOMPARE(db.store().components.find(c->id)->name, QStringLiteral("API"));
    }

    void badFilesAreRefusedAndLeftUntouched_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not sqlite") << QByteArray("hello, this is not a database at all") << "corrupt";
        QByteArray truncatedHeader("SQLite format 3\0", 16);
        truncatedHeader += QByteArray(5000, '\x7f');
        QTest::newRow("garbage after header") << truncatedHeader << "corrupt";
        // Past 64 MB only the header and schema are checked on open (quick_check would read every page).
        QByteArray large("SQLite format 3\0", 16);
        large += QByteArray(65 * 1024 * 1024, '\x7f');
        QTest::newRow("large, garbage after header") << large << "corrupt";
        QTest::newRow("large, not sqlite") << QByteArray(65 * 1024 * 1024, 'x') << "corrupt";
    }
    void badFilesAreRefusedAndLeftUntouched()
    {
        if (test::usingPostgres())
            QSKIP("SQLite file check");
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.sqlite"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        const QByteArray before = digest(path);
        QString error;
        QVERIFY(!Store::open(path, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("not modified")), qPrintable(error));
        QCOMPARE(digest(path), before);
    }

    void newerSchemaIsRefused()
    {
        test::TempDatabase db;
        // Where each backend keeps the schema version: SQLite's header, a table of ours on PostgreSQL.
        const QString version = db.isPostgres() ? QStringLiteral("SELECT version FROM statusdesk_schema")
                                                : QStringLiteral("PRAGMA user_version");
        db.store().db().exec(db.isPostgres() ? QStringLiteral("UPDATE statusdesk_schema SET version = 99")
                                             : QStringLiteral("PRAGMA user_version=99"));
        db.close();
        const QByteArray before = db.isPostgres() ? QByteArray() : digest(db.path());
        QString error;
        QVERIFY(!Store::open(db.path(), &error));
        QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
        QVERIFY(error.contains(QLatin1String("99")));
        if (!db.isPostgres())
            QCOMPARE(digest(db.path()), before);
        QCOMPARE(queryValue(db.path(), version).toInt(), 99);
    }

    // A database that holds someone else's tables is refused, and nothing is added to it.
    void foreignDatabaseIsRefused()
    {
        test::TempDatabase db(test::TempDatabase::Open::Later);
        auto tableCount = [&] {
            const QVariant n = queryValue(
                db.path(), db.isPostgres() ? QStringLiteral("SELECT count(*) FROM pg_catalog.pg_tables WHERE "
                                                            "schemaname = 'public'")
                                           : QStringLiteral("SELECT count(*) FROM sqlite_master"));
            return n.isValid() ? n.toInt() : -1;
        };
        {
            QSqlDatabase other = test::openConnection(db.path(), QStringLiteral("other"));
            QVERIFY2(other.isOpen(), qPrintable(other.lastError().text()));
            QVERIFY(QSqlQuery(other).exec(QStringLiteral("CREATE TABLE t (x INTEGER)")));
            other.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        QCOMPARE(tableCount(), 1);
        QString error;
        QVERIFY(!Store::open(db.path(), &error));
        // SQLite: "... not a StatusDesk database; it was not modified"; PostgreSQL: "... already holds tables
        // that are not StatusDesk's; it was not modified".
        QVERIFY2(error.contains(QLatin1String("not a StatusDesk database")) ||
                     error.contains(QLatin1String("not StatusDesk's")),
                 qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("not modified")), qPrintable(error));
        QCOMPARE(tableCount(), 1);
    }

    // Issue 21 item 6: a read-only database could not even be listed ("read-only; StatusDesk needs to write
    // to it"). It opens for reading, says so, and refuses every change with one sentence, the file untouched.
    void readOnlyFileOpensReadOnly()
    {
        if (test::usingPostgres())
            QSKIP("SQLite file check");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ro.sqlite"));
        {
            QString error;
            auto store = Store::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            QVERIFY(ComponentService(ServiceContext{*store}).add({QStringLiteral("API")}).ok());
        }
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadUser);
        const QByteArray before = digest(path);
        QString error;
        auto store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY(store->db().isReadOnly());
        QCOMPARE(store->db().warnings().size(), 1);
        QVERIFY2(store->db().warnings().first().contains(QLatin1String("opened for reading only")),
                 qPrintable(store->db().warnings().first()));
        QCOMPARE(store->components.all().size(), size_t(1)); // listing works
        auto refused = ComponentService(ServiceContext{*store}).add({QStringLiteral("Web")});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error(),
                 QStringLiteral("the database is read-only here (its file or folder cannot be "
                                "written); nothing was changed"));
        store.reset();
        QCOMPARE(digest(path), before);
    }

    void readOnlyFileIsRefusedEvenForRoot()
    {
        if (test::usingPostgres())
            QSKIP("SQLite file check");
        // chattr-free check that works as root: a file on a read-only path (a directory we cannot create).
        QString error;
        QVERIFY(!Store::open(QStringLiteral("/proc/statusdesk/nope.sqlite"), &error));
        QVERIFY(!error.isEmpty());
    }

    // The outbox: a change and its messages commit together. A trigger makes the third message insert
    // fail; neither the status change nor any message may remain.
    void changeAndMessagesCommitTogether()
    {
        test::TempDatabase db;
        ComponentService components(db.context());
        SubscriberService subscribers(db.context());
        auto c = components.add({QStringLiteral("API")});
        for (int i = 0; i < 5; ++i)
            QVERIFY(
                subscribers
                    .add({QStringLiteral("http://127.0.0.1:9/%1").arg(i), QStringLiteral("a@example.com")})
                    .ok());
        if (db.isPostgres()) {
            // The database is this test's alone, so a plain (not temporary) trigger affects nobody else.
            db.store().db().exec(QStringLiteral(
                "CREATE FUNCTION sd_test_fail_midway() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF (SELECT count(*) FROM messages) >= 2 THEN RAISE EXCEPTION 'injected failure'; END IF; "
                "RETURN NEW; END $$"));
            db.store().db().exec(
                QStringLiteral("CREATE TRIGGER fail_midway BEFORE INSERT ON messages FOR EACH "
                               "ROW EXECUTE FUNCTION sd_test_fail_midway()"));
        } else {
            db.store().db().exec(
                QStringLiteral("CREATE TEMP TRIGGER fail_midway BEFORE INSERT ON messages WHEN "
                               "(SELECT count(*) FROM messages) >= 2 "
                               "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"));
        }
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        auto change = components.update(c->id, patch);
        QVERIFY(!change.ok());
        QVERIFY2(change.error().contains(QLatin1String("injected failure")), qPrintable(change.error()));
        QCOMPARE(db.store().components.find(c->id)->status, ComponentStatus::Operational);
        QCOMPARE(db.store().outbox.countsByState().total(), 0);
        QVERIFY(db.store().components.updatesFor(c->id).empty());

        db.store().db().finishAll();
        db.store().db().exec(db.isPostgres() ? QStringLiteral("DROP TRIGGER fail_midway ON messages")
                                             : QStringLiteral("DROP TRIGGER fail_midway"));
        change = components.update(c->id, patch);
        QVERIFY(change.ok());
        QCOMPARE(change->messages, 5);
        QCOMPARE(db.store().outbox.countsByState().queued, 5);
        QCOMPARE(db.store().components.find(c->id)->status, ComponentStatus::MajorOutage);
    }

    // A file written by schema 2 (bodies inline in messages) opens with every body intact in message_bodies.
    void schemaTwoUpgradesKeepingEveryBody()
    {
        if (test::usingPostgres())
            QSKIP("SQLite file check (PostgreSQL databases start at the current schema)");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v2.sqlite"));
        QHash<QString, QByteArray> bodies;
        {
            SchemaTwoFile v2(path);
            QVERIFY(v2.isOpen());
            QSqlQuery &q = v2.query();
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO subscribers (id, endpoint, email, unsubscribe_token, state, created_at) VALUES "
                "('sub000000001', 'http://127.0.0.1:9/v2', 'a@example.com', 'tok', 'active', "
                "1700000000000)")));
            QVERIFY(q.prepare(QStringLiteral("INSERT INTO messages (id, subscriber_id, kind, subject_id, "
                                             "subject_name, event_id, body, created_at, state, updated_at) "
                                             "VALUES (?, 'sub000000001', 'component', 'cmp000000001', 'API', "
                                             "?, ?, ?, 'queued', ?)")));
            for (int i = 0; i < 3; ++i) {
                const QString id = QStringLiteral("msg_v2body%1").arg(i);
                const QByteArray body = QByteArrayLiteral("{\"n\": ") + QByteArray::number(i) +
                                        QByteArrayLiteral(", \"name\": \"Caf\xc3\xa9\"}");
                bodies.insert(id, body);
                q.addBindValue(id);
                q.addBindValue(QStringLiteral("evt%1").arg(i));
                q.addBindValue(body);
                q.addBindValue(1700000000000LL + i);
                q.addBindValue(1700000000000LL + i);
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
            QVERIFY(v2.finish());
        }

        QString error;
        auto store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->db().schemaVersion(), Database::kSchemaVersion);
        for (auto it = bodies.cbegin(); it != bodies.cend(); ++it)
            QCOMPARE(store->outbox.find(it.key())->body, it.value());
        {
            QSqlQuery q(store->db().connection());
            QVERIFY(q.exec(QStringLiteral(
                        "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'body'")) &&
                    q.next());
            QCOMPARE(q.value(0).toInt(), 0);
        }
        QCOMPARE(store->outbox.countsByState().queued, 3);
    }

    // v9 backfills endpoint health from the attempts already stored, bucket by bucket with the journal's own
    // bounds (its SQL is written out from them): each duration lands where LatencyHistogram::bucketOf puts
    // it, the edges included; emails never count.
    void schemaNineBackfillsHealthInTheJournalsBuckets()
    {
        if (test::usingPostgres())
            QSKIP("SQLite file check (PostgreSQL databases start at the current schema)");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v2.sqlite"));
        const QList<qint64> durations{0, 1, 2, 3, 4, 5, 6, 7, 45, 46, 1024, 1025, 65536, 65537, 400000};
        {
            SchemaTwoFile v2(path);
            QVERIFY(v2.isOpen());
            QSqlQuery &q = v2.query();
            QVERIFY(q.prepare(QStringLiteral(
                "INSERT INTO attempts (message_id, subscriber_id, endpoint, attempt_number, trigger, "
                "started_at, "
                "ended_at, duration_ms, http_status) VALUES ('msg1', 'sub000000001', ?, 1, 'automatic', "
                "1700000000000, 1700000000000, ?, 200)")));
            for (qint64 ms : durations) {
                q.addBindValue(QStringLiteral("http://127.0.0.1:9/v2"));
                q.addBindValue(ms);
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
            q.addBindValue(QStringLiteral("mailto:a@example.com"));
            q.addBindValue(3);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            QVERIFY(v2.finish());
        }

        QString error;
        auto store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        HealthRepository repository(store->db());
        const auto health = repository.find(QStringLiteral("sub000000001"), QDateTime::currentDateTimeUtc());
        QVERIFY(health);
        LatencyHistogram expected;
        for (qint64 ms : durations)
            ++expected.counts[static_cast<size_t>(LatencyHistogram::bucketOf(ms))];
        QCOMPARE(health->lifetime.attempts, qint64(durations.size()));
        QCOMPARE(health->lifetime.latency.counts, expected.counts);
        QVERIFY(expected.counts.front() == 2 && expected.counts.back() == 2); // 0 and 1 ms; past 65536 ms
    }

    // Endpoints stored before they were normalised get their one spelling on upgrade, so a new spelling of
    // the same receiver is refused as a duplicate; where two live rows would become one, the later keeps its
    // spelling and nothing is lost.
    void upgradeNormalizesStoredEndpoints()
    {
        if (test::usingPostgres())
            QSKIP("SQLite file check (PostgreSQL databases start at the current schema)");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v2.sqlite"));
        {
            SchemaTwoFile v2(path);
            QVERIFY(v2.isOpen());
            QSqlQuery &q = v2.query();
            QVERIFY(q.prepare(QStringLiteral(
                "INSERT INTO subscribers (id, endpoint, email, unsubscribe_token, state, created_at) VALUES "
                "(?, ?, '', ?, 'active', 1700000000000)")));
            const QStringList rows{QStringLiteral("HTTP://Hooks.Example.COM:80/in#top"),
                                   QStringLiteral("http://example.net/x"),
                                   QStringLiteral("HTTP://example.net:80/x")};
            for (int i = 0; i < rows.size(); ++i) {
                q.addBindValue(QStringLiteral("sub00000000%1").arg(i));
                q.addBindValue(rows.at(i));
                q.addBindValue(QStringLiteral("tok%1").arg(i));
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
            QVERIFY(v2.finish());
        }

        QString error;
        auto store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->subscribers.find(QStringLiteral("sub000000000"))->endpoint,
                 QStringLiteral("http://hooks.example.com/in"));
        QCOMPARE(store->subscribers.find(QStringLiteral("sub000000001"))->endpoint,
                 QStringLiteral("http://example.net/x"));
        QCOMPARE(store->subscribers.find(QStringLiteral("sub000000002"))->endpoint,
                 QStringLiteral("HTTP://example.net:80/x"));
        QVERIFY(store->subscribers.findLiveByEndpoint(QStringLiteral("http://hooks.example.com/in")));
    }

    // Team mode: a wrong password or an unreachable server is refused in one sentence that never shows the
    // password.
    void wrongPasswordIsRefused()
    {
        if (!test::usingPostgres())
            QSKIP("PostgreSQL only");
        test::TempDatabase db(test::TempDatabase::Open::Later);
        const QString wrong = QStringLiteral("not-the-password-4711");
        QString error;
        QVERIFY(!Store::open(test::withPassword(db.path(), wrong), &error));
        QVERIFY(!error.isEmpty());
        QVERIFY2(!error.contains(wrong), qPrintable(error));
        QVERIFY2(!error.contains(QUrl(db.path()).password()), qPrintable(error));
        // The right one still opens it, and the failed attempt left nothing behind.
        db.reopen();
        QCOMPARE(db.store().db().schemaVersion(), Database::kSchemaVersion);
    }

    void unreachableServerIsRefused()
    {
        if (!test::usingPostgres())
            QSKIP("PostgreSQL only");
        QTcpServer probe; // a loopback port nobody listens on
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        QUrl url(test::postgresAdminUrl());
        url.setPort(port);
        QElapsedTimer clock;
        clock.start();
        QString error;
        QVERIFY(!Store::open(url.toString(), &error));
        QVERIFY(!error.isEmpty());
        QVERIFY2(!error.contains(url.password()), qPrintable(error));
        QVERIFY2(clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
    }

    void messageIdsAreStableAndBodiesFixed()
    {
        test::TempDatabase db;
        auto c = ComponentService(db.context()).add({QStringLiteral("API")});
        QVERIFY(SubscriberService(db.context())
                    .add({QStringLiteral("http://127.0.0.1:9/x"), QStringLiteral("a@example.com")})
                    .ok());
        ComponentPatch patch;
        patch.status = ComponentStatus::DegradedPerformance;
        QVERIFY(ComponentService(db.context()).update(c->id, patch).ok());
        const auto before = db.store().outbox.list({});
        QCOMPARE(before.size(), size_t(1));
        const QByteArray body = db.store().outbox.find(before.front().id)->body;
        // Later changes to the page do not rewrite a queued body.
        patch.status = ComponentStatus::Operational;
        patch.name = QStringLiteral("Renamed");
        QVERIFY(ComponentService(db.context()).update(c->id, patch).ok());
        db.reopen();
        QCOMPARE(db.store().outbox.find(before.front().id)->body, body);
        QVERIFY(before.front().id.startsWith(QLatin1String("msg_")));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
