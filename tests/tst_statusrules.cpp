#include "models/statusrules.h"
#include "models/values.h"

#include <QTest>

using namespace sd;

Q_DECLARE_METATYPE(std::vector<sd::ComponentStatus>)

class TestStatusRules final : public QObject
{
    Q_OBJECT

private:
    static std::vector<ComponentStatus> statuses(const QStringList &names)
    {
        std::vector<ComponentStatus> out;
        for (const QString &n : names)
            out.push_back(*parseComponentStatus(n));
        return out;
    }

private Q_SLOTS:
    void rollUp_data()
    {
        QTest::addColumn<QStringList>("components");
        QTest::addColumn<QString>("indicator");
        QTest::addColumn<QString>("description");
        const QString op = QStringLiteral("operational"), deg = QStringLiteral("degraded_performance"),
                      part = QStringLiteral("partial_outage"), maj = QStringLiteral("major_outage"),
                      mnt = QStringLiteral("under_maintenance");
        // One row per row of the reference table.
        QTest::newRow("none") << QStringList{} << "none" << "All Systems Operational";
        QTest::newRow("all operational") << QStringList{op, op, op} << "none" << "All Systems Operational";
        QTest::newRow("one: degraded") << QStringList{deg} << "minor" << "Partially Degraded Service";
        QTest::newRow("one: partial") << QStringList{part} << "major" << "Partial System Outage";
        QTest::newRow("one: major") << QStringList{maj} << "critical" << "Major System Outage";
        QTest::newRow("one: maintenance") << QStringList{mnt} << "maintenance" << "Service Under Maintenance";
        QTest::newRow("several: all major") << QStringList{maj, maj, maj} << "critical" << "Major System Outage";
        QTest::newRow("several: some major") << QStringList{maj, op, deg} << "major" << "Partial System Outage";
        QTest::newRow("several: all partial") << QStringList{part, part} << "major" << "Partial System Outage";
        QTest::newRow("several: some partial") << QStringList{part, op, deg} << "minor" << "Minor Service Outage";
        QTest::newRow("several: all degraded") << QStringList{deg, deg} << "minor" << "Degraded System Service";
        QTest::newRow("several: some degraded") << QStringList{deg, op} << "minor" << "Partially Degraded Service";
        QTest::newRow("several: some maintenance") << QStringList{mnt, op} << "maintenance"
                                                   << "Service Under Maintenance";
        QTest::newRow("several: maintenance then degraded") << QStringList{mnt, deg, op} << "minor"
                                                            << "Partially Degraded Service";
    }
    void rollUp()
    {
        QFETCH(QStringList, components);
        QFETCH(QString, indicator);
        QFETCH(QString, description);
        const PageStatus s = rollUpComponents(statuses(components));
        QCOMPARE(s.indicator, indicator);
        QCOMPARE(s.description, description);
    }

    void incidentRaises_data()
    {
        QTest::addColumn<QStringList>("components");
        QTest::addColumn<QString>("incidentStatus");
        QTest::addColumn<QString>("impact");
        QTest::addColumn<QString>("override");
        QTest::addColumn<QString>("indicator");
        QTest::addColumn<QString>("description");
        const QString op = QStringLiteral("operational");
        QTest::newRow("minor incident") << QStringList{op} << "investigating" << "minor" << "" << "minor"
                                        << "Minor Service Outage";
        QTest::newRow("major incident") << QStringList{op, op} << "identified" << "major" << "" << "major"
                                        << "Partial System Outage";
        QTest::newRow("critical incident") << QStringList{op} << "monitoring" << "critical" << "" << "critical"
                                           << "Major System Outage";
        QTest::newRow("override wins") << QStringList{op} << "investigating" << "minor" << "critical" << "critical"
                                       << "Major System Outage";
        QTest::newRow("resolved does not raise") << QStringList{op} << "resolved" << "critical" << "" << "none"
                                                 << "All Systems Operational";
        QTest::newRow("never lowers") << QStringList{QStringLiteral("major_outage")} << "investigating" << "minor"
                                      << "" << "critical" << "Major System Outage";
        QTest::newRow("maintenance in progress") << QStringList{op} << "in_progress" << "maintenance" << "" << "maintenance"
                                                 << "Service Under Maintenance";
        QTest::newRow("maintenance scheduled") << QStringList{op} << "scheduled" << "maintenance" << "" << "none"
                                               << "All Systems Operational";
    }
    void incidentRaises()
    {
        QFETCH(QStringList, components);
        QFETCH(QString, incidentStatus);
        QFETCH(QString, impact);
        QFETCH(QString, override);
        QFETCH(QString, indicator);
        QFETCH(QString, description);
        Incident i;
        i.status = *parseIncidentStatus(incidentStatus);
        i.impact = *parseImpact(impact);
        if (!override.isEmpty())
            i.impactOverride = parseImpact(override);
        const PageStatus s = pageStatus(statuses(components), {i});
        QCOMPARE(s.indicator, indicator);
        QCOMPARE(s.description, description);
    }

    void computedImpact_data()
    {
        QTest::addColumn<QStringList>("affected");
        QTest::addColumn<bool>("maintenance");
        QTest::addColumn<QString>("impact");
        QTest::newRow("none") << QStringList{} << false << "none";
        QTest::newRow("degraded") << QStringList{QStringLiteral("degraded_performance")} << false << "minor";
        QTest::newRow("worst wins") << QStringList{QStringLiteral("degraded_performance"), QStringLiteral("major_outage")}
                                    << false << "critical";
        QTest::newRow("partial") << QStringList{QStringLiteral("partial_outage")} << false << "major";
        QTest::newRow("scheduled maintenance") << QStringList{QStringLiteral("major_outage")} << true << "maintenance";
    }
    void computedImpact()
    {
        QFETCH(QStringList, affected);
        QFETCH(bool, maintenance);
        QFETCH(QString, impact);
        QCOMPARE(toString(computeImpact(statuses(affected), maintenance)), impact);
    }

    void valueNamesRoundTrip()
    {
        for (const QString &n : componentStatusNames())
            QCOMPARE(toString(*parseComponentStatus(n)), n);
        for (const QString &n : incidentStatusNames())
            QCOMPARE(toString(*parseIncidentStatus(n)), n);
        for (const QString &n : impactNames())
            QCOMPARE(toString(*parseImpact(n)), n);
        QCOMPARE(componentStatusNames().size(), 5);
        QCOMPARE(incidentStatusNames().size(), 8);
        QVERIFY(!parseComponentStatus(u"down"));
    }
};

QTEST_GUILESS_MAIN(TestStatusRules)
#include "tst_statusrules.moc"
