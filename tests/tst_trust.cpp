// Issue 11, items 3-5 in the core: one spelling per endpoint, text that cannot be stored, formula cells,
// the one redaction function, the delivery target policy, disk-full naming and owner-only database files.
#include "app/formats/csv.h"
#include "app/report/deliveryreport.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "models/database.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/targetpolicy.h"
#include "models/validation.h"
#include "tests/support/testsupport.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace sd;

namespace {

int rowCount(Store &s, const char *table)
{
    QSqlQuery &q = s.db().run(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table)));
    q.next();
    return q.value(0).toInt();
}

int mode(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return static_cast<int>(st.st_mode & 0777);
}

QStringList list(const char *commaSeparated)
{
    return QString::fromLatin1(commaSeparated).split(QLatin1Char(','));
}

QString octal(int m)
{
    return QString::number(m, 8);
}

NewSubscriber subscriber(const QString &endpoint)
{
    NewSubscriber s;
    s.endpoint = endpoint;
    s.email = QStringLiteral("ops@example.com");
    return s;
}

} // namespace

class TestTrust final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- item 4: one endpoint, one subscriber ---------------------------------------------------------
    void spellingsOfOneEndpoint_data()
    {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::addColumn<QString>("normal");
        QTest::newRow("scheme case") << "http://example.com/hook"
                                     << "HTTP://example.com/hook"
                                     << "http://example.com/hook";
        QTest::newRow("host case") << "https://example.com/hook"
                                   << "https://EXAMPLE.Com/hook"
                                   << "https://example.com/hook";
        QTest::newRow("http default port") << "http://example.com/hook"
                                           << "http://example.com:80/hook"
                                           << "http://example.com/hook";
        QTest::newRow("https default port") << "https://example.com/hook"
                                            << "https://example.com:443/hook"
                                            << "https://example.com/hook";
        QTest::newRow("fragment") << "https://example.com/hook"
                                  << "https://example.com/hook#part"
                                  << "https://example.com/hook";
        QTest::newRow("port leading zero") << "http://example.com:1/hook"
                                           << "http://example.com:01/hook"
                                           << "http://example.com:1/hook";
        QTest::newRow("empty path") << "https://example.com"
                                    << "https://example.com/"
                                    << "https://example.com/";
        QTest::newRow("idna") << "https://xn--bcher-kva.example/hook"
                              << "https://BÜCHER.example/hook"
                              << "https://xn--bcher-kva.example/hook";
        QTest::newRow("credentials kept") << "https://u:p@example.com/hook"
                                          << "HTTPS://u:p@Example.com:443/hook"
                                          << "https://u:p@example.com/hook";
    }
    void spellingsOfOneEndpoint()
    {
        QFETCH(QString, first);
        QFETCH(QString, second);
        QFETCH(QString, normal);
        QCOMPARE(endpointurl::normalized(first), normal);
        QCOMPARE(endpointurl::normalized(second), normal);
        test::TempDatabase db;
        SubscriberService service(db.context());
        auto added = service.add(subscriber(first));
        QVERIFY2(added.ok(), qPrintable(added.error()));
        QCOMPARE(added->endpoint, normal);
        auto again = service.add(subscriber(second));
        QVERIFY(!again.ok());
        QVERIFY2(again.error().contains(QLatin1String("already subscribed")), qPrintable(again.error()));
        QVERIFY2(!again.error().contains(QLatin1String(":p@")), qPrintable(again.error()));
        // CSV import meets the same rule, row by row.
        const ImportReport report =
            service.importCsv(QStringLiteral("endpoint,email\n%1,x@example.com\n").arg(second).toUtf8());
        QCOMPARE(report.added.size(), size_t(0));
        QCOMPARE(report.errors.size(), size_t(1));
        QVERIFY(report.errors.front().message.contains(QLatin1String("already subscribed")));
        // Editing another subscriber onto this endpoint is refused the same way.
        auto other = service.add(subscriber(QStringLiteral("https://other.example/")));
        QVERIFY(other.ok());
        SubscriberPatch patch;
        patch.endpoint = second;
        QVERIFY(!service.edit(other->id, patch).ok());
        QCOMPARE(rowCount(db.store(), "subscribers"), 2);
    }

    // A subscriber stored before endpoints were normalised still counts when its spelling is given again.
    void legacySpellingIsStillADuplicate()
    {
        test::TempDatabase db;
        Subscriber legacy;
        legacy.id = QStringLiteral("legacy000001");
        legacy.endpoint = QStringLiteral("HTTP://Example.com:80/old");
        legacy.email = QStringLiteral("ops@example.com");
        legacy.unsubscribeToken = QStringLiteral("tok-legacy");
        legacy.state = SubscriberState::Active;
        legacy.createdAt = QDateTime::currentDateTimeUtc();
        db.store().subscribers.insert(legacy);
        const auto again = SubscriberService(db.context()).add(subscriber(legacy.endpoint));
        QVERIFY(!again.ok());
        QVERIFY2(again.error().contains(QLatin1String("legacy000001")), qPrintable(again.error()));
    }

    void differentEndpointsStayDifferent()
    {
        for (const char *pair :
             {"http://example.com/a|http://example.com/A", "http://example.com/|https://example.com/",
              "http://example.com:8080/|http://example.com/",
              "http://example.com/?a=1|http://example.com/?a=2"}) {
            const QStringList p = QString::fromLatin1(pair).split(QLatin1Char('|'));
            QVERIFY2(endpointurl::normalized(p[0]) != endpointurl::normalized(p[1]), pair);
        }
    }

    // --- item 4: NUL and lone surrogates ------------------------------------------------------------------
    void unstorableTextIsRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("bad");
        QTest::addColumn<QString>("message");
        const QString nul = QStringLiteral("ab") + QChar(u'\0') + QStringLiteral("cd");
        const QString lone = QStringLiteral("ab") + QChar(char16_t(0xD800)) + QStringLiteral("cd");
        const QString loneLow = QStringLiteral("ab") + QChar(char16_t(0xDC00));
        const char *fields[] = {
            "component name", "component description", "incident name", "incident body", "email", "endpoint"};
        for (const char *f : fields) {
            QTest::addRow("%s NUL", f) << f << nul << "NUL character";
            QTest::addRow("%s high surrogate", f) << f << lone << "lone surrogate";
            QTest::addRow("%s low surrogate", f) << f << loneLow << "lone surrogate";
        }
    }
    void unstorableTextIsRefused()
    {
        QFETCH(QString, field);
        QFETCH(QString, bad);
        QFETCH(QString, message);
        test::TempDatabase db;
        ServiceContext ctx = db.context();
        QString error;
        if (field == QLatin1String("component name")) {
            error = ComponentService(ctx).add({bad}).error();
        } else if (field == QLatin1String("component description")) {
            NewComponent c;
            c.name = QStringLiteral("API");
            c.description = bad;
            error = ComponentService(ctx).add(c).error();
        } else if (field.startsWith(QLatin1String("incident"))) {
            NewIncident i;
            i.name = field == QLatin1String("incident name") ? bad : QStringLiteral("Down");
            i.status = IncidentStatus::Investigating;
            i.body = field == QLatin1String("incident body") ? bad : QStringLiteral("Looking");
            error = IncidentService(ctx).create(i).error();
        } else if (field == QLatin1String("email")) {
            NewSubscriber s = subscriber(QStringLiteral("http://127.0.0.1:9/x"));
            s.email = QStringLiteral("ops@example.com") + bad;
            error = SubscriberService(ctx).add(s).error();
        } else {
            error =
                SubscriberService(ctx).add(subscriber(QStringLiteral("http://127.0.0.1:9/") + bad)).error();
        }
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(!error.contains(QChar(u'\0')), "the sentence itself carries no NUL");
        QCOMPARE(rowCount(db.store(), "components"), 0);
        QCOMPARE(rowCount(db.store(), "incidents"), 0);
        QCOMPARE(rowCount(db.store(), "subscribers"), 0);
    }

    void validSurrogatePairsAreFine()
    {
        QVERIFY(validation::checkText(QStringLiteral("ok 😀 ok"), QStringLiteral("name")).isEmpty());
        QVERIFY(validation::checkName(QStringLiteral("Café 😀"), QStringLiteral("component")).isEmpty());
    }

    // --- item 4: formula cells ------------------------------------------------------------------------
    void formulaCellsAreNeutralized_data()
    {
        QTest::addColumn<QString>("cell");
        QTest::addColumn<QString>("written");
        QTest::newRow("equals") << "=HYPERLINK(\"http://evil/\",\"x\")"
                                << "\"'=HYPERLINK(\"\"http://evil/\"\",\"\"x\"\")\"";
        QTest::newRow("plus") << "+1+1"
                              << "'+1+1";
        QTest::newRow("minus") << "-2+3"
                               << "'-2+3";
        QTest::newRow("at") << "@SUM(A1)"
                            << "'@SUM(A1)";
        QTest::newRow("tab") << "\t=1"
                             << "'\t=1";
        // Issue 21: a pipe starts a DDE call in older Excel and LibreOffice (cmd|' /C calc'!A0).
        QTest::newRow("pipe") << "|cmd' /C calc'!A0"
                              << "'|cmd' /C calc'!A0";
        QTest::newRow("carriage return") << "\r=1"
                                         << "\"'\r=1\"";
        QTest::newRow("plain") << "API"
                               << "API";
        QTest::newRow("inner equals") << "a=b"
                                      << "a=b";
        QTest::newRow("empty") << ""
                               << "";
    }
    void formulaCellsAreNeutralized()
    {
        QFETCH(QString, cell);
        QFETCH(QString, written);
        QCOMPARE(csv::joinRow({cell}), written);
    }

    void reportCsvNeutralizesFormulaNames()
    {
        test::TempDatabase db;
        ServiceContext ctx = db.context();
        const QString name = QStringLiteral("=HYPERLINK(\"http://evil.example/\",\"click\")");
        const QString id = ComponentService(ctx).add({name}).value().id;
        QVERIFY(SubscriberService(ctx).add(subscriber(QStringLiteral("http://127.0.0.1:9/h"))).ok());
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(ctx).update(id, patch).ok());
        // One recorded attempt so the report has a row naming the component.
        const Message m = db.store().outbox.list({}).front();
        Attempt a;
        a.messageId = m.id;
        a.subscriberId = m.subscriberId;
        a.endpoint = m.endpoint;
        a.attemptNumber = 1;
        a.startedAt = a.endedAt = QDateTime::currentDateTimeUtc();
        a.errorClass = QStringLiteral("refused");
        a.errorText = QStringLiteral("-connection refused");
        db.store().outbox.recordAttempt(a, DeliveryState::Retrying);
        auto report = DeliveryReport::build(db.store(), {}, {});
        QVERIFY(report.ok());
        const QString csvText = QString::fromUtf8(report->toCsv());
        QVERIFY2(csvText.contains(QStringLiteral("\"'=HYPERLINK(")), qPrintable(csvText));
        QVERIFY2(csvText.contains(QStringLiteral(",'-connection refused")), qPrintable(csvText));
        QVERIFY2(!csvText.contains(QStringLiteral(",=HYPERLINK")), qPrintable(csvText));
    }

    // --- item 3: the one redaction function -----------------------------------------------------------
    void redaction_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("user and password") << "https://user:pass@host/"
                                           << "https://user:***@host/";
        QTest::newRow("port and path") << "http://u:p@h:8080/a?b#c"
                                       << "http://u:***@h:8080/a?b#c";
        QTest::newRow("user only") << "https://token@host/"
                                   << "https://***@host/";
        QTest::newRow("at in password") << "https://u:p@ss@host/"
                                        << "https://u:***@host/";
        QTest::newRow("no credentials") << "https://host/a@b"
                                        << "https://host/a@b";
        QTest::newRow("in a sentence") << "endpoint https://a:b@x/ and http://c:d@y/ failed"
                                       << "endpoint https://a:***@x/ and http://c:***@y/ failed";
        QTest::newRow("postgres") << "postgresql://sd:secret@db:5432/p"
                                  << "postgresql://sd:***@db:5432/p";
        QTest::newRow("quoted") << "endpoint \"https://u:p@h/\" bad"
                                << "endpoint \"https://u:***@h/\" bad";
        QTest::newRow("in parentheses") << "Subscriber x (http://user:hunter2@127.0.0.1:9/h) quarantined"
                                        << "Subscriber x (http://user:***@127.0.0.1:9/h) quarantined";
        QTest::newRow("single quote in password") << "https://u:it's@h/"
                                                  << "https://u:***@h/";
        QTest::newRow("plain text") << "nothing here: a@b"
                                    << "nothing here: a@b";
        QTest::newRow("email after url") << "http://h/ ops@example.com"
                                         << "http://h/ ops@example.com";
    }
    void redaction()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QCOMPARE(endpointurl::redacted(text), shown);
    }

    void credentialsNeverInServiceTextOrNotices()
    {
        test::TempDatabase db;
        ServiceContext ctx = db.context();
        SubscriberService service(ctx);
        auto s = service.add(subscriber(QStringLiteral("http://user:hunter2@127.0.0.1:9/h")));
        QVERIFY(s.ok());
        QCOMPARE(s->endpoint, QStringLiteral("http://user:hunter2@127.0.0.1:9/h")); // kept for sending
        QVERIFY(service.reactivate(s->id).ok());
        Notice n;
        n.createdAt = QDateTime::currentDateTimeUtc();
        n.kind = QStringLiteral("quarantined");
        n.text = QStringLiteral("Subscriber x (http://user:hunter2@127.0.0.1:9/h) quarantined");
        db.store().notices.add(n);
        for (const Notice &stored : db.store().notices.recent(10))
            QVERIFY2(!stored.text.contains(QLatin1String("hunter2")), qPrintable(stored.text));
        QSqlQuery &q = db.store().db().run(QStringLiteral("SELECT detail FROM audit_log"));
        int rows = 0;
        while (q.next()) {
            ++rows;
            QVERIFY2(!q.value(0).toString().contains(QLatin1String("hunter2")),
                     qPrintable(q.value(0).toString()));
        }
        QVERIFY(rows >= 2);
        const QString err =
            service.add(subscriber(QStringLiteral("http://user:hunter2@127.0.0.1:9/h"))).error();
        QVERIFY2(err.contains(QLatin1String("user:***@")) && !err.contains(QLatin1String("hunter2")),
                 qPrintable(err));
    }

    // --- item 5: the target policy ---------------------------------------------------------------------
    void addressPolicy_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("refusePrivate");
        QTest::addColumn<QString>("reason"); // empty: allowed
        QTest::newRow("metadata v4") << "169.254.169.254" << false << "link-local";
        QTest::newRow("link-local v4") << "169.254.1.2" << false << "link-local";
        QTest::newRow("link-local v6") << "fe80::1" << false << "link-local";
        QTest::newRow("mapped link-local") << "::ffff:169.254.169.254" << false << "link-local";
        QTest::newRow("unspecified v4") << "0.0.0.0" << false << "unspecified";
        QTest::newRow("this network") << "0.1.2.3" << false << "unspecified";
        QTest::newRow("unspecified v6") << "::" << false << "unspecified";
        QTest::newRow("multicast v4") << "224.0.0.1" << false << "multicast";
        QTest::newRow("broadcast") << "255.255.255.255" << false << "broadcast";
        QTest::newRow("multicast v6") << "ff02::1" << false << "multicast";
        QTest::newRow("alibaba metadata") << "100.100.100.200" << false << "metadata";
        QTest::newRow("aws v6 metadata") << "fd00:ec2::254" << false << "metadata";
        QTest::newRow("loopback allowed") << "127.0.0.1" << false << "";
        QTest::newRow("loopback v6 allowed") << "::1" << false << "";
        QTest::newRow("private allowed") << "10.1.2.3" << false << "";
        QTest::newRow("private 192.168 allowed") << "192.168.1.1" << false << "";
        QTest::newRow("public") << "93.184.216.34" << false << "";
        QTest::newRow("public, strict") << "93.184.216.34" << true << "";
        QTest::newRow("loopback refused") << "127.0.0.1" << true << "loopback";
        QTest::newRow("loopback v6 refused") << "::1" << true << "loopback";
        QTest::newRow("10/8 refused") << "10.1.2.3" << true << "private";
        QTest::newRow("172.16/12 refused") << "172.20.0.1" << true << "private";
        QTest::newRow("192.168/16 refused") << "192.168.1.1" << true << "private";
        QTest::newRow("ula refused") << "fd12::1" << true << "private";
        QTest::newRow("mapped private refused") << "::ffff:10.0.0.1" << true << "private";
    }
    void addressPolicy()
    {
        QFETCH(QString, address);
        QFETCH(bool, refusePrivate);
        QFETCH(QString, reason);
        const QString got = targetpolicy::checkAddress(QHostAddress(address), refusePrivate);
        if (reason.isEmpty()) {
            QVERIFY2(got.isEmpty(), qPrintable(got));
            return;
        }
        QVERIFY2(got.contains(reason), qPrintable(got));
        QVERIFY2(!got.contains(QLatin1Char('\n')) && got.count(QLatin1Char('.')) <= 8, qPrintable(got));
        if (reason == QLatin1String("loopback") || reason == QLatin1String("private"))
            QVERIFY2(got.contains(QLatin1String("--refuse-private-targets off")), qPrintable(got));
    }

    void hostPolicy_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("reason");
        QTest::newRow("google metadata") << "metadata.google.internal"
                                         << "metadata";
        QTest::newRow("google metadata, trailing dot") << "Metadata.Google.Internal."
                                                       << "metadata";
        QTest::newRow("bare metadata") << "metadata"
                                       << "metadata";
        QTest::newRow("aws name") << "instance-data"
                                  << "metadata";
        QTest::newRow("decimal ip") << "2852039166"
                                    << "link-local";
        QTest::newRow("hex ip") << "0xA9FEA9FE"
                                << "link-local";
        QTest::newRow("short ip") << "169.254.43518"
                                  << "link-local";
        QTest::newRow("bracketed v6") << "[fe80::1]"
                                      << "link-local";
        QTest::newRow("zero") << "0"
                              << "unspecified";
        QTest::newRow("ordinary name") << "hooks.example.com"
                                       << "";
        QTest::newRow("decimal-looking name") << "123.example"
                                              << "";
        QTest::newRow("localhost name") << "localhost"
                                        << "";
    }
    void hostPolicy()
    {
        QFETCH(QString, host);
        QFETCH(QString, reason);
        const QString got = targetpolicy::checkHost(host, false);
        if (reason.isEmpty())
            QVERIFY2(got.isEmpty(), qPrintable(got));
        else
            QVERIFY2(got.contains(reason), qPrintable(got));
    }

    // What the engine and `subscriber add` do with a name's addresses (no external DNS here: the lists
    // stand for what a resolver answered).
    void resolvedAddressesPolicy_data()
    {
        QTest::addColumn<QStringList>("addresses");
        QTest::addColumn<bool>("refusePrivate");
        QTest::addColumn<QString>("reason");
        QTest::newRow("public only") << list("93.184.216.34,2606:2800:220:1::") << false << "";
        QTest::newRow("rebinding: one metadata address")
            << list("93.184.216.34,169.254.169.254") << false << "resolves to 169.254.169.254";
        QTest::newRow("unspecified") << list("0.0.0.0") << false << "unspecified";
        QTest::newRow("link-local v6") << list("2606:2800:220:1::,fe80::abcd") << false << "fe80::abcd";
        QTest::newRow("private allowed") << list("10.0.0.7") << false << "";
        QTest::newRow("private refused") << list("93.184.216.34,10.0.0.7") << true << "private";
        QTest::newRow("loopback refused") << list("127.0.0.1") << true << "loopback";
    }
    void resolvedAddressesPolicy()
    {
        QFETCH(QStringList, addresses);
        QFETCH(bool, refusePrivate);
        QFETCH(QString, reason);
        QList<QHostAddress> list;
        for (const QString &a : addresses)
            list << QHostAddress(a);
        const QString got =
            targetpolicy::checkResolved(QStringLiteral("hooks.example.com"), list, refusePrivate);
        if (reason.isEmpty()) {
            QVERIFY2(got.isEmpty(), qPrintable(got));
        } else {
            QVERIFY2(got.contains(reason), qPrintable(got));
            QVERIFY2(got.contains(QLatin1String("hooks.example.com")), qPrintable(got));
        }
    }

    void subscriberTargetsAreChecked_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<bool>("refusePrivate");
        QTest::addColumn<QString>("reason");
        QTest::newRow("metadata ip") << "http://169.254.169.254/latest/meta-data/" << false << "link-local";
        QTest::newRow("metadata name")
            << "http://metadata.google.internal/computeMetadata/v1/" << false << "metadata";
        QTest::newRow("unspecified") << "http://0.0.0.0:8080/" << false << "unspecified";
        QTest::newRow("unspecified v6") << "http://[::]:8080/" << false << "unspecified";
        QTest::newRow("multicast") << "http://239.1.2.3/" << false << "multicast";
        QTest::newRow("link-local v6") << "http://[fe80::1]/" << false << "link-local";
        QTest::newRow("loopback allowed") << "http://127.0.0.1:9/h" << false << "";
        QTest::newRow("private allowed") << "http://10.0.0.1/h" << false << "";
        QTest::newRow("loopback refused by setting") << "http://127.0.0.1:9/h" << true << "loopback";
        QTest::newRow("private refused by setting") << "http://192.168.0.10/h" << true << "private";
    }
    void subscriberTargetsAreChecked()
    {
        QFETCH(QString, endpoint);
        QFETCH(bool, refusePrivate);
        QFETCH(QString, reason);
        test::TempDatabase db;
        DeliverySettings settings = DeliverySettings::load(db.store().settings);
        settings.refusePrivateTargets = refusePrivate;
        settings.save(db.store().settings);
        QCOMPARE(DeliverySettings::load(db.store().settings).refusePrivateTargets, refusePrivate);
        SubscriberService service(db.context());
        auto added = service.add(subscriber(endpoint));
        if (reason.isEmpty()) {
            QVERIFY2(added.ok(), qPrintable(added.error()));
        } else {
            QVERIFY(!added.ok());
            QVERIFY2(added.error().contains(reason), qPrintable(added.error()));
            QCOMPARE(rowCount(db.store(), "subscribers"), 0);
            // The console's dialog validates with the same sentence for the always-refused targets.
            if (!refusePrivate)
                QCOMPARE(validation::checkEndpoint(endpoint), added.error());
        }
        // An existing subscriber cannot be moved there either.
        if (!reason.isEmpty()) {
            auto ok = service.add(subscriber(QStringLiteral("https://hooks.example.com/a")));
            QVERIFY2(ok.ok(), qPrintable(ok.error()));
            SubscriberPatch patch;
            patch.endpoint = endpoint;
            const auto edited = service.edit(ok->id, patch);
            QVERIFY(!edited.ok());
            QVERIFY2(edited.error().contains(reason), qPrintable(edited.error()));
        }
    }

    // --- item 4: a full disk is named as such, and nothing is half-written
    // ----------------------------------
    void diskFullIsNamedAndWritesNothing()
    {
        if (test::usingPostgres())
            QSKIP("SQLite's page limit stands in for a full disk");
        test::TempDatabase db;
        ServiceContext ctx = db.context();
        const QString id = ComponentService(ctx).add({QStringLiteral("API")}).value().id;
        for (int i = 0; i < 3; ++i)
            QVERIFY(
                SubscriberService(ctx).add(subscriber(QStringLiteral("http://127.0.0.1:9/%1").arg(i))).ok());
        // The file may not grow any more: SQLite answers SQLITE_FULL exactly as on a full disk.
        QSqlQuery &pages = db.store().db().run(QStringLiteral("PRAGMA page_count"));
        pages.next();
        const int count = pages.value(0).toInt();
        db.store().db().exec(QStringLiteral("PRAGMA max_page_count=%1").arg(count));
        const int messagesBefore = rowCount(db.store(), "messages");
        QString error;
        for (int i = 0; i < 200 && error.isEmpty(); ++i) {
            NewIncident in;
            in.name = QStringLiteral("Outage %1").arg(i);
            in.status = IncidentStatus::Investigating;
            in.body = QString(5000, QLatin1Char('x'));
            in.components = {{id, ComponentStatus::MajorOutage}};
            auto r = IncidentService(ctx).create(in);
            if (!r.ok())
                error = r.error();
        }
        QVERIFY2(error.startsWith(QLatin1String("the disk is full: ")), qPrintable(error));
        QVERIFY2(error.endsWith(QLatin1String("nothing was written")), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("corrupt")), qPrintable(error));
        // Whatever committed before is whole: each incident has its update and its three messages.
        const int incidents = rowCount(db.store(), "incidents");
        QCOMPARE(rowCount(db.store(), "incident_updates"), incidents);
        QVERIFY(rowCount(db.store(), "messages") >= messagesBefore);
        QCOMPARE((rowCount(db.store(), "messages") - messagesBefore) % 3, 0);
    }

    // --- item 3: owner-only database files
    // ------------------------------------------------------------------
    void newDatabaseIsOwnerOnly()
    {
        if (test::usingPostgres())
            QSKIP("file modes are SQLite's");
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("a/b"));
        const QString path = folder + QStringLiteral("/new.sqlite");
        QString error;
        {
            auto store = Store::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            QVERIFY(store->db().warnings().isEmpty());
            QVERIFY(SubscriberService(ServiceContext{*store})
                        .add(subscriber(QStringLiteral("http://127.0.0.1:9/x")))
                        .ok());
            QCOMPARE(octal(mode(path)), QStringLiteral("600"));
            QCOMPARE(octal(mode(path + QStringLiteral("-wal"))), QStringLiteral("600"));
            QCOMPARE(octal(mode(path + QStringLiteral("-shm"))), QStringLiteral("600"));
        }
        QCOMPARE(octal(mode(folder)), QStringLiteral("700"));
        QCOMPARE(octal(mode(dir.filePath(QStringLiteral("a")))), QStringLiteral("700"));
    }

    void existingDatabaseIsTightenedWithANotice()
    {
        if (test::usingPostgres())
            QSKIP("file modes are SQLite's");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite"));
        QString error;
        {
            auto store = Store::open(path, &error);
            QVERIFY2(store, qPrintable(error));
        }
        // As an older StatusDesk left it.
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
        const int folderMode = mode(dir.path());
        auto store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(octal(mode(path)), QStringLiteral("600"));
        QCOMPARE(mode(dir.path()), folderMode); // a folder the operator chose is left alone
        const QStringList warnings = store->db().warnings();
        QCOMPARE(warnings.size(), 1);
        QVERIFY2(warnings.first().contains(QLatin1String("readable by you only")),
                 qPrintable(warnings.first()));
        bool noticed = false;
        for (const Notice &n : store->notices.recent(10))
            noticed = noticed || (n.kind == QLatin1String("permissions") && n.text == warnings.first());
        QVERIFY(noticed);
        // Said once: the next open finds nothing to tighten.
        store.reset();
        store = Store::open(path, &error);
        QVERIFY(store->db().warnings().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTrust)
#include "tst_trust.moc"
