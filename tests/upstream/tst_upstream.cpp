#include "app/delivery/deliverycontroller.h"
#include "app/services/subscriberservice.h"
#include "app/upstream/upstreampoller.h"
#include "app/upstream/upstreamservice.h"
#include "models/deliverysettings.h"
#include "models/upstreamrepository.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/tinyproxy.h"
#include "tests/upstream/upstreamtestsupport.h"

#include <QDir>
#include <QSet>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>

using namespace sd;
using namespace sd::upstream;

namespace {

// The local desk: its store (SQLite or PostgreSQL), a receiver subscribed to the followed page, and the page.
struct Desk
{
    test::TempDatabase db;
    test::HttpReceiver hooks;
    QString secret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    QString subscriber;
    QString bystander; // subscribed to the local page only: hears nothing from upstream
    QString upstream;

    Desk()
    {
        if (!hooks.start(QHostAddress(QStringLiteral("127.0.0.1"))))
            qFatal("receiver did not start");
        DeliverySettings s;
        s.leaseMs = 3000; // leases taken over within a second or two of a SIGKILL on another host
        s.save(db.store().settings);
        db.store().settings.setValue(QStringLiteral("upstream.timeout_ms"), QStringLiteral("1500"));
        subscriber = add(hooks.url(QStringLiteral("/relay")), secret);
        bystander = add(hooks.url(QStringLiteral("/local-only")), {});
    }
    QString add(const QString &endpoint, const QString &withSecret)
    {
        auto s = SubscriberService(db.context())
                     .add({endpoint, QStringLiteral("ops@example.com"), {}, withSecret});
        if (!s)
            qFatal("%s", qPrintable(s.error()));
        return s->id;
    }
    // Follows `url` every second and lets `subscriber` hear it.
    void follow(const QString &url)
    {
        NewUpstream n;
        n.url = url;
        n.name = QStringLiteral("Vendor X");
        n.intervalMs = 1000;
        auto u = UpstreamService(db.context()).follow(n);
        if (!u)
            qFatal("%s", qPrintable(u.error()));
        upstream = u->id;
        if (!UpstreamService(db.context()).setSubscriberUpstreams(subscriber, {upstream}))
            qFatal("cannot subscribe");
    }
    // Follows a scriptable loopback server that answers `script` until told otherwise.
    bool followSite(test::HttpReceiver &site, const test::HttpReceiver::Script &script)
    {
        if (!site.start(QHostAddress(QStringLiteral("127.0.0.1"))))
            return false;
        site.setDefault(script);
        follow(site.url(QString()));
        return true;
    }
    Upstream row()
    {
        db.store().db().finishAll();
        return *UpstreamRepository(db.store().db()).find(upstream);
    }
    std::vector<UpstreamEvent> events(UpstreamEvent::Kind kind)
    {
        std::vector<UpstreamEvent> out;
        for (const UpstreamEvent &e : UpstreamRepository(db.store().db()).events(upstream, -1)) {
            if (e.kind == kind)
                out.push_back(e);
        }
        db.store().db().finishAll();
        return out;
    }
    // One request per webhook-id: a delivery that was on the wire when its process was killed is sent again
    // under the same id (the outbox's at-least-once); a change relayed twice would have two ids.
    QList<test::ReceivedRequest> relayed() const
    {
        QList<test::ReceivedRequest> out;
        QSet<QByteArray> seen;
        for (const test::ReceivedRequest &r : hooks.requests()) {
            if (r.path == "/relay" && !seen.contains(r.headers.value("webhook-id"))) {
                seen.insert(r.headers.value("webhook-id"));
                out << r;
            }
        }
        return out;
    }
    int posts() const
    {
        int n = 0;
        for (const test::ReceivedRequest &r : hooks.requests())
            n += r.path == "/relay" ? 1 : 0;
        return n;
    }
    // The relayed webhooks queued for `subscriber`, by id.
    QStringList messages()
    {
        QStringList out;
        for (const Message &m : db.store().outbox.list({})) {
            if (m.subscriberId == subscriber)
                out << m.id;
        }
        db.store().db().finishAll();
        return out;
    }
    bool delivered(const QString &messageId)
    {
        for (const Message &m : db.store().outbox.list({})) {
            if (m.id == messageId)
                return m.state == DeliveryState::Delivered;
        }
        return false;
    }
    void pollNow()
    {
        UpstreamRepository(db.store().db()).setNextPoll(upstream, QDateTime::currentDateTimeUtc());
    }
};

// The documented summary.json example (tests/data/statuspage-v2) with API's status set to `status`.
QByteArray documentedSummary(const QString &status)
{
    QJsonObject s =
        QJsonDocument::fromJson(test::fixture(QStringLiteral("statuspage-v2/summary.json"))).object();
    QJsonArray components = s.value(QLatin1String("components")).toArray();
    QJsonObject api = components.at(0).toObject();
    if (api.value(QLatin1String("status")).toString() != status) {
        api.insert(QStringLiteral("status"), status);
        api.insert(QStringLiteral("updated_at"), QStringLiteral("2014-05-14T21:00:00.000Z"));
    }
    components.replace(0, api);
    s.insert(QStringLiteral("components"), components);
    return QJsonDocument(s).toJson(QJsonDocument::Compact);
}

test::HttpReceiver::Script answer(const QByteArray &body, QList<QPair<QByteArray, QByteArray>> headers = {})
{
    test::HttpReceiver::Script s;
    s.body = body;
    s.headers = std::move(headers);
    s.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    return s;
}

// What `statusdesk-cli serve` runs, in-process: the poller thread, and the delivery engine it wakes.
struct InProcessPoller
{
    DeliveryController delivery;
    UpstreamController controller;
    explicit InProcessPoller(const QString &path)
        : delivery(path)
        , controller(path, QStringLiteral("test"))
    {
        QObject::connect(&controller, &UpstreamController::recorded, &delivery,
                         [this](const QStringList &, int messages) {
                             if (messages > 0)
                                 delivery.wake();
                         });
        delivery.start();
        controller.start();
    }
    ~InProcessPoller() { controller.stop(); }
};

} // namespace

// Following a public Statuspage page with real processes and a real upstream: a second `statusdesk-cli serve`
// (public v2) as the followed page, `statusdesk-cli serve` as the local poller and engine, a loopback
// receiver subscribed to the page; and a scriptable loopback server where the page must fail (500, hang,
// close) or answer 304. Every test runs on SQLite and PostgreSQL.
class TestUpstream final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qInfo("backend: %s", qPrintable(test::backendName())); }

    // A change upstream arrives once at a receiver subscribed to that page, signed, in Statuspage's shape
    // with the upstream's page block; a subscriber of the local page alone hears nothing.
    void changeArrivesOnceSigned()
    {
        test::UpstreamPage page;
        QVERIFY(!page.url.isEmpty());
        Desk desk;
        desk.follow(page.url);
        test::CliServe poller(desk.db.path());
        QVERIFY2(!poller.waitForUrl().isEmpty(), poller.output().constData());
        QTRY_VERIFY_WITH_TIMEOUT(desk.row().snapshotVersion >= 1, 15000); // the baseline: nothing relayed
        QCOMPARE(desk.relayed().size(), 0);

        QVERIFY(page.setStatus(page.api, ComponentStatus::MajorOutage));
        QTRY_COMPARE_WITH_TIMEOUT(desk.relayed().size(), 1, 15000);
        const QString incident =
            page.openIncident(QStringLiteral("Elevated API errors"), IncidentStatus::Investigating, page.web,
                              ComponentStatus::PartialOutage);
        QVERIFY(!incident.isEmpty());
        // Its component change and the incident: two more.
        QTRY_COMPARE_WITH_TIMEOUT(desk.relayed().size(), 3, 15000);

        const QList<test::ReceivedRequest> got = desk.relayed();
        const QJsonObject first = test::bodyOf(got.at(0).body);
        QCOMPARE(first.value(QLatin1String("component")).toObject().value(QLatin1String("id")).toString(),
                 page.api);
        const QJsonObject update = first.value(QLatin1String("component_update")).toObject();
        QCOMPARE(update.value(QLatin1String("old_status")).toString(), QStringLiteral("operational"));
        QCOMPARE(update.value(QLatin1String("new_status")).toString(), QStringLiteral("major_outage"));
        const QJsonObject pageBlock = first.value(QLatin1String("page")).toObject();
        QCOMPARE(pageBlock.value(QLatin1String("name")).toString(), QStringLiteral("Vendor X"));
        QCOMPARE(pageBlock.value(QLatin1String("url")).toString(), page.url);
        QCOMPARE(pageBlock.value(QLatin1String("id")).toString(), page.store().page.get().id);
        // One of two components in a major outage: "some major_outage" rolls up to major.
        QCOMPARE(pageBlock.value(QLatin1String("status_indicator")).toString(), QStringLiteral("major"));
        const QJsonObject meta = first.value(QLatin1String("meta")).toObject();
        QCOMPARE(meta.value(QLatin1String("source")).toString(),
                 page.url + QStringLiteral("/api/v2/summary.json"));
        QVERIFY(meta.value(QLatin1String("unsubscribe")).toString().contains(QLatin1String("?unsubscribe=")));
        int incidents = 0;
        QSet<QByteArray> ids;
        for (const test::ReceivedRequest &r : got) {
            ids.insert(r.headers.value("webhook-id"));
            const QJsonObject body = test::bodyOf(r.body);
            if (body.contains(QLatin1String("incident"))) {
                ++incidents;
                QCOMPARE(
                    body.value(QLatin1String("incident")).toObject().value(QLatin1String("id")).toString(),
                    incident);
            }
            // Signed like every webhook: the receiver can check it with the subscriber's secret.
            QVERIFY(r.headers.value("webhook-signature").startsWith("v1,"));
        }
        QCOMPARE(incidents, 1);
        QCOMPARE(ids.size(), 3);
        QCOMPARE(desk.posts(), 3); // nothing was killed: not even a delivery was repeated
        verifySignatures(got, desk.secret);
        for (const test::ReceivedRequest &r : desk.hooks.requests())
            QCOMPARE(r.path, QByteArray("/relay")); // the bystander heard nothing
        // Each recorded once, with the webhook it queued.
        QCOMPARE(desk.events(UpstreamEvent::Kind::Component).size(), size_t(2));
        for (const UpstreamEvent &e : desk.events(UpstreamEvent::Kind::Component))
            QCOMPARE(e.messages, 1);
        QCOMPARE(desk.events(UpstreamEvent::Kind::Incident).size(), size_t(1));
    }

    // Stale while the page answers 500, hangs past the timeout, closes without answering or is not a
    // Statuspage page; fresh again, with nothing relayed twice, once it answers.
    void staleAndRecovers_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("says");
        using Mode = test::HttpReceiver::Mode;
        QTest::newRow("500") << int(Mode::Respond) << 500 << QStringLiteral("answered HTTP 500");
        QTest::newRow("hang") << int(Mode::Hang) << 0 << QStringLiteral("(timeout)");
        QTest::newRow("close") << int(Mode::CloseWithoutResponse) << 0 << QStringLiteral("(reset)");
        QTest::newRow("not statuspage")
            << int(Mode::Respond) << 200 << QStringLiteral("not a Statuspage summary");
    }
    void staleAndRecovers()
    {
        QFETCH(int, mode);
        QFETCH(int, status);
        QFETCH(QString, says);
        Desk desk;
        test::HttpReceiver site;
        QVERIFY(desk.followSite(site, answer(documentedSummary(QStringLiteral("partial_outage")))));
        InProcessPoller poller(desk.db.path());
        QTRY_VERIFY_WITH_TIMEOUT(desk.row().snapshotVersion == 1, 15000);
        QVERIFY(!desk.row().isStale());

        test::HttpReceiver::Script failing = answer("<html>maintenance</html>");
        failing.mode = static_cast<test::HttpReceiver::Mode>(mode);
        failing.status = status;
        failing.reason = status == 500 ? QByteArrayLiteral("Internal Server Error") : QByteArrayLiteral("OK");
        site.setDefault(failing);
        const QDateTime failedFrom = QDateTime::currentDateTimeUtc();
        QTRY_VERIFY_WITH_TIMEOUT(desk.row().isStale(), 15000);
        const Upstream stale = desk.row();
        QVERIFY2(stale.lastError.contains(says), qPrintable(stale.lastError));
        QVERIFY(stale.staleSince >= failedFrom.addMSecs(-1000));
        QVERIFY(stale.failures >= 1);
        // Backing off: the next read waits the interval doubled per failure in a row.
        QVERIFY(stale.nextPollAt >= stale.lastCheckedAt.addMSecs(2000 - 1));

        // Recovers with a change made meanwhile, relayed once.
        site.setDefault(answer(documentedSummary(QStringLiteral("operational"))));
        desk.pollNow();
        poller.controller.wake();
        QTRY_VERIFY_WITH_TIMEOUT(!desk.row().isStale(), 15000);
        QCOMPARE(desk.row().failures, 0);
        QVERIFY(desk.row().lastError.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(desk.relayed().size(), 1, 15000);
        QCOMPARE(desk.events(UpstreamEvent::Kind::Component).size(), size_t(1));
    }

    // The page is read the way webhooks leave this desk, through the `delivery.proxy` setting: with a real
    // tinyproxy set as the proxy, `upstream add` (its first read) and `upstream poll` ask the proxy for the
    // page, and a change read through it is relayed; with the proxy gone, the page goes stale naming the
    // proxy.
    void readsThroughTheProxy()
    {
        test::Tinyproxy proxy;
        QVERIFY2(proxy.start(), "tinyproxy did not start");
        test::UpstreamPage page;
        QVERIFY(!page.url.isEmpty());
        Desk desk;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment(); // the machine's proxy is not ours
        for (const char *name : {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY",
                                 "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"})
            env.remove(QLatin1String(name));
        const auto cli = [&](const QStringList &args) {
            return test::runCli(QStringList{QStringLiteral("--db"), desk.db.path()} + args, env);
        };
        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("--proxy"), proxy.url()}).code, 0);
        const auto summaryReads = [&] {
            return proxy.requests()
                .filter(QStringLiteral("GET %1/api/v2/summary.json HTTP/1.1").arg(page.url))
                .size();
        };

        const test::CliRun added =
            cli({QStringLiteral("upstream"), QStringLiteral("add"), page.url, QStringLiteral("--name"),
                 QStringLiteral("Vendor X"), QStringLiteral("--every"), QStringLiteral("1s")});
        QCOMPARE(added.code, 0);
        QTRY_COMPARE(summaryReads(), 1);
        desk.upstream = added.out.section(QLatin1Char('\n'), 0, 0).trimmed();
        QVERIFY(UpstreamService(desk.db.context()).setSubscriberUpstreams(desk.subscriber, {desk.upstream}));
        const QStringList poll{QStringLiteral("upstream"), QStringLiteral("poll"), QStringLiteral("--all")};
        QCOMPARE(cli(poll).code, 0);
        QTRY_COMPARE(summaryReads(), 2);
        QVERIFY2(!desk.row().isStale(), qPrintable(desk.row().lastError));
        QVERIFY(desk.row().snapshotVersion >= 1); // the baseline

        QVERIFY(page.setStatus(page.api, ComponentStatus::MajorOutage));
        QCOMPARE(cli(poll).code, 0);
        QTRY_COMPARE(summaryReads(), 3);
        QCOMPARE(desk.events(UpstreamEvent::Kind::Component).size(), size_t(1));
        QCOMPARE(desk.messages().size(), qsizetype(1));

        // The proxy gone: nothing reaches the page directly, and the reason names the proxy.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("--proxy"),
                      QStringLiteral("http://127.0.0.1:%1").arg(port)})
                     .code,
                 0);
        QVERIFY(page.setStatus(page.api, ComponentStatus::Operational));
        cli(poll);
        const Upstream stale = desk.row();
        QVERIFY(stale.isStale());
        QVERIFY2(stale.lastError.contains(QStringLiteral("proxy 127.0.0.1:%1").arg(port)),
                 qPrintable(stale.lastError));
        QCOMPARE(summaryReads(), 3);
        QCOMPARE(desk.events(UpstreamEvent::Kind::Component).size(), size_t(1));
    }

    // 429 with Retry-After: the next read waits at least that long.
    void retryAfterIsHonoured()
    {
        Desk desk;
        test::HttpReceiver site;
        QVERIFY(site.start(QHostAddress(QStringLiteral("127.0.0.1"))));
        test::HttpReceiver::Script limited =
            answer("slow down", {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("600")}});
        limited.status = 429;
        limited.reason = "Too Many Requests";
        site.setDefault(limited);
        desk.follow(site.url(QString()));
        InProcessPoller poller(desk.db.path());
        QTRY_VERIFY_WITH_TIMEOUT(desk.row().isStale(), 15000);
        const Upstream u = desk.row();
        QVERIFY2(u.lastError.contains(QLatin1String("HTTP 429")), qPrintable(u.lastError));
        QVERIFY(u.nextPollAt >= u.lastCheckedAt.addSecs(600));
        QVERIFY(u.nextPollAt <= u.lastCheckedAt.addSecs(601));
    }

    // The poller sends the ETag and Last-Modified it was given; a 304 leaves everything as it was.
    void conditionalRequests()
    {
        Desk desk;
        test::HttpReceiver site;
        QVERIFY(site.start(QHostAddress(QStringLiteral("127.0.0.1"))));
        const QByteArray lastModified = "Wed, 14 May 2014 20:35:21 GMT";
        site.setDefault(answer(documentedSummary(QStringLiteral("partial_outage")),
                               {{QByteArrayLiteral("ETag"), QByteArrayLiteral("W/\"v1\"")},
                                {QByteArrayLiteral("Last-Modified"), lastModified}}));
        desk.follow(site.url(QString()));
        InProcessPoller poller(desk.db.path());
        QTRY_VERIFY_WITH_TIMEOUT(desk.row().snapshotVersion == 1, 15000);
        const QDateTime firstRead = desk.row().lastSuccessAt;
        test::HttpReceiver::Script notModified;
        notModified.status = 304;
        notModified.reason = "Not Modified";
        notModified.body.clear();
        site.setDefault(notModified);
        const qsizetype before = site.requests().size();
        QTRY_VERIFY_WITH_TIMEOUT(site.requests().size() >= before + 2, 15000);
        const test::ReceivedRequest last = site.requests().last();
        QCOMPARE(last.headers.value("if-none-match"), QByteArray("W/\"v1\""));
        QCOMPARE(last.headers.value("if-modified-since"), lastModified);
        QTRY_VERIFY_WITH_TIMEOUT(desk.row().lastSuccessAt > firstRead, 5000); // a 304 is a good read
        const Upstream u = desk.row();
        QCOMPARE(u.snapshotVersion, qint64(1));
        QVERIFY(!u.isStale());
        QCOMPARE(u.etag, QStringLiteral("W/\"v1\""));
        QCOMPARE(desk.relayed().size(), 0);
    }

    // Two `serve` processes poll one page: one holds its lease and reads it; each change is relayed once.
    // When the holder is killed (SIGKILL, no hand-back), the other takes over and nothing is lost or doubled.
    void twoProcessesRelayEachChangeOnce()
    {
        test::UpstreamPage page;
        QVERIFY(!page.url.isEmpty());
        Desk desk;
        desk.follow(page.url);
        auto a = std::make_unique<test::CliServe>(desk.db.path());
        test::CliServe b(desk.db.path());
        QVERIFY(!a->waitForUrl().isEmpty());
        QVERIFY(!b.waitForUrl().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(desk.row().snapshotVersion >= 1, 15000);
        const qint64 holder = desk.row().leasePid;
        QVERIFY(holder == a->pid() || holder == b.pid());

        const ComponentStatus steps[] = {ComponentStatus::DegradedPerformance, ComponentStatus::MajorOutage,
                                         ComponentStatus::Operational, ComponentStatus::PartialOutage};
        int expected = 0;
        for (const ComponentStatus s : steps) {
            QVERIFY(page.setStatus(page.api, s));
            ++expected;
            QTRY_COMPARE_WITH_TIMEOUT(desk.relayed().size(), expected, 15000);
        }
        QCOMPARE(desk.row().leasePid, holder); // one reader all along

        // The holder dies without handing its lease back; the survivor takes the page over.
        test::CliServe &survivor = holder == a->pid() ? b : *a;
        if (holder == a->pid())
            a->kill();
        else
            b.kill();
        QVERIFY(page.setStatus(page.web, ComponentStatus::MajorOutage));
        ++expected;
        QTRY_COMPARE_WITH_TIMEOUT(desk.relayed().size(), expected, 20000);
        qInfo("lease held by %lld, survivor %lld, killed %lld", desk.row().leasePid, survivor.pid(), holder);
        QCOMPARE(desk.row().leasePid, survivor.pid());
        QVERIFY(page.setStatus(page.web, ComponentStatus::Operational));
        ++expected;
        QTRY_COMPARE_WITH_TIMEOUT(desk.relayed().size(), expected, 15000);

        QSet<QString> updates;
        for (const test::ReceivedRequest &r : desk.relayed())
            updates.insert(test::bodyOf(r.body)
                               .value(QLatin1String("component_update"))
                               .toObject()
                               .value(QLatin1String("id"))
                               .toString());
        QCOMPARE(updates.size(), expected); // each change once
        QCOMPARE(desk.events(UpstreamEvent::Kind::Component).size(), size_t(expected));
    }

    // SIGKILL of the poller after it fetched a change and before it recorded it (the store's writer lock is
    // held so the record waits): the change is neither lost nor relayed twice once a poller runs again.
    void sigkillBetweenFetchAndRecord()
    {
        Desk desk;
        test::HttpReceiver site;
        QVERIFY(desk.followSite(site, answer(documentedSummary(QStringLiteral("partial_outage")))));
        auto poller = std::make_unique<test::CliServe>(desk.db.path());
        QVERIFY(!poller->waitForUrl().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(desk.row().snapshotVersion == 1, 15000);

        {
            WriterLock lock(desk.db.path());
            QVERIFY2(lock.held(), qPrintable(lock.error()));
            site.setDefault(answer(documentedSummary(QStringLiteral("operational"))));
            const qsizetype before = site.requests().size();
            // Fetched; now waiting for the lock to record (a claim due first may wait up to 10 s on it too).
            QTRY_VERIFY_WITH_TIMEOUT(site.requests().size() > before, 30000);
            poller->kill();
        }
        QCOMPARE(desk.row().snapshotVersion, qint64(1)); // nothing of the change was written
        QCOMPARE(desk.events(UpstreamEvent::Kind::Component).size(), size_t(0));
        QCOMPARE(desk.relayed().size(), 0);

        poller = std::make_unique<test::CliServe>(desk.db.path());
        QVERIFY(!poller->waitForUrl().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(desk.relayed().size(), 1, 15000);
        const QStringList queued = desk.messages();
        QCOMPARE(queued.size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(desk.delivered(queued.first()), 15000);
        // Killed again after it recorded and delivered: the next poller reads the page again and finds
        // nothing new.
        poller->kill();
        poller = std::make_unique<test::CliServe>(desk.db.path());
        QVERIFY(!poller->waitForUrl().isEmpty());
        const qsizetype reads = site.requests().size();
        QTRY_VERIFY_WITH_TIMEOUT(site.requests().size() >= reads + 2, 15000);
        QCOMPARE(desk.relayed().size(), 1);
        QCOMPARE(desk.messages(), queued);
        QCOMPARE(desk.events(UpstreamEvent::Kind::Component).size(), size_t(1));
    }

    // A change made while no poller runs is relayed when one starts again.
    void nothingMissedAcrossARestart()
    {
        Desk desk;
        test::HttpReceiver site;
        QVERIFY(desk.followSite(site, answer(documentedSummary(QStringLiteral("partial_outage")))));
        {
            InProcessPoller poller(desk.db.path());
            QTRY_VERIFY_WITH_TIMEOUT(desk.row().snapshotVersion == 1, 15000);
        }
        QVERIFY(desk.row().leaseOwner.isEmpty()); // a clean stop hands the lease back
        site.setDefault(answer(documentedSummary(QStringLiteral("major_outage"))));
        test::CliServe poller(desk.db.path());
        QVERIFY(!poller.waitForUrl().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(desk.relayed().size(), 1, 15000);
        QCOMPARE(test::bodyOf(desk.relayed().at(0).body)
                     .value(QLatin1String("component_update"))
                     .toObject()
                     .value(QLatin1String("new_status"))
                     .toString(),
                 QStringLiteral("major_outage"));
    }

private:
    // Holds the store's one-writer lock from a connection of the test's own, as another desk's long write
    // would.
    class WriterLock
    {
    public:
        explicit WriterLock(const QString &location)
            : m_name(QStringLiteral("writer-lock"))
        {
            m_db = test::openConnection(location, m_name);
            if (!m_db.isOpen()) {
                m_error = m_db.lastError().text();
                return;
            }
            QSqlQuery q(m_db);
            const bool pg = location.startsWith(QLatin1String("postgresql://"));
            m_held =
                pg ? q.exec(QStringLiteral("BEGIN")) &&
                         q.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(0x5374617475734465LL))
                   : q.exec(QStringLiteral("BEGIN IMMEDIATE"));
            if (!m_held)
                m_error = q.lastError().text();
        }
        ~WriterLock()
        {
            {
                QSqlQuery q(m_db);
                q.exec(QStringLiteral("ROLLBACK"));
            }
            m_db.close();
            m_db = QSqlDatabase();
            QSqlDatabase::removeDatabase(m_name);
        }
        bool held() const { return m_held; }
        QString error() const { return m_error; }

    private:
        QString m_name;
        QSqlDatabase m_db;
        bool m_held = false;
        QString m_error;
    };

    // The standardwebhooks npm package (tests/signature) checks what the receiver got.
    void verifySignatures(const QList<test::ReceivedRequest> &got, const QString &secret)
    {
        const QString dir =
            QDir(QStringLiteral(STATUSDESK_TEST_DATA_DIR)).filePath(QStringLiteral("../signature"));
        QVERIFY2(
            QFile::exists(dir + QStringLiteral("/node_modules/standardwebhooks/package.json")),
            "the standardwebhooks npm package is missing: run scripts/test.sh (npm ci in tests/signature)");
        QJsonArray cases;
        for (const test::ReceivedRequest &r : got)
            cases.append(QJsonObject{
                {QStringLiteral("secret"), secret},
                {QStringLiteral("id"), QString::fromLatin1(r.headers.value("webhook-id"))},
                {QStringLiteral("timestamp"), QString::fromLatin1(r.headers.value("webhook-timestamp"))},
                {QStringLiteral("signature"), QString::fromLatin1(r.headers.value("webhook-signature"))},
                {QStringLiteral("body_base64"), QString::fromLatin1(r.body.toBase64())}});
        QProcess node;
        node.setWorkingDirectory(dir);
        node.start(QStringLiteral("node"), {QStringLiteral("verify.js")});
        QVERIFY(node.waitForStarted(10000));
        node.write(QJsonDocument(cases).toJson(QJsonDocument::Compact));
        node.closeWriteChannel();
        QVERIFY(node.waitForFinished(30000));
        const QJsonArray results = QJsonDocument::fromJson(node.readAllStandardOutput()).array();
        QCOMPARE(results.size(), got.size());
        for (const QJsonValue &v : results)
            QVERIFY2(v.isBool() && v.toBool(), qPrintable(v.toString()));
    }
};

QTEST_GUILESS_MAIN(TestUpstream)
#include "tst_upstream.moc"
