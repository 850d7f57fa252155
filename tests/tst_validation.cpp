#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/pageservice.h"
#include "app/services/subscriberservice.h"
#include "tests/support/testsupport.h"

#include "models/validation.h"

#include <QFile>
#include <QTest>

using namespace sd;

class TestValidation final : public QObject
{
    Q_OBJECT

    static int rowCount(Store &s, const char *table)
    {
        QSqlQuery &q = s.db().run(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table)));
        q.next();
        return q.value(0).toInt();
    }

private Q_SLOTS:
    void badSubscribers_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("message");
        const QString ok = QStringLiteral("ops@example.com");
        QTest::newRow("relative url") << "/hook" << ok << "" << "not an absolute http or https URL";
        QTest::newRow("ftp url") << "ftp://127.0.0.1/x" << ok << "" << "not an absolute http or https URL";
        QTest::newRow("no scheme") << "127.0.0.1:8080/x" << ok << "" << "not an absolute http or https URL";
        QTest::newRow("empty") << "" << ok << "" << "endpoint is required";
        QTest::newRow("slack")
            << "https://hooks.slack.com/services/T0/B0/xyz" << ok << ""
            << "Slack webhook URLs are not supported: Slack accepts only its own message format";
        QTest::newRow("missing email") << "http://127.0.0.1:9/a" << "" << "" << "email is required";
        QTest::newRow("malformed email") << "http://127.0.0.1:9/a" << "ops-at-example" << "" << "is not a valid address";
        QTest::newRow("bad secret") << "http://127.0.0.1:9/a" << ok << "whsec_tooshort" << "signing secret";
        QTest::newRow("duplicate endpoint") << "http://127.0.0.1:9/existing" << ok << "" << "already subscribed";
    }
    void badSubscribers()
    {
        QFETCH(QString, endpoint);
        QFETCH(QString, email);
        QFETCH(QString, secret);
        QFETCH(QString, message);
        test::TempDatabase db;
        SubscriberService service(db.context());
        QVERIFY(service.add({QStringLiteral("http://127.0.0.1:9/existing"), QStringLiteral("x@example.com")}).ok());
        auto result = service.add({endpoint, email, {}, secret});
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(message), qPrintable(result.error()));
        QCOMPARE(rowCount(db.store(), "subscribers"), 1);
    }

    void unknownComponentFilterIsRefused()
    {
        test::TempDatabase db;
        auto result = SubscriberService(db.context())
                          .add({QStringLiteral("http://127.0.0.1:9/a"), QStringLiteral("a@example.com"), {QStringLiteral("nosuchid0000")}});
        QVERIFY(!result.ok());
        QVERIFY(result.error().contains(QLatin1String("unknown component id")));
        QCOMPARE(rowCount(db.store(), "subscribers"), 0);
    }

    void limits_data()
    {
        QTest::addColumn<int>("nameLength");
        QTest::addColumn<int>("bodyLength");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("message");
        QTest::newRow("at limits") << 255 << 25000 << true << "";
        QTest::newRow("name too long") << 256 << 10 << false << "the limit is 255";
        QTest::newRow("body too long") << 10 << 25001 << false << "the limit is 25000";
        QTest::newRow("empty body") << 10 << 0 << false << "update body is required";
        QTest::newRow("empty name") << 0 << 10 << false << "incident name is required";
    }
    void limits()
    {
        QFETCH(int, nameLength);
        QFETCH(int, bodyLength);
        QFETCH(bool, accepted);
        QFETCH(QString, message);
        test::TempDatabase db;
        auto result = IncidentService(db.context())
                          .create({{IncidentStatus::Investigating, QString(bodyLength, QLatin1Char('b'))},
                                   QString(nameLength, QLatin1Char('n'))});
        QCOMPARE(result.ok(), accepted);
        if (!accepted) {
            QVERIFY2(result.error().contains(message), qPrintable(result.error()));
            QCOMPARE(rowCount(db.store(), "incidents"), 0);
        }
    }

    void unknownIdsWriteNothing()
    {
        test::TempDatabase db;
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        auto c = ComponentService(db.context()).update(QStringLiteral("nosuchid0000"), patch);
        QVERIFY(c.error().contains(QLatin1String("unknown component id")));
        auto i = IncidentService(db.context()).update(QStringLiteral("nosuchid0000"), {{IncidentStatus::Resolved, QStringLiteral("x")}});
        QVERIFY(i.error().contains(QLatin1String("unknown incident id")));
        auto r = SubscriberService(db.context()).reactivate(QStringLiteral("nosuchid0000"));
        QVERIFY(r.error().contains(QLatin1String("unknown subscriber id")));
        auto bad = IncidentService(db.context())
                       .create({{IncidentStatus::Investigating, QStringLiteral("y"),
                                 {{QStringLiteral("nosuchid0000"), ComponentStatus::MajorOutage}}},
                                QStringLiteral("x")});
        QVERIFY(bad.error().contains(QLatin1String("unknown component id")));
        QCOMPARE(rowCount(db.store(), "incidents"), 0);
        QCOMPARE(rowCount(db.store(), "messages"), 0);
    }

    void wrongStatusFamilyIsRefused()
    {
        test::TempDatabase db;
        IncidentService incidents(db.context());
        auto created = incidents.create({{IncidentStatus::Investigating, QStringLiteral("y")}, QStringLiteral("x")});
        auto wrong = incidents.update(created->incident.id, {{IncidentStatus::Completed, QStringLiteral("done")}});
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.error().contains(QLatin1String("valid values: investigating")), qPrintable(wrong.error()));
    }

    void pageSettings()
    {
        test::TempDatabase db;
        PageService page(db.context());
        QVERIFY(page.update({std::nullopt, std::nullopt, std::nullopt, QStringLiteral("Mars/Olympus")})
                    .error()
                    .contains(QLatin1String("not a known IANA time zone")));
        QVERIFY(page.update({QStringLiteral("BAD")}).error().contains(QLatin1String("12 lowercase")));
        QVERIFY(page.update({std::nullopt, std::nullopt, QStringLiteral("not a url")}).error().contains(QLatin1String("URL")));
        QVERIFY(page.update({std::nullopt, QStringLiteral("Acme"), std::nullopt, QStringLiteral("America/Denver")}).ok());
        QCOMPARE(page.get()->timeZone, QStringLiteral("America/Denver"));
    }

    void timeZones_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<bool>("accepted");
        // Etc/ and link names were refused by Qt 6.4's zone.tab-only check (issue 22 item 6).
        for (const char *z : {"Etc/UTC", "Etc/GMT+5", "Etc/GMT-14", "Etc/Universal", "US/Eastern", "Asia/Calcutta",
                              "UTC", "GMT", "Europe/Berlin", "America/Argentina/Buenos_Aires", "America/Port-au-Prince"})
            QTest::newRow(z) << QString::fromLatin1(z) << true;
        for (const char *z : {"", "Mars/Olympus", "Etc", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "Etc/../UTC",
                              "Europe/Berlin ", "europe/berlin/x"})
            QTest::newRow(qPrintable(QStringLiteral("refused \"%1\"").arg(QLatin1String(z)))) << QString::fromLatin1(z) << false;
    }

    void timeZones()
    {
        QFETCH(QString, zone);
        QFETCH(bool, accepted);
        QCOMPARE(validation::checkTimeZone(zone).isEmpty(), accepted);
        test::TempDatabase db;
        PageService page(db.context());
        QCOMPARE(page.update({std::nullopt, std::nullopt, std::nullopt, zone}).ok(), accepted);
    }

    // Every zone and link name in the tzdata the machine has (tzdata.zi: "Z name ..." and "L target name").
    void everyTzdataNameAccepted()
    {
        QFile zi(QStringLiteral("/usr/share/zoneinfo/tzdata.zi"));
        if (!zi.open(QIODevice::ReadOnly))
            QSKIP("no /usr/share/zoneinfo/tzdata.zi (Debian's tzdata)");
        QStringList names;
        while (!zi.atEnd()) {
            const QList<QByteArray> f = zi.readLine().trimmed().split(' ');
            if (f.size() >= 2 && f[0] == "Z")
                names << QString::fromLatin1(f[1]);
            else if (f.size() >= 3 && f[0] == "L")
                names << QString::fromLatin1(f[2]);
        }
        QVERIFY(names.size() > 500);
        QStringList refused;
        for (const QString &n : std::as_const(names))
            if (!validation::isIanaTimeZone(n))
                refused << n;
        QVERIFY2(refused.isEmpty(), qPrintable(refused.join(QLatin1Char(' '))));
    }

    void csvImportKeepsGoodRows()
    {
        test::TempDatabase db;
        const QByteArray csv = "endpoint,email\n"
                               "http://127.0.0.1:9/a,a@example.com\n"
                               "https://hooks.slack.com/services/x,b@example.com\n"
                               "\"http://127.0.0.1:9/c\",\"c@example.com\"\n"
                               "http://127.0.0.1:9/d,not-an-email\n";
        const ImportReport report = SubscriberService(db.context()).importCsv(csv);
        QCOMPARE(report.added.size(), size_t(2));
        QCOMPARE(report.errors.size(), size_t(2));
        QCOMPARE(report.errors.at(0).line, 3);
        QVERIFY(report.errors.at(0).message.contains(QLatin1String("Slack")));
        QCOMPARE(report.errors.at(1).line, 5);
        QCOMPARE(rowCount(db.store(), "subscribers"), 2);
    }

    // Issue 21: invalid UTF-8 was replaced by U+FFFD in silence (lat\xe9 became /lat%EF%BF%BD), and a row
    // with more fields than the header was imported without a word.
    void csvImportRefusesUndecodableRows()
    {
        test::TempDatabase db;
        const QByteArray csv = "endpoint,email\n"
                               "http://127.0.0.1:9/ok,a@example.com\n"
                               "http://127.0.0.1:9/lat\xe9,b@example.com\n"
                               "\"http://127.0.0.1:9/q\",\"multi\nline\",c@example.com\n" // an email-less row
                               "http://127.0.0.1:9/caf\xc3\xa9,d@example.com\n"
                               "http://127.0.0.1:9/x,e\xff@example.com\n";
        const ImportReport report = SubscriberService(db.context()).importCsv(csv);
        QCOMPARE(report.added.size(), size_t(2)); // /ok and the valid UTF-8 café
        QCOMPARE(report.added.at(1).endpoint, QStringLiteral("http://127.0.0.1:9/caf%C3%A9"));
        QCOMPARE(report.errors.size(), size_t(3));
        QCOMPARE(report.errors.at(0).line, 3);
        QVERIFY2(report.errors.at(0).message.contains(QLatin1String("field 1 is not valid UTF-8")),
                 qPrintable(report.errors.at(0).message));
        QCOMPARE(report.errors.at(1).line, 4); // the quoted line break: the next row starts on line 6
        QCOMPARE(report.errors.at(2).line, 7);
        QVERIFY(report.errors.at(2).message.contains(QLatin1String("field 2 is not valid UTF-8")));
        for (const Subscriber &s : db.store().subscribers.list())
            QVERIFY2(!s.endpoint.contains(QLatin1String("%EF%BF%BD")) && !s.email.contains(QChar(0xFFFD)),
                     qPrintable(s.endpoint));

        // Named explicitly, the same bytes are Latin-1 text.
        test::TempDatabase other;
        const ImportReport latin1 =
            SubscriberService(other.context())
                .importCsv("endpoint,email\nhttp://127.0.0.1:9/lat\xe9,b@example.com\n",
                           QByteArrayLiteral("ISO-8859-1"));
        QCOMPARE(latin1.errors.size(), size_t(0));
        QCOMPARE(latin1.added.at(0).endpoint, QStringLiteral("http://127.0.0.1:9/lat%C3%A9"));
        QVERIFY(SubscriberService(other.context())
                    .importCsv("endpoint,email\n", "UTF-16")
                    .errors.at(0)
                    .message.contains(QLatin1String("save it as UTF-8")));
    }

    void csvImportWarnsOfExtraFields()
    {
        test::TempDatabase db;
        const QByteArray csv = "endpoint,email\n"
                               "http://127.0.0.1:9/a,a@example.com\n"
                               "http://127.0.0.1:9/b,b@example.com,surprise,more\n";
        const ImportReport report = SubscriberService(db.context()).importCsv(csv);
        QCOMPARE(report.added.size(), size_t(2));
        QCOMPARE(report.errors.size(), size_t(0));
        QCOMPARE(report.warnings.size(), size_t(1));
        QCOMPARE(report.warnings.at(0).line, 3);
        QVERIFY2(
            report.warnings.at(0).message.contains(QLatin1String("4 fields, but the header names 2 columns")),
            qPrintable(report.warnings.at(0).message));
    }
};

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
