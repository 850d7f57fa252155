#include "app/services/subscriberservice.h"
#include "models/ids.h"
#include "tests/support/testsupport.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace sd;

class TestIds final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idsAreTwelveBase36Characters()
    {
        const QRegularExpression shape(QStringLiteral("^[0-9a-z]{12}$"));
        QSet<QString> seen;
        for (int i = 0; i < 20000; ++i) {
            const QString id = ids::newId();
            QVERIFY2(shape.match(id).hasMatch(), qPrintable(id));
            QVERIFY(ids::isValidId(id));
            seen.insert(id);
        }
        QCOMPARE(seen.size(), 20000);
    }

    void everyCharacterIsUsedEvenly()
    {
        // Unbiased draw: over 360,000 characters each of the 36 appears close to 10,000 times.
        QHash<QChar, int> counts;
        for (int i = 0; i < 30000; ++i) {
            for (QChar c : ids::newId())
                ++counts[c];
        }
        QCOMPARE(counts.size(), 36);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() > 9000 && it.value() < 11000, qPrintable(QString(it.key())));
    }

    void invalidIdsAreRejected_data()
    {
        QTest::addColumn<QString>("id");
        QTest::newRow("short") << "abc";
        QTest::newRow("upper case") << "ABCDEFGHIJKL";
        QTest::newRow("thirteen") << "abcdefghijklm";
        QTest::newRow("punctuation") << "abcdefghijk-";
    }
    void invalidIdsAreRejected()
    {
        QFETCH(QString, id);
        QVERIFY(!ids::isValidId(id));
    }

    void tokensAreLongRandomAndNotTheId()
    {
        test::TempDatabase db;
        SubscriberService service(db.context());
        auto s = service.add({QStringLiteral("http://127.0.0.1:9/a"), QStringLiteral("a@example.com"), {}, {}, false});
        QVERIFY2(s.ok(), qPrintable(s.error()));
        QVERIFY(s->unsubscribeToken != s->id);
        QVERIFY(!s->unsubscribeToken.contains(s->id));
        // 26 base-36 characters carry log2(36) * 26 ≈ 134 bits, well over the 60 asked for.
        QVERIFY(s->unsubscribeToken.size() * std::log2(36.0) >= 60);
        auto t = service.add({QStringLiteral("http://127.0.0.1:9/b"), QStringLiteral("b@example.com"), {}, {}, false});
        QVERIFY(t->unsubscribeToken != s->unsubscribeToken);
    }

    void signingSecretsFollowStandardWebhooks()
    {
        const QString secret = ids::newSigningSecret();
        QVERIFY(secret.startsWith(QLatin1String("whsec_")));
        QCOMPARE(QByteArray::fromBase64(secret.mid(6).toLatin1()).size(), 32);
        QVERIFY(ids::isValidSigningSecret(secret));
        QVERIFY(!ids::isValidSigningSecret(u"whsec_short"));
        QVERIFY(!ids::isValidSigningSecret(u"secret"));
        QVERIFY(ids::newSigningSecret() != secret);
    }
};

QTEST_GUILESS_MAIN(TestIds)
#include "tst_ids.moc"
