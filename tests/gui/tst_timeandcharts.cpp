// Issue 20 item 5: time entry (typing digit by digit and presets, the page's time zone shown, a start in the
// past refused with a sentence), the maintenance dialog's new status, and the endpoint page's charts (the
// last hour by minute, readable axis labels, percentiles bounded by the fastest and slowest attempts).
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/healthrepository.h"
#include "models/ids.h"
#include "models/values.h"
#include "tests/support/testsupport.h"
#include "ui/datetimefield.h"
#include "ui/endpointpage.h"
#include "ui/healthchart.h"
#include "ui/incidentdialog.h"
#include "ui/session.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>

using namespace sd;

namespace {

// One message with attempts (seconds before `now`, duration, HTTP status) recorded as the journal records
// them: the attempts table and the running health aggregates, in one transaction.
void recordAttempts(Store &store, const Subscriber &sub, const QDateTime &now,
                    const QList<std::tuple<int, qint64, int>> &list)
{
    Transaction tx(store.db());
    Message m;
    m.id = ids::newId();
    m.subscriberId = sub.id;
    m.subjectId = QStringLiteral("c");
    m.subjectName = QStringLiteral("API");
    m.eventId = ids::newId();
    m.body = "{}";
    m.createdAt = now.addSecs(-3000);
    m.state = DeliveryState::Retrying;
    store.outbox.insert(m);
    std::vector<Attempt> attempts;
    for (const auto &[ago, ms, status] : list) {
        Attempt a;
        a.subscriberId = sub.id;
        a.endpoint = sub.endpoint;
        a.messageId = m.id;
        a.attemptNumber = int(attempts.size()) + 1;
        a.startedAt = now.addSecs(-ago);
        a.endedAt = a.startedAt.addMSecs(ms);
        a.durationMs = ms;
        a.httpStatus = status;
        a.errorClass = status == 200 ? QString() : QStringLiteral("http_5xx");
        store.outbox.recordAttempt(a, DeliveryState::Retrying);
        attempts.push_back(a);
    }
    HealthRepository(store.db()).record(attempts);
    tx.commit();
}

} // namespace

class TestTimeAndCharts final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typingFillsEverySection_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("utc");
        QTest::addColumn<QString>("zoneLabel");
        QTest::newRow("UTC") << "Etc/UTC"
                             << "2030-01-02 03:04"
                             << "2030-01-02T03:04:00Z"
                             << "Etc/UTC, UTC+00:00";
        QTest::newRow("digits only") << "Etc/UTC"
                                     << "203001020304"
                                     << "2030-01-02T03:04:00Z"
                                     << "Etc/UTC, UTC+00:00";
        QTest::newRow("Berlin, winter") << "Europe/Berlin"
                                        << "2030-01-02 22:00"
                                        << "2030-01-02T21:00:00Z"
                                        << "Europe/Berlin, UTC+01:00";
        QTest::newRow("Denver, summer") << "America/Denver"
                                        << "2030-07-01 09:30"
                                        << "2030-07-01T15:30:00Z"
                                        << "America/Denver, UTC-06:00";
    }

    void typingFillsEverySection()
    {
        QFETCH(QString, zone);
        QFETCH(QString, typed);
        QFETCH(QString, utc);
        QFETCH(QString, zoneLabel);
        QWidget window;
        auto *field = new DateTimeField(&window);
        field->setTimeZone(QTimeZone(zone.toUtf8()));
        field->setDateTime(QDateTime(QDate(2029, 5, 6), QTime(7, 8), Qt::UTC));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // As an operator does: into the field (the first section selected), then the digits.
        field->setFocus();
        field->editor()->setSelectedSection(QDateTimeEdit::YearSection);
        QTest::keyClicks(field->editor(), typed);
        QCOMPARE(field->dateTime().toString(Qt::ISODate), utc);
        QCOMPARE(field->zoneLabel()->text(), zoneLabel);
        QCOMPARE(field->editor()->displayFormat(), QStringLiteral("yyyy-MM-dd HH:mm"));
        QVERIFY(field->editor()->calendarPopup());
    }

    void presetsAndThePast()
    {
        DateTimeField field;
        field.setTimeZone(QTimeZone("Europe/Berlin"));
        const QDateTime now(QDate(2030, 1, 2), QTime(21, 30), Qt::UTC); // 22:30 in Berlin
        field.setClock([now] { return now; });
        field.addStartPresets();
        const QList<QAction *> presets = field.presetsButton()->menu()->actions();
        QCOMPARE(presets.size(), 3);
        presets[0]->trigger(); // in 1 hour, on a whole five minutes
        QCOMPARE(field.dateTime(), QDateTime(QDate(2030, 1, 2), QTime(22, 30), Qt::UTC));
        presets[1]->trigger(); // tonight 22:00 has passed in Berlin: tomorrow's
        QCOMPARE(field.dateTime(), QDateTime(QDate(2030, 1, 3), QTime(21, 0), Qt::UTC));
        presets[2]->trigger(); // tomorrow 09:00 Berlin
        QCOMPARE(field.dateTime(), QDateTime(QDate(2030, 1, 3), QTime(8, 0), Qt::UTC));
        QVERIFY(!field.isInPast());
        field.setDateTime(now.addSecs(-3600));
        QVERIFY(field.isInPast());
        field.setDateTime(now); // the minute under way is now, not the past
        QVERIFY(!field.isInPast());
    }

    void maintenanceDialogRefusesThePastAndShowsUnderMaintenance()
    {
        std::vector<Component> components(2);
        components[0].id = QStringLiteral("c1");
        components[0].name = QStringLiteral("API");
        components[1].id = QStringLiteral("c2");
        components[1].name = QStringLiteral("Database");
        components[1].status = ComponentStatus::PartialOutage;
        IncidentDialog dialog(IncidentDialog::Mode::Maintenance, components, nullptr);
        dialog.setTimeZone(QStringLiteral("Europe/Berlin"));
        dialog.nameEdit()->setText(QStringLiteral("DB upgrade"));
        dialog.bodyEdit()->setPlainText(QStringLiteral("Planned work."));
        // The new status column says what happens when the window opens.
        QTableWidget *table = dialog.componentsTable();
        QCOMPARE(table->horizontalHeaderItem(1)->text(), QStringLiteral("During the window"));
        for (int r = 0; r < table->rowCount(); ++r)
            QCOMPARE(qobject_cast<QComboBox *>(table->cellWidget(r, 1))->currentText(),
                     componentStatusLabel(ComponentStatus::UnderMaintenance));
        QPushButton *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(ok->isEnabled()); // an hour from now by default
        QCOMPARE(dialog.windowFrom()->zoneLabel()->text().left(14), QStringLiteral("Europe/Berlin,"));
        const QDateTime past = QDateTime::currentDateTimeUtc().addSecs(-2 * 3600);
        dialog.windowFrom()->setDateTime(past);
        QVERIFY(!ok->isEnabled());
        const auto *error = [&]() -> QLabel * {
            for (QLabel *l : dialog.findChildren<QLabel *>())
                if (l->text().contains(QLatin1String("has passed")))
                    return l;
            return nullptr;
        }();
        QVERIFY(error);
        QVERIFY2(error->text().startsWith(QStringLiteral("the maintenance window would start at ")) &&
                     error->text().contains(QStringLiteral("Europe/Berlin (UTC+0")) &&
                     error->text().endsWith(QStringLiteral("pick a time from now on")),
                 qPrintable(error->text()));
        dialog.windowFrom()->setDateTime(QDateTime::currentDateTimeUtc().addSecs(1800));
        dialog.windowUntil()->setDateTime(QDateTime::currentDateTimeUtc().addSecs(5400));
        QVERIFY(ok->isEnabled());
        const NewIncident in = dialog.newIncident();
        QCOMPARE(in.scheduledFor, dialog.windowFrom()->dateTime());
        QCOMPARE(in.components.size(), size_t(0)); // none ticked yet
    }

    // A fresh dialog says nothing in red (it said "incident name is required" before a key was pressed): a
    // field's complaint shows once it was typed in, or when OK is pressed, which then keeps the dialog open
    // with the keyboard in the field.
    void dialogComplainsOnlyAfterEditOrOk_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("maintenance") << int(IncidentDialog::Mode::Maintenance);
        QTest::newRow("incident") << int(IncidentDialog::Mode::Create);
    }

    void dialogComplainsOnlyAfterEditOrOk()
    {
        QFETCH(int, mode);
        std::vector<Component> components(1);
        components[0].id = QStringLiteral("c1");
        components[0].name = QStringLiteral("API");
        IncidentDialog dialog(static_cast<IncidentDialog::Mode>(mode), components, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("incidentError"));
        QVERIFY(error);
        QPushButton *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QCOMPARE(error->text(), QString());
        QVERIFY(ok->isEnabled());

        // Typed, then erased: now it is the operator's doing.
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("x"));
        QCOMPARE(error->text(), QString());
        QTest::keyClick(dialog.nameEdit(), Qt::Key_Backspace);
        QCOMPARE(error->text(), QStringLiteral("incident name is required"));
        QVERIFY(!ok->isEnabled());
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("DB upgrade"));
        QCOMPARE(error->text(), QString()); // the message is untouched yet: no word about it
        QVERIFY(ok->isEnabled());

        // OK with the message still empty: the dialog stays, says why, and the keyboard goes there.
        ok->click();
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QCOMPARE(error->text(), QStringLiteral("update body is required"));
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(dialog.bodyEdit()));
        QTest::keyClicks(dialog.bodyEdit(), QStringLiteral("Planned work."));
        QCOMPARE(error->text(), QString());
        QVERIFY(ok->isEnabled());
        ok->click();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void okOnAnUntouchedDialogPointsAtTheName()
    {
        IncidentDialog dialog(IncidentDialog::Mode::Maintenance, {}, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("incidentError"));
        QCOMPARE(error->text(), QString());
        dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        QVERIFY(dialog.isVisible());
        QCOMPARE(error->text(), QStringLiteral("incident name is required"));
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(dialog.nameEdit()));
    }

    void axisLabelsReadAsWritten_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QString>("text");
        QTest::newRow("ms") << 250.0 << "ms"
                            << "250 ms";
        QTest::newRow("half of 5 ms") << 2.5 << "ms"
                                      << "2.5 ms"; // was "3 ms"
        QTest::newRow("whole ms") << 4.0 << "ms"
                                  << "4 ms";
        QTest::newRow("ten seconds") << 10000.0 << "ms"
                                     << "10 s"; // was "1e+04 ms"
        QTest::newRow("seconds, one decimal") << 1500.0 << "ms"
                                              << "1.5 s";
        QTest::newRow("6,043 ms") << 6043.0 << "ms"
                                  << "6 s";
        QTest::newRow("minutes") << 90000.0 << "ms"
                                 << "1.5 min";
        QTest::newRow("percent") << 75.0 << "%"
                                 << "75 %";
        QTest::newRow("percent, decimal") << 62.5 << "%"
                                          << "62.5 %";
    }

    void axisLabelsReadAsWritten()
    {
        QFETCH(double, value);
        QFETCH(QString, unit);
        QFETCH(QString, text);
        QCOMPARE(HealthChart::formatValue(value, unit), text);
    }

    // Eleven attempts that all took 6,043 ms: every percentile is 6,043 ms (it read p50 5,929 ms, the lower
    // part of the 5,793..8,192 ms bucket), from the lifetime and hourly aggregates and from the last hour.
    void percentilesAgreeWithFewAttempts()
    {
        test::TempDatabase db;
        const Subscriber sub =
            SubscriberService(db.context())
                .add({QStringLiteral("http://127.0.0.1:9/slow"), QStringLiteral("ops@example.com")})
                .value();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QList<std::tuple<int, qint64, int>> eleven;
        for (int i = 0; i < 11; ++i)
            eleven.append({60 * (i % 3) + 1, 6043, 200});
        recordAttempts(db.store(), sub, now, eleven);
        const auto health = HealthRepository(db.store().db()).find(sub.id, now);
        QVERIFY(health);
        QCOMPARE(health->lifetime.latency.percentile(50), qint64(6043));
        QCOMPARE(health->recent.latency.percentile(50), qint64(6043));
        QCOMPARE(health->recent.latency.percentile(95), qint64(6043));
        QCOMPARE(health->lifetime.latency.minMs, qint64(6043));

        for (const ChartRange range : {ChartRange::LastHour, ChartRange::LastDay}) {
            const EndpointSnapshot s = EndpointPage::read(db.store(), sub.id, now.addSecs(1), range);
            QVERIFY(!s.points.empty());
            for (const ChartPoint &p : s.points) {
                QCOMPARE(p.p50Ms, qint64(6043));
                QCOMPARE(p.p95Ms, qint64(6043));
            }
        }
    }

    // A fresh incident is more than one dot: its minutes, each with its own numbers, and the page opens on
    // the last hour when the last attempt is that recent.
    void lastHourByMinute()
    {
        test::TempDatabase db;
        const Subscriber sub =
            SubscriberService(db.context())
                .add({QStringLiteral("http://127.0.0.1:9/a"), QStringLiteral("ops@example.com")})
                .value();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // Ten minutes ago: 4 attempts, one failed; five minutes ago: 2 slow successes.
        const int tenAgo = int(now.toSecsSinceEpoch() % 60) + 600 - 5; // 5 s into the minute ten minutes back
        const int fiveAgo = tenAgo - 300;
        recordAttempts(db.store(), sub, now,
                       {{tenAgo, 100, 200},
                        {tenAgo, 200, 200},
                        {tenAgo, 300, 200},
                        {tenAgo, 400, 500},
                        {fiveAgo, 2000, 200},
                        {fiveAgo, 3000, 200}});
        const EndpointSnapshot s = EndpointPage::read(db.store(), sub.id, now, std::nullopt);
        QCOMPARE(s.range, ChartRange::LastHour);
        QCOMPARE(s.from, now.addSecs(-3600));
        QCOMPARE(int(s.points.size()), 2);
        QCOMPARE(s.points[0].attempts, qint64(4));
        QCOMPARE(s.points[0].successPercent, 75.0);
        QCOMPARE(s.points[0].p50Ms, qint64(200)); // exact: nearest rank of 100, 200, 300, 400
        QCOMPARE(s.points[0].p95Ms, qint64(400));
        QCOMPARE(s.points[1].p50Ms, qint64(2000));
        QCOMPARE(s.points[1].p95Ms, qint64(3000));
    }
};

QTEST_MAIN(TestTimeAndCharts)
#include "tst_timeandcharts.moc"
