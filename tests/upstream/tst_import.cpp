#include "app/api/apikeystore.h"
#include "app/services/subscriberservice.h"
#include "models/upstreamrepository.h"
#include "tests/upstream/upstreamtestsupport.h"

#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <algorithm>

using namespace sd;

namespace {

// A page on Statuspage's side: a store of its own with groups, 20 components, 50 incidents with updates and
// 200 webhook subscribers (some filtered to components, some quarantined), served by `statusdesk-cli serve`,
// which speaks Statuspage's management API v1, with an API key.
struct SourcePage
{
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("source.sqlite"));
    std::unique_ptr<Store> store;
    QString key;
    QStringList components;
    std::unique_ptr<test::CliServe> serve;
    QString api; // http://127.0.0.1:PORT/v1
    QString pageId;

    SourcePage()
    {
        QString error;
        store = Store::open(path, &error);
        if (!store)
            qFatal("%s", qPrintable(error));
        ServiceContext ctx{*store};
        ctx.actor = QStringLiteral("alice@source-desk");
        PagePatch page;
        page.name = QStringLiteral("Acme Status");
        page.timeZone = QStringLiteral("America/Denver");
        page.url = QStringLiteral("https://status.acme.example/");
        if (!PageService(ctx).update(page))
            qFatal("page");
        const QStringList groups{QStringLiteral("Core"), QStringLiteral("Edge"), QStringLiteral("Data"),
                                 QString()};
        const ComponentStatus statuses[] = {
            ComponentStatus::Operational, ComponentStatus::DegradedPerformance,
            ComponentStatus::PartialOutage, ComponentStatus::MajorOutage, ComponentStatus::UnderMaintenance};
        for (int i = 0; i < 20; ++i) {
            NewComponent c;
            c.name = QStringLiteral("Service %1").arg(i + 1, 2, 10, QLatin1Char('0'));
            c.group = groups.at(i % groups.size());
            c.description = i % 3 == 0 ? QStringLiteral("What service %1 does").arg(i + 1) : QString();
            c.status = statuses[i % 5];
            c.showcase = i % 4 != 0;
            auto added = ComponentService(ctx).add(c);
            if (!added)
                qFatal("%s", qPrintable(added.error()));
            components << added->id;
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (int i = 0; i < 50; ++i) {
            NewIncident n;
            n.name = QStringLiteral("Incident %1").arg(i + 1);
            n.body = QStringLiteral("Looking into incident %1.").arg(i + 1);
            n.notify = false;
            if (i % 10 == 9) { // maintenance, scheduled ahead, moved by hand
                n.status = IncidentStatus::Scheduled;
                n.scheduledFor = now.addDays(3 + i);
                n.scheduledUntil = now.addDays(3 + i).addSecs(3600);
            } else {
                n.status = IncidentStatus::Investigating;
                n.components = {{components.at(i % 20), ComponentStatus::PartialOutage}};
            }
            if (i % 7 == 0)
                n.impactOverride = Impact::Critical;
            auto created = IncidentService(ctx).create(n);
            if (!created)
                qFatal("%s", qPrintable(created.error()));
            const QString id = created->incident.id;
            if (i % 10 == 9)
                continue;
            IncidentUpdateInput u;
            u.notify = false;
            u.status = IncidentStatus::Identified;
            u.body = QStringLiteral("Found it (%1).").arg(i + 1);
            IncidentService(ctx).update(id, u);
            if (i % 2 == 0) {
                u.status = IncidentStatus::Resolved;
                u.body = QStringLiteral("Fixed (%1).").arg(i + 1);
                u.components = {{components.at(i % 20), ComponentStatus::Operational}};
                IncidentService(ctx).update(id, u);
            }
        }
        for (int i = 0; i < 200; ++i) {
            NewSubscriber s;
            s.endpoint = QStringLiteral("https://hooks%1.acme.example/status/%2").arg(i % 7).arg(i);
            s.email = QStringLiteral("ops%1@acme.example").arg(i);
            if (i % 5 == 0)
                s.componentIds = {components.at(i % 20), components.at((i + 3) % 20)};
            auto added = SubscriberService(ctx).add(s);
            if (!added)
                qFatal("%s", qPrintable(added.error()));
            if (i % 40 == 1) { // quarantined, as Statuspage lists them
                Subscriber q = added.value();
                q.state = SubscriberState::Quarantined;
                q.quarantinedAt = now.addSecs(-3600);
                q.purgeAt = now.addDays(89);
                store->subscribers.update(q);
            }
        }
        key = api::ApiKeyStore(store->db()).create(QStringLiteral("export"))->secret;
        pageId = store->page.get().id;
        serve = std::make_unique<test::CliServe>(path);
        api = serve->waitForUrl() + QStringLiteral("v1");
    }
};

struct Cli
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Cli cli(const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(test::cliPath(), args);
    p.waitForStarted();
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(120000);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

QJsonValue listing(const QString &db, const QStringList &command)
{
    const Cli c = cli(QStringList{QStringLiteral("--db"), db, QStringLiteral("--json")} + command);
    if (c.code != 0)
        qWarning("%s", c.err.constData());
    return QJsonDocument::fromJson(c.out).isArray() ? QJsonValue(QJsonDocument::fromJson(c.out).array())
                                                    : QJsonValue(QJsonDocument::fromJson(c.out).object());
}

// An array's rows in one order (by their compact JSON text); anything else as it is.
QJsonValue sortedRows(const QJsonValue &v)
{
    if (!v.isArray())
        return v;
    QList<QByteArray> rows;
    for (const QJsonValue &row : v.toArray())
        rows.push_back(QJsonDocument(row.toObject()).toJson(QJsonDocument::Compact));
    std::sort(rows.begin(), rows.end());
    QJsonArray out;
    for (const QByteArray &row : rows)
        out.append(QJsonDocument::fromJson(row).object());
    return out;
}

// Every string that is a source id becomes the local id it was imported as; the operator of an update (not
// part of Statuspage's data: the import records itself) is left out on both sides.
QJsonValue mapped(const QJsonValue &v, const QHash<QString, QString> &ids)
{
    if (v.isString())
        return ids.value(v.toString(), v.toString());
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &x : v.toArray())
            out.append(mapped(x, ids));
        return out;
    }
    if (v.isObject()) {
        QJsonObject out;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key() != QLatin1String("actor") && it.key() != QLatin1String("status_changed_at") &&
                it.key() != QLatin1String("status_changed_by"))
                out.insert(it.key(), mapped(it.value(), ids));
        }
        return out;
    }
    return v;
}

QHash<QString, QString> importMap(test::TempDatabase &db)
{
    QHash<QString, QString> out;
    QSqlQuery &q = db.store().db().run(QStringLiteral("SELECT source_id, local_id FROM import_map"));
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toString());
    db.store().db().finishAll();
    return out;
}

int auditRows(test::TempDatabase &db)
{
    QSqlQuery &q = db.store().db().run(QStringLiteral("SELECT count(*) FROM audit_log"));
    const int n = q.next() ? q.value(0).toInt() : -1;
    db.store().db().finishAll();
    return n;
}

} // namespace

// `statusdesk-cli import statuspage` against a real `statusdesk-cli serve` holding a page (Statuspage's v1
// API, read page by page): the imported store's --json listings equal the source's with ids mapped, twice in
// a row (the second run changes nothing), conflicts are kept unless --replace, and the key is never stored or
// shown.
class TestImport final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qInfo("backend: %s", qPrintable(test::backendName()));
        m_source = std::make_unique<SourcePage>();
        QVERIFY2(m_source->api.startsWith(QLatin1String("http://127.0.0.1:")),
                 m_source->serve->output().constData());
    }
    void cleanupTestCase() { m_source.reset(); }

    void listingsEqualTwiceInARow()
    {
        test::TempDatabase db;
        const QString path = db.path();
        const QStringList import{QStringLiteral("--db"),      path,
                                 QStringLiteral("import"),    QStringLiteral("statuspage"),
                                 QStringLiteral("--page"),    m_source->pageId,
                                 QStringLiteral("--key"),     m_source->key,
                                 QStringLiteral("--api-url"), m_source->api};
        const Cli first = cli(import);
        QVERIFY2(first.code == 0, first.err.constData());
        QVERIFY2(first.out.contains("components: 20 created, 0 updated, 0 unchanged, 0 skipped"),
                 first.out.constData());
        QVERIFY2(first.out.contains("incidents: 50 created"), first.out.constData());
        QVERIFY2(first.out.contains("webhook subscribers: 200 created"), first.out.constData());
        QVERIFY2(first.out.contains("component groups: 3 created"), first.out.constData());
        const QHash<QString, QString> ids = importMap(db);
        QCOMPARE(ids.value(m_source->components.first()).isEmpty(), false);

        const QList<QStringList> listings{{QStringLiteral("component"), QStringLiteral("list")},
                                          {QStringLiteral("incident"), QStringLiteral("list")},
                                          {QStringLiteral("subscriber"), QStringLiteral("list"),
                                           QStringLiteral("--state"), QStringLiteral("all")},
                                          {QStringLiteral("page"), QStringLiteral("show")}};
        auto compareAll = [&] {
            for (const QStringList &command : listings) {
                QJsonValue source = mapped(listing(m_source->path, command), ids);
                QJsonValue local = mapped(listing(path, command), {});
                if (command.first() == QLatin1String("page")) { // the page row's own times are this store's
                    QJsonObject s = source.toObject(), l = local.toObject();
                    for (const char *k : {"created_at", "updated_at"}) {
                        s.remove(QLatin1String(k));
                        l.remove(QLatin1String(k));
                    }
                    source = s;
                    local = l;
                }
                QVERIFY2(source.isArray() ? source.toArray().size() > 0 : !source.toObject().isEmpty(),
                         qPrintable(command.join(QLatin1Char(' '))));
                // Rows created within one second tie on created_at and are then ordered by their (random)
                // ids, which differ between the stores: compare the rows, not that tie's order.
                source = sortedRows(source);
                local = sortedRows(local);
                if (source != local) {
                    // Both sides are written out for a diff.
                    const QString name = command.join(QLatin1Char('-'));
                    auto write = [](const QString &file, const QJsonValue &v) {
                        QFile f(QDir::temp().filePath(file));
                        if (f.open(QIODevice::WriteOnly))
                            f.write(v.isArray() ? QJsonDocument(v.toArray()).toJson()
                                                : QJsonDocument(v.toObject()).toJson());
                    };
                    write(QStringLiteral("import-source-%1.json").arg(name), source);
                    write(QStringLiteral("import-local-%1.json").arg(name), local);
                    QFAIL(qPrintable(
                        QStringLiteral("%1 differs: see import-source-%2.json and import-local-%2.json in %3")
                            .arg(command.join(QLatin1Char(' ')), name, QDir::tempPath())));
                }
            }
        };
        compareAll();
        const int audit = auditRows(db);

        const Cli second = cli(import);
        QVERIFY2(second.code == 0, second.err.constData());
        QVERIFY2(second.out.contains("nothing changed"), second.out.constData());
        QVERIFY2(second.out.contains("components: 0 created, 0 updated, 20 unchanged"),
                 second.out.constData());
        QVERIFY2(second.out.contains("incidents: 0 created, 0 updated, 50 unchanged"),
                 second.out.constData());
        QVERIFY2(second.out.contains("webhook subscribers: 0 created, 0 updated, 200 unchanged"),
                 second.out.constData());
        QCOMPARE(auditRows(db), audit); // not even an audit row
        QCOMPARE(importMap(db), ids);
        compareAll();

        // The key was never shown or stored.
        for (const Cli &c : {first, second})
            QVERIFY(!c.out.contains(m_source->key.toUtf8()) && !c.err.contains(m_source->key.toUtf8()));
        QSqlQuery &q =
            db.store().db().run(QStringLiteral("SELECT count(*) FROM audit_log WHERE detail LIKE ?"),
                                {QString(QStringLiteral("%") + m_source->key + QStringLiteral("%"))});
        QVERIFY(q.next() && q.value(0).toInt() == 0);
        db.store().db().finishAll();
        if (!db.isPostgres()) {
            db.close();
            for (const QString &file : {path, QString(path + QStringLiteral("-wal"))}) {
                QFile f(file);
                if (f.open(QIODevice::ReadOnly))
                    QVERIFY2(!f.readAll().contains(m_source->key.toUtf8()), qPrintable(file));
            }
        }
    }

    // Something of the same name made here is a conflict: reported, kept, exit 2; --replace takes
    // Statuspage's.
    void conflictsAreKeptUnlessReplace()
    {
        test::TempDatabase db;
        NewComponent mine;
        mine.name = QStringLiteral("Service 02");
        mine.status = ComponentStatus::Operational;
        const QString local = ComponentService(db.context()).add(mine)->id;
        const QStringList import{QStringLiteral("--db"),      db.path(),
                                 QStringLiteral("import"),    QStringLiteral("statuspage"),
                                 QStringLiteral("--page"),    m_source->pageId,
                                 QStringLiteral("--api-url"), m_source->api,
                                 QStringLiteral("--key"),     QStringLiteral("-")};
        const Cli kept = cli(import, m_source->key.toUtf8() + "\n"); // the key from standard input
        QCOMPARE(kept.code, 2);
        QVERIFY2(kept.out.contains("conflict: component \"Service 02\" already exists here"),
                 kept.out.constData());
        QVERIFY2(kept.out.contains("components: 19 created, 0 updated, 0 unchanged, 1 skipped"),
                 kept.out.constData());
        // The page already held something: its settings are not taken either.
        QVERIFY2(kept.out.contains("conflict: page name"), kept.out.constData());
        db.reopen();
        QCOMPARE(db.store().components.find(local)->status, ComponentStatus::Operational);
        QCOMPARE(db.store().components.find(local)->groupId, QString());

        const Cli replaced =
            cli(import + QStringList{QStringLiteral("--replace")}, m_source->key.toUtf8() + "\n");
        QVERIFY2(replaced.code == 0, replaced.out.constData());
        QVERIFY2(replaced.out.contains("components: 0 created, 1 updated, 19 unchanged"),
                 replaced.out.constData());
        db.reopen();
        QCOMPARE(db.store().components.find(local)->status, // Statuspage's
                 m_source->store->components.find(m_source->components.at(1))->status);
        QVERIFY(db.store().components.find(local)->status != ComponentStatus::Operational);
        QCOMPARE(db.store().page.get().name, QStringLiteral("Acme Status"));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("no page") << QStringList{QStringLiteral("--key"), QStringLiteral("k")}
                                 << QStringLiteral("needs --page ID");
        QTest::newRow("no key") << QStringList{QStringLiteral("--page"), QStringLiteral("abc")}
                                << QStringLiteral("needs the page's API key");
        QTest::newRow("bad url") << QStringList{QStringLiteral("--page"),    QStringLiteral("abc"),
                                                QStringLiteral("--key"),     QStringLiteral("k"),
                                                QStringLiteral("--api-url"), QStringLiteral("ftp://x")}
                                 << QStringLiteral("is not an http(s) URL");
        QTest::newRow("wrong key") << QStringList{QStringLiteral("--key"), QStringLiteral("sdk_wrong")}
                                   << QStringLiteral("the API refused the key (HTTP 401");
        QTest::newRow("wrong page") << QStringList{QStringLiteral("--page"), QStringLiteral("nosuchpage00")}
                                    << QStringLiteral("answered HTTP 404: check --page");
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        test::TempDatabase db;
        QStringList full{QStringLiteral("--db"), db.path(), QStringLiteral("import"),
                         QStringLiteral("statuspage")};
        if (says.contains(QLatin1String("refused")) || says.contains(QLatin1String("404"))) {
            full << QStringLiteral("--api-url") << m_source->api;
            if (!args.contains(QStringLiteral("--page")))
                full << QStringLiteral("--page") << m_source->pageId;
            if (!args.contains(QStringLiteral("--key")))
                full << QStringLiteral("--key") << m_source->key;
        }
        const Cli c = cli(full + args);
        QCOMPARE(c.code, 1);
        QVERIFY2(QString::fromUtf8(c.err).contains(says), c.err.constData());
        // One sentence (after the _pg variant's warning about the password in its --db URL).
        const QByteArray warning = "statusdesk-cli: warning: a password on the command line";
        QCOMPARE(c.err.count('\n') - (c.err.startsWith(warning) ? 1 : 0), 1);
        db.reopen();
        QCOMPARE(db.store().components.count(), 0); // nothing written
    }

private:
    std::unique_ptr<SourcePage> m_source;
};

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
