#include "componentservice.h"
#include "subscriberservice.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace sd;

namespace {
QByteArray digest(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}
} // namespace

class TestStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensWithWalAndCurrentSchema()
    {
        test::TempDatabase db;
        QCOMPARE(db.store().db().schemaVersion(), Database::kSchemaVersion);
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
    }
    void badFilesAreRefusedAndLeftUntouched()
    {
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
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("future.sqlite"));
        {
            QString error;
            auto store = Store::open(path, &error);
            QVERIFY(store);
            store->db().exec(QStringLiteral("PRAGMA user_version=99"));
        }
        const QByteArray before = digest(path);
        QString error;
        QVERIFY(!Store::open(path, &error));
        QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
        QVERIFY(error.contains(QLatin1String("99")));
        QCOMPARE(digest(path), before);
    }

    void foreignSqliteIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("other.sqlite"));
        {
            QSqlDatabase other =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            other.setDatabaseName(path);
            QVERIFY(other.open());
            QSqlQuery(other).exec(QStringLiteral("CREATE TABLE t (x)"));
            other.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        QString error;
        QVERIFY(!Store::open(path, &error));
        QVERIFY2(error.contains(QLatin1String("not a StatusDesk database")), qPrintable(error));
    }

    void readOnlyFileIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ro.sqlite"));
        {
            QString error;
            QVERIFY(Store::open(path, &error));
        }
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadUser);
        const QByteArray before = digest(path);
        QString error;
        QVERIFY(!Store::open(path, &error));
        QVERIFY2(error.contains(QLatin1String("read-only")), qPrintable(error));
        QCOMPARE(digest(path), before);
    }

    void readOnlyFileIsRefusedEvenForRoot()
    {
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
        db.store().db().exec(QStringLiteral("CREATE TEMP TRIGGER fail_midway BEFORE INSERT ON messages WHEN "
                                            "(SELECT count(*) FROM messages) >= 2 "
                                            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"));
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        auto change = components.update(c->id, patch);
        QVERIFY(!change.ok());
        QVERIFY2(change.error().contains(QLatin1String("injected failure")), qPrintable(change.error()));
        QCOMPARE(db.store().components.find(c->id)->status, ComponentStatus::Operational);
        QCOMPARE(db.store().outbox.countsByState().total(), 0);
        QVERIFY(db.store().components.updatesFor(c->id).empty());

        db.store().db().exec(QStringLiteral("DROP TRIGGER fail_midway"));
        change = components.update(c->id, patch);
        QVERIFY(change.ok());
        QCOMPARE(change->messages, 5);
        QCOMPARE(db.store().outbox.countsByState().queued, 5);
        QCOMPARE(db.store().components.find(c->id)->status, ComponentStatus::MajorOutage);
    }

    void schemaTwoUpgradesKeepingEveryBody()
    {
        // Build a version-2 file the way version 2 stored messages (the body inline), then open it.
        test::TempDatabase db;
        auto c = ComponentService(db.context()).add({QStringLiteral("API")});
        for (int i = 0; i < 3; ++i)
            QVERIFY(
                SubscriberService(db.context())
                    .add({QStringLiteral("http://127.0.0.1:9/v2-%1").arg(i), QStringLiteral("a@example.com")})
                    .ok());
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(db.context()).update(c->id, patch).ok());
        QHash<QString, QByteArray> bodies;
        for (const Message &m : db.store().outbox.list({}))
            bodies.insert(m.id, db.store().outbox.find(m.id)->body);
        QCOMPARE(bodies.size(), 3);
        Database &d = db.store().db();
        d.finishAll(); // no cached statement may hold the tables being rebuilt
        d.exec(QStringLiteral("ALTER TABLE messages ADD COLUMN body BLOB NOT NULL DEFAULT x''"));
        d.exec(QStringLiteral(
            "UPDATE messages SET body = (SELECT body FROM message_bodies WHERE message_id = id)"));
        d.exec(QStringLiteral("DROP TABLE message_bodies"));
        d.exec(QStringLiteral("DROP INDEX messages_by_subscriber"));
        d.exec(QStringLiteral("CREATE INDEX messages_by_subscriber ON messages(subscriber_id, state)"));
        d.exec(QStringLiteral("PRAGMA user_version=2"));
        db.reopen();

        QCOMPARE(db.store().db().schemaVersion(), Database::kSchemaVersion);
        for (auto it = bodies.cbegin(); it != bodies.cend(); ++it)
            QCOMPARE(db.store().outbox.find(it.key())->body, it.value());
        QSqlQuery q(db.store().db().connection());
        QVERIFY(q.exec(QStringLiteral(
                    "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'body'")) &&
                q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QCOMPARE(db.store().outbox.countsByState().queued, 3);
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
