#include "app/alerts/alertreader.h"
#include "app/alerts/alertrules.h"
#include "app/delivery/deliverycontroller.h"
#include "app/readers/fanoutprogress.h"
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/timeformat.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/alertcenter.h"
#include "ui/alertvoice.h"
#include "ui/desktopnotifier.h"
#include "ui/session.h"
#include "ui/statuspalette.h"
#include "ui/statustray.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusReply>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTest>
#include <QWidget>

using namespace sd;

namespace {

FanoutSnapshot fanout(const QString &id, int queued, int sending, int delivered, int retrying, int failed,
                      int held = 0)
{
    FanoutSnapshot s;
    s.fanout.eventId = id;
    s.fanout.subjectName = QStringLiteral("API");
    s.fanout.counts.queued = queued;
    s.fanout.counts.sending = sending;
    s.fanout.counts.delivered = delivered;
    s.fanout.counts.retrying = retrying;
    s.fanout.counts.failed = failed;
    s.fanout.counts.held = held;
    return s;
}

NoticeSeen quarantineNotice(qint64 id, const QString &endpoint)
{
    return {id, QStringLiteral("quarantined"), QStringLiteral("sub%1").arg(id), endpoint,
            QStringLiteral("%1 was quarantined").arg(endpoint)};
}

// The desktop's notification service on this test's session bus (tests/support/notifylistener.py): every
// Notify it answers is one JSON line on its stdout.
class NotificationServer final
{
public:
    bool start()
    {
        m_process.setProgram(QStringLiteral("/usr/bin/python3"));
        m_process.setArguments({QStringLiteral(STATUSDESK_SOURCE_DIR "/tests/support/notifylistener.py")});
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return false;
        QElapsedTimer t;
        t.start();
        while (!m_buffer.contains("ready\n") && t.elapsed() < 10000) {
            m_process.waitForReadyRead(200);
            m_buffer += m_process.readAllStandardOutput();
        }
        m_buffer.replace("ready\n", "");
        return t.elapsed() < 10000;
    }
    ~NotificationServer()
    {
        m_process.closeWriteChannel(); // the server ends when its stdin closes
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }
    QList<QJsonObject> received()
    {
        m_buffer += m_process.readAllStandardOutput();
        QList<QJsonObject> out;
        for (const QByteArray &line : m_buffer.split('\n')) {
            if (!line.trimmed().isEmpty())
                out << QJsonDocument::fromJson(line).object();
        }
        return out;
    }
    int count(const QString &summaryPrefix)
    {
        int n = 0;
        for (const QJsonObject &o : received())
            n += o.value(QStringLiteral("summary")).toString().startsWith(summaryPrefix) ? 1 : 0;
        return n;
    }

private:
    QProcess m_process;
    QByteArray m_buffer;
};

} // namespace

// Alerts while the console is not in front (issue 20 item 2): what is worth a notification (AlertRules,
// pure), and end to end under a real session bus with a notification server: a real engine delivers to
// loopback receivers and the desktop hears exactly one Notify per event, grouped, none under Do not disturb.
class TestAlerts final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qRegisterMetaType<sd::Alert>();
    }

    void firstLookAnnouncesNothing()
    {
        AlertRules rules;
        AlertObservation o;
        o.firstLook = true;
        o.endpoints = {50, 40, 8};
        o.maintenance.push_back({QStringLiteral("i1"), QStringLiteral("DB"), IncidentStatus::InProgress});
        QVERIFY(rules.observe(o).empty());
        QCOMPARE(rules.failingEndpoints(), 48);
        // Still the same: nothing new to say.
        o.firstLook = false;
        QVERIFY(rules.observe(o).empty());
        QVERIFY(rules.observeFanouts({fanout(QStringLiteral("e1"), 0, 0, 48, 0, 12)}, 0).empty());
        QVERIFY(rules.observeFanouts({fanout(QStringLiteral("e1"), 0, 0, 48, 0, 12)}, 10000).empty());
    }

    void quarantinesInOneLookAreOneAlert_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("title");
        QTest::newRow("one") << 1 << QStringLiteral("Endpoint quarantined: https://h0.example/hook");
        QTest::newRow("eight") << 8 << QStringLiteral("8 endpoints quarantined");
    }

    void quarantinesInOneLookAreOneAlert()
    {
        QFETCH(int, count);
        QFETCH(QString, title);
        AlertRules rules;
        AlertObservation first;
        first.firstLook = true;
        first.endpoints = {100, 0, 0};
        rules.observe(first);
        AlertObservation o;
        o.endpoints = {100 - count, 0, count};
        for (int i = 0; i < count; ++i)
            o.newNotices.push_back(
                quarantineNotice(i + 1, QStringLiteral("https://h%1.example/hook").arg(i)));
        o.newNotices.push_back(
            {99, QStringLiteral("reactivated"), QStringLiteral("x"), QString(), QString()});
        const auto alerts = rules.observe(o);
        QCOMPARE(int(alerts.size()), 1);
        QCOMPARE(alerts.front().kind, Alert::Kind::Quarantine);
        QCOMPARE(alerts.front().title, title);
        QVERIFY(alerts.front().urgent);
        QCOMPARE(rules.failingEndpoints(), count);
    }

    void failureSpikeIsSaidOnceUntilItCalms()
    {
        AlertRules rules;
        AlertObservation o;
        o.firstLook = true;
        o.endpoints = {50, 0, 0};
        rules.observe(o);
        o.firstLook = false;
        QCOMPARE(rules.spikeThreshold(50), 3);
        QCOMPARE(rules.spikeThreshold(1000), 50);
        o.endpoints.failing = 2;
        QVERIFY(rules.observe(o).empty());
        o.endpoints.failing = 12;
        auto alerts = rules.observe(o);
        QCOMPARE(int(alerts.size()), 1);
        QCOMPARE(alerts.front().kind, Alert::Kind::FailureSpike);
        QCOMPARE(alerts.front().title, QStringLiteral("Failure spike: 12 of 50 endpoints failing"));
        o.endpoints.failing = 30;
        QVERIFY(rules.observe(o).empty()); // the same spike, grown
        o.endpoints.failing = 2;
        QVERIFY(rules.observe(o).empty()); // hovering: not calm yet (below half of 3 is calm)
        o.endpoints.failing = 5;
        QVERIFY(rules.observe(o).empty());
        o.endpoints.failing = 0;
        QVERIFY(rules.observe(o).empty());
        o.endpoints.failing = 4;
        QCOMPARE(int(rules.observe(o).size()), 1); // a new spike
    }

    void maintenanceOpeningAndClosing()
    {
        AlertRules rules;
        AlertObservation o;
        o.firstLook = true;
        o.maintenance = {{QStringLiteral("m1"), QStringLiteral("DB upgrade"), IncidentStatus::Scheduled},
                         {QStringLiteral("m2"), QStringLiteral("Network"), IncidentStatus::Scheduled}};
        QVERIFY(rules.observe(o).empty());
        o.firstLook = false;
        o.maintenance[0].status = IncidentStatus::InProgress;
        auto alerts = rules.observe(o);
        QCOMPARE(int(alerts.size()), 1);
        QCOMPARE(alerts.front().kind, Alert::Kind::MaintenanceStarted);
        QCOMPARE(alerts.front().title, QStringLiteral("Maintenance started: DB upgrade"));
        QVERIFY(rules.observe(o).empty());
        o.maintenance[0].status = IncidentStatus::Completed;
        o.maintenance[1].status = IncidentStatus::InProgress;
        alerts = rules.observe(o);
        QCOMPARE(int(alerts.size()), 2);
        QCOMPARE(alerts[0].title, QStringLiteral("Maintenance started: Network"));
        QCOMPARE(alerts[1].kind, Alert::Kind::MaintenanceEnded);
        QCOMPARE(alerts[1].title, QStringLiteral("Maintenance completed: DB upgrade"));
    }

    void fanoutWithFailuresIsSaidOnce()
    {
        AlertRules rules;
        QVERIFY(rules.observeFanouts({}, 0).empty());
        // Under way: nothing yet, however many failed so far.
        QVERIFY(rules.observeFanouts({fanout(QStringLiteral("e1"), 10, 6, 30, 2, 12)}, 100).empty());
        // Every webhook tried, some final failures: said at once, one alert for the change.
        auto alerts = rules.observeFanouts({fanout(QStringLiteral("e1"), 0, 0, 48, 0, 12)}, 200);
        QCOMPARE(int(alerts.size()), 1);
        QCOMPARE(alerts.front().kind, Alert::Kind::FanoutFailed);
        QCOMPARE(alerts.front().title, QStringLiteral("Webhooks not delivered: API"));
        QCOMPARE(alerts.front().body,
                 QStringLiteral("API: 12 of 60 not delivered (48 delivered, 12 failed)"));
        QVERIFY(rules.observeFanouts({fanout(QStringLiteral("e1"), 0, 0, 48, 0, 12)}, 5000).empty());
        // Some still on their retry schedule: said once it has settled for kSettleMs.
        QVERIFY(rules.observeFanouts({fanout(QStringLiteral("e2"), 0, 0, 50, 10, 0)}, 6000).empty());
        QVERIFY(rules.observeFanouts({fanout(QStringLiteral("e2"), 0, 0, 50, 10, 0)}, 7000).empty());
        alerts = rules.observeFanouts({fanout(QStringLiteral("e2"), 0, 0, 50, 10, 0)},
                                      6000 + AlertRules::kSettleMs);
        QCOMPARE(int(alerts.size()), 1);
        QVERIFY(alerts.front().body.contains(QStringLiteral("10 retrying")));
        // All delivered: nothing to say.
        QVERIFY(rules.observeFanouts({fanout(QStringLiteral("e3"), 0, 0, 60, 0, 0)}, 20000).empty());
        // Two changes finishing in one look: one alert.
        alerts = rules.observeFanouts(
            {fanout(QStringLiteral("e4"), 0, 0, 1, 0, 1), fanout(QStringLiteral("e5"), 0, 0, 1, 0, 0, 1)},
            30000);
        QCOMPARE(int(alerts.size()), 1);
        QCOMPARE(alerts.front().title, QStringLiteral("2 changes have webhooks not delivered"));
    }

    void trayIconColourFollowsThePageStatus_data()
    {
        QTest::addColumn<QString>("indicator");
        for (const char *i : {"none", "minor", "major", "critical", "maintenance"})
            QTest::newRow(i) << QString::fromLatin1(i);
    }

    void trayIconColourFollowsThePageStatus()
    {
        QFETCH(QString, indicator);
        StatusTray tray;
        tray.setPageStatus({indicator, QStringLiteral("status %1").arg(indicator)});
        const QImage image = tray.trayIcon()->icon().pixmap(32, 32).toImage();
        // Left of the pulse line, inside the rounded square: the status colour itself.
        QCOMPARE(QColor(image.pixel(6, 10)).name(), palette::pageIndicator(indicator).name());
        QCOMPARE(tray.menu()->actions().first()->text(), QStringLiteral("status %1").arg(indicator));
    }

    void trayBadgeCountsFailingEndpoints()
    {
        StatusTray tray;
        const QColor green = palette::pageIndicator(QStringLiteral("none"));
        const QImage plain = StatusTray::render(green, 0, 64);
        const QImage badged = StatusTray::render(green, 7, 64);
        // The badge covers the lower right corner in red.
        QCOMPARE(QColor(plain.pixel(50, 50)).name(), green.name());
        QCOMPARE(QColor(badged.pixel(38, 58)).name(), QColor(0xc6, 0x28, 0x28).name());
        tray.setFailingEndpoints(7);
        QVERIFY(tray.toolTip().contains(QStringLiteral("7 endpoints failing")));
        const QStringList texts = [&] {
            QStringList t;
            for (QAction *a : tray.menu()->actions())
                t << a->text();
            return t;
        }();
        QVERIFY(texts.contains(QStringLiteral("7 endpoints failing")));
        QVERIFY(texts.contains(QStringLiteral("No change yet")));
        tray.setRecentChanges({QStringLiteral("API: 60 / 60"), QStringLiteral("DB: 3 / 60 · ETA 4 s")});
        QStringList after;
        for (QAction *a : tray.menu()->actions())
            after << a->text();
        QVERIFY(after.contains(QStringLiteral("API: 60 / 60")));
        QVERIFY(!after.contains(QStringLiteral("No change yet")));
    }

    void titleCarriesThePageStatusWithoutATray()
    {
        QWidget window;
        AlertCenter center(&window, nullptr, nullptr);
        center.setBaseTitle(QStringLiteral("StatusDesk — page.sqlite"));
        center.setPageStatus({QStringLiteral("major"), QStringLiteral("Partial System Outage")});
        QCOMPARE(window.windowTitle(), QStringLiteral("Partial System Outage — StatusDesk — page.sqlite"));
        AlertObservation o;
        o.firstLook = true;
        o.endpoints = {10, 3, 0};
        center.observe(o);
        QCOMPARE(window.windowTitle(),
                 QStringLiteral("Partial System Outage · 3 endpoints failing — StatusDesk — page.sqlite"));
        // No service and no tray: the alert is still decided, shown by the title and the taskbar alone.
        QSignalSpy alerted(&center, &AlertCenter::alerted);
        o.firstLook = false;
        o.newNotices.push_back(quarantineNotice(1, QStringLiteral("https://a.example/")));
        center.observe(o);
        QCOMPARE(alerted.size(), 1);
        QCOMPARE(alerted.first().at(1).toString(), QStringLiteral("none"));
    }

    // The Proof: a real engine, real loopback receivers, a real session bus and notification server.
    void notificationsOnTheSessionBus_data()
    {
        QTest::addColumn<bool>("doNotDisturb");
        QTest::newRow("notify") << false;
        QTest::newRow("do not disturb") << true;
    }

    void notificationsOnTheSessionBus()
    {
        QFETCH(bool, doNotDisturb);
        if (!QDBusConnection::sessionBus().isConnected())
            QSKIP("no session bus: ctest runs this under dbus-run-session");
        NotificationServer server;
        QVERIFY(server.start());

        test::TempDatabase db;
        test::HttpReceiver ok;
        test::HttpReceiver failing;
        QVERIFY(ok.start());
        QVERIFY(failing.start());
        test::HttpReceiver::Script error;
        error.status = 500;
        error.reason = "Internal Server Error";
        failing.setDefault(error);
        {
            DeliverySettings s;
            s.retryScheduleMs = {0}; // one attempt: a 500 is failed at once
            s.jitter = 0;
            s.save(db.store().settings);
        }
        const QString api = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        SubscriberService subscribers(db.context());
        for (int i = 0; i < 9; ++i)
            QVERIFY(
                subscribers.add({ok.url(QStringLiteral("/ok%1").arg(i)), QStringLiteral("ops@example.com")}));
        const QString bad = subscribers.add({failing.url(), QStringLiteral("ops@example.com")})->id;
        db.reopen();

        QString openError;
        auto session = Session::open(db.path(), &openError);
        QVERIFY2(session, qPrintable(openError));
        QWidget window;
        auto *notifier = new DesktopNotifier;
        QTRY_VERIFY(notifier->isAvailable());
        AlertCenter center(&window, notifier, nullptr);
        center.setDoNotDisturb(doNotDisturb);
        QSignalSpy alerted(&center, &AlertCenter::alerted);
        auto *fanout = new FanoutProgressMonitor(db.path(), session.get());
        fanout->setPollIntervals(200, 500);
        center.follow(*session, fanout);
        QSignalSpy looks(center.reader(), &AlertReader::observed);
        QTRY_VERIFY(!looks.isEmpty()); // the first look, before anything happens
        session->startDelivery();

        // A fan-out to ten endpoints, one of them failing: one notification for the change once it is over.
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        auto changed = session->components().update(api, patch);
        QVERIFY(changed);
        QCOMPARE(changed->messages, 10);
        session->afterChange(changed->messages);
        QTRY_VERIFY_WITH_TIMEOUT(failing.requests().size() >= 1 && ok.requests().size() >= 9, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(alerted.size(), 1, 10000);
        QCOMPARE(qvariant_cast<Alert>(alerted.first().at(0)).kind, Alert::Kind::FanoutFailed);
        if (doNotDisturb) {
            QCOMPARE(alerted.first().at(1).toString(), QStringLiteral("silenced"));
        } else {
            QTRY_COMPARE(server.count(QStringLiteral("Webhooks not delivered: API")), 1);
            const QJsonObject n = server.received().constFirst();
            QCOMPARE(n.value(QStringLiteral("body")).toString(),
                     QStringLiteral("API: 1 of 10 not delivered (9 delivered, 1 failed)"));
            QCOMPARE(n.value(QStringLiteral("desktop_entry")).toString(),
                     QStringLiteral("org.statusdesk.StatusDesk"));
        }

        // A quarantine: nine more failures of that endpoint within the hour (ten in all), then its new
        // message is held: one quarantine notification and one for the second change.
        {
            DeliverySettings s = DeliverySettings::load(session->store().settings);
            s.retryScheduleMs = QList<qint64>(12, 0);
            s.save(session->store().settings);
            session->delivery().stop(); // the engine reads its settings when it starts
            session->startDelivery();
        }
        patch.status = ComponentStatus::Operational;
        changed = session->components().update(api, patch);
        QVERIFY(changed);
        session->afterChange(changed->messages);
        QTRY_COMPARE_WITH_TIMEOUT(sd::toString(session->store().subscribers.find(bad)->state),
                                  QStringLiteral("quarantined"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(alerted.size() >= 3, 10000);
        QTest::qWait(2 * AlertReader::kMinIntervalMs + 500); // and nothing more comes
        QCOMPARE(alerted.size(), 3);
        if (doNotDisturb) {
            QTest::qWait(500);
            QCOMPARE(server.received().size(), 0);
            for (const auto &args : alerted)
                QCOMPARE(args.at(1).toString(), QStringLiteral("silenced"));
            return;
        }
        QTRY_COMPARE(server.count(QStringLiteral("Endpoint quarantined")), 1);
        QCOMPARE(server.count(QStringLiteral("Webhooks not delivered")), 2);
        QCOMPARE(server.received().size(), alerted.size());
        for (const QJsonObject &n : server.received()) {
            if (n.value(QStringLiteral("summary"))
                    .toString()
                    .startsWith(QLatin1String("Endpoint quarantined")))
                QCOMPARE(n.value(QStringLiteral("urgency")).toInt(), 2);
        }
    }

    // The tray's last changes say when each was made: three changes to one component read alike by name and
    // progress alone (seen in the tray menu under Xvfb: "API: 5 / 7 · 2 retrying" three times).
    void trayChangesSayWhen()
    {
        QWidget window;
        auto *tray = new StatusTray;
        AlertCenter center(&window, nullptr, tray);
        const QDateTime first = QDateTime::currentDateTimeUtc().addSecs(-120);
        QList<FanoutSnapshot> recent;
        for (const QDateTime &at : {first, first.addSecs(60)}) {
            FanoutSnapshot s;
            s.fanout.eventId = at.toString();
            s.fanout.subjectName = QStringLiteral("API");
            s.fanout.createdAt = at;
            s.fanout.counts.delivered = 5;
            s.fanout.counts.retrying = 2;
            recent << s;
        }
        center.observeFanouts(recent);
        QStringList texts;
        for (QAction *a : tray->menu()->actions())
            texts << a->text();
        for (const QDateTime &at : {first, first.addSecs(60)}) {
            const QString line = timefmt::display(at) + QStringLiteral(" · API: 5 / 7 · 2 retrying");
            QVERIFY2(texts.contains(line), qPrintable(texts.join(QLatin1Char('\n'))));
        }
    }

    // Two consoles on one desk and database send each alert once, not once each (seen under Xvfb: two
    // identical Notify calls); when the speaking console closes, the next one speaks. A console on another
    // database speaks for itself. Each console is a connection of its own to the bus, as a process is.
    void oneVoicePerDeskAndDatabase()
    {
        if (!QDBusConnection::sessionBus().isConnected())
            QSKIP("no session bus: ctest runs this under dbus-run-session");
        NotificationServer server;
        QVERIFY(server.start());
        QWidget window;
        auto *notifier = new DesktopNotifier(&window); // shared: neither center owns it
        QTRY_VERIFY(notifier->isAvailable());
        auto console = [](const char *name) {
            return QDBusConnection::connectToBus(QDBusConnection::SessionBus, QLatin1String(name));
        };
        const QString one = QStringLiteral("/srv/statusdesk/one.sqlite");
        auto first = std::make_unique<AlertCenter>(&window, notifier, nullptr);
        first->setVoice(new AlertVoice(console("first"), one));
        QTRY_VERIFY(first->voice()->speaks());
        AlertCenter second(&window, notifier, nullptr);
        second.setVoice(new AlertVoice(console("second"), one));
        AlertVoice elsewhere(console("elsewhere"), QStringLiteral("/srv/statusdesk/two.sqlite"));
        QTRY_VERIFY(elsewhere.speaks());
        // The second waits in the name's queue behind the first.
        auto queued = [&] {
            const QDBusReply<QStringList> owners = QDBusConnection::sessionBus().interface()->call(
                QStringLiteral("ListQueuedOwners"), second.voice()->serviceName());
            return owners.isValid() ? owners.value().size() : 0;
        };
        QTRY_COMPARE(queued(), 2);
        QVERIFY(!second.voice()->speaks());

        first->setDoNotDisturb(false); // kept in QSettings: an earlier test may have left it on
        second.setDoNotDisturb(false);
        Alert alert;
        alert.kind = Alert::Kind::Quarantine;
        alert.title = QStringLiteral("Endpoint quarantined: one voice");
        QSignalSpy firstSaid(first.get(), &AlertCenter::alerted);
        QSignalSpy secondSaid(&second, &AlertCenter::alerted);
        first->announce(alert);
        second.announce(alert);
        QCOMPARE(firstSaid.constFirst().at(1).toString(), QStringLiteral("notification"));
        QCOMPARE(secondSaid.constFirst().at(1).toString(), QStringLiteral("another console"));
        QTRY_COMPARE(server.count(alert.title), 1);
        QTest::qWait(300);
        QCOMPARE(server.count(alert.title), 1);

        first.reset(); // the speaking console closes
        QTRY_VERIFY(second.voice()->speaks());
        second.announce(alert);
        QCOMPARE(secondSaid.constLast().at(1).toString(), QStringLiteral("notification"));
        QTRY_COMPARE(server.count(alert.title), 2);
    }
};

QTEST_MAIN(TestAlerts)
#include "tst_alerts.moc"
