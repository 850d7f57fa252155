#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

// `settings --ca-file`: an HTTPS receiver whose certificate comes from a private CA is refused until that CA
// is trusted, then delivered to; a file that is not a CA bundle is named and leaves the stored setting alone.
// The real statusdesk-cli delivers, so the trust it sets up lives in its own process.
class TestPrivateCa final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString db() const { return m_dir.filePath(QStringLiteral("ca.sqlite")); }

    using Run = sd::test::CliRun;
    Run cli(const QStringList &args)
    {
        return sd::test::runCli(QStringList{QStringLiteral("--db"), db()} + args);
    }
    QString storedCaFile()
    {
        const Run r = cli({QStringLiteral("--json"), QStringLiteral("settings")});
        return QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("ca_file")).toString();
    }
    QJsonObject onlyDelivery()
    {
        const Run r = cli({QStringLiteral("--json"), QStringLiteral("deliveries")});
        return QJsonDocument::fromJson(r.out.toUtf8()).array().first().toObject();
    }
    void fanOut(const QString &endpoint, const QString &status)
    {
        QVERIFY(cli({QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                     endpoint, QStringLiteral("--email"), QStringLiteral("ops@example.com")})
                    .code == 0);
        const Run comp = cli({QStringLiteral("component"), QStringLiteral("add"), QStringLiteral("--name"),
                              QStringLiteral("API")});
        QCOMPARE(comp.code, 0);
        QCOMPARE(cli({QStringLiteral("--queue-only"), QStringLiteral("component"), QStringLiteral("set"),
                      comp.out, QStringLiteral("--status"), status})
                     .code,
                 0);
    }

private Q_SLOTS:
    void untrustedThenTrusted()
    {
        sd::test::HttpReceiver receiver;
        receiver.enableTls(sd::test::fixture(QStringLiteral("selfsigned.crt")),
                           sd::test::fixture(QStringLiteral("selfsigned.key")));
        QVERIFY(receiver.start());
        fanOut(receiver.url(), QStringLiteral("major_outage"));

        // Not trusted: the handshake fails, nothing reaches the receiver.
        QCOMPARE(cli({QStringLiteral("dispatch")}).code, 0);
        QCOMPARE(onlyDelivery().value(QStringLiteral("last_error_class")).toString(), QStringLiteral("tls"));
        QVERIFY(receiver.requests().isEmpty());

        // Trusted through the setting: the resend reaches the receiver over TLS.
        const Run set = cli({QStringLiteral("settings"), QStringLiteral("--ca-file"),
                             sd::test::fixturePath(QStringLiteral("selfsigned.crt"))});
        QCOMPARE(set.code, 0);
        QVERIFY2(set.out.contains(sd::test::fixturePath(QStringLiteral("selfsigned.crt"))),
                 qPrintable(set.out));
        const QString id = onlyDelivery().value(QStringLiteral("id")).toString();
        QCOMPARE(cli({QStringLiteral("resend"), id}).code, 0);
        QCOMPARE(cli({QStringLiteral("dispatch")}).code, 0);
        QCOMPARE(onlyDelivery().value(QStringLiteral("state")).toString(), QStringLiteral("delivered"));
        QCOMPARE(receiver.requests().size(), 1);
        QCOMPARE(receiver.countWebhookId(id.toUtf8()), 1);
    }

    void notABundleIsNamedAndNothingChanges_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("says");
        QTest::newRow("missing") << QStringLiteral("no-such-file.pem") << QStringLiteral("cannot be read");
        QTest::newRow("a private key") << QStringLiteral("key") << QStringLiteral("holds no PEM certificate");
    }
    void notABundleIsNamedAndNothingChanges()
    {
        QFETCH(QString, file);
        QFETCH(QString, says);
        const QString good = sd::test::fixturePath(QStringLiteral("selfsigned.crt"));
        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("--ca-file"), good}).code, 0);
        const QString path = file == QLatin1String("key")
                                 ? sd::test::fixturePath(QStringLiteral("selfsigned.key"))
                                 : m_dir.filePath(file);
        const Run r = cli({QStringLiteral("settings"), QStringLiteral("--ca-file"), path});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(says) && r.err.contains(path), qPrintable(r.err));
        QCOMPARE(storedCaFile(), good);
        // An empty value clears it.
        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("--ca-file"), QString()}).code, 0);
        QCOMPARE(storedCaFile(), QString());
    }
};

QTEST_GUILESS_MAIN(TestPrivateCa)
#include "tst_privateca.moc"
