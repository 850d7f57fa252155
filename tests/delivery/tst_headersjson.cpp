#include "app/delivery/webhookattempt.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sd;

// Attempt records keep request and response headers as JSON written by hand (the engine's hot path);
// whatever a receiver sends must come back out of a standard JSON parser unchanged.
class TestHeadersJson final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrips_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << QByteArray("Content-Type") << QByteArray("application/json")
                               << QStringLiteral("application/json");
        QTest::newRow("quote and backslash")
            << QByteArray("X-Q") << QByteArray(R"(a"b\c)") << QStringLiteral(R"(a"b\c)");
        QTest::newRow("control characters")
            << QByteArray("X-C") << QByteArray("a\tb\x01") << QStringLiteral("a\tb\x01");
        QTest::newRow("latin-1 byte")
            << QByteArray("X-L") << QByteArray("caf\xe9") << QString::fromLatin1(QByteArray("caf\xe9"));
        QTest::newRow("empty") << QByteArray("X-E") << QByteArray() << QString();
    }
    void roundTrips()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(QString, expected);
        const QByteArray json = headersToJson({{name, value}}, true);
        QJsonParseError error{};
        const QJsonObject o = QJsonDocument::fromJson(json, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(o.size(), 1);
        QCOMPARE(o.value(QString::fromLatin1(name.toLower())).toString(), expected);
    }

    void namesLowerCasedOnlyWhenAskedAndRepeatsKeptOnce()
    {
        const QList<QPair<QByteArray, QByteArray>> headers{
            {"Retry-After", "5"}, {"retry-after", "9"}, {"Server", "x"}};
        const QJsonObject lowered = QJsonDocument::fromJson(headersToJson(headers, true)).object();
        QCOMPARE(lowered.keys(), (QStringList{QStringLiteral("retry-after"), QStringLiteral("server")}));
        QCOMPARE(lowered.value(QLatin1String("retry-after")).toString(), QStringLiteral("5"));
        const QJsonObject kept = QJsonDocument::fromJson(headersToJson(headers, false)).object();
        QVERIFY(kept.contains(QLatin1String("Retry-After")));
        QCOMPARE(headersToJson({}, true), QByteArray("{}"));
    }
};

QTEST_GUILESS_MAIN(TestHeadersJson)
#include "tst_headersjson.moc"
