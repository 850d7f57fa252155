// The public status page of `serve` (issue 10, item 4): hostile names escaped everywhere, a strict CSP, the
// history feeds well-formed XML, the webhook subscribe form (test webhook first, nothing saved on failure,
// CSRF token, rate limit) and the page rendered by headless Chromium, its indicator colour sampled.
#include "app/api/htmlescape.h"
#include "app/api/publicsite.h"
#include "app/api/statuspagehtml.h"
#include "app/api/subscribechecks.h"
#include "models/deliverysettings.h"
#include "models/smtpsettings.h"
#include "models/targetpolicy.h"
#include "tests/api/publictestsupport.h"
#include "tests/support/httpreceiver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QImage>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrlQuery>
#include <QXmlStreamReader>

using namespace sd;
using namespace Qt::Literals::StringLiterals;
using sd::test::PublicReply;

namespace {

const QString kHostileComponent = QStringLiteral("<script>alert(\"c\")</script>");
const QString kHostileIncident = QStringLiteral("</title><img src=x onerror=alert(1)> \"Q\" & 'S'");
const QString kHostileBody = QStringLiteral("<iframe src=\"javascript:alert(2)\"></iframe> a&b");
const QString kHostileGroup = QStringLiteral("\"><b onmouseover=alert(3)>grp</b>");
const QString kHostilePage = QStringLiteral("Acme & Co <Status> \"live\"");

QString hiddenValue(const QByteArray &html, const QString &name)
{
    const QRegularExpression re(QStringLiteral("name=\"%1\" value=\"([^\"]*)\"").arg(name));
    return re.match(QString::fromUtf8(html)).captured(1);
}

QRgb rgb(const QString &hex)
{
    return QColor::fromString(hex).rgb();
}

bool near(QRgb a, QRgb b)
{
    return qAbs(qRed(a) - qRed(b)) <= 3 && qAbs(qGreen(a) - qGreen(b)) <= 3 && qAbs(qBlue(a) - qBlue(b)) <= 3;
}

} // namespace

class TestStatusPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void hostileNamesAreEscaped();
    void escapeHelper_data();
    void escapeHelper();
    void strictContentSecurityPolicy();
    void feedsAreWellFormed_data();
    void feedsAreWellFormed();
    void subscribeSavesOnlyAfterTestWebhook();
    void failingEndpointSavesNothing_data();
    void failingEndpointSavesNothing();
    void subscribeNeedsTheFormToken();
    void subscribeIsRateLimited();
    void formRefusesNonPublicTargets_data();
    void formRefusesNonPublicTargets();
    void formRefusesNamesResolvingToPrivate();
    void formRefusesUrlCredentials();
    void formTokenIsSingleUseAndShortLived();
    void formLimitsArePerClient();
    void formLimitsFollowTrustedForwardedFor();
    void formSubscriptionIsEmailed();
    void pageThatRefusesWebhookSubscribers();
    void chromiumRendersThePage_data();
    void chromiumRendersThePage();

private:
    PublicReply get(const QString &path)
    {
        return test::httpSend(*m_nam, QUrl(m_server->url()).resolved(QUrl(path)));
    }
    PublicReply post(const QString &path, const QByteArray &form)
    {
        return test::httpSend(*m_nam, QUrl(m_server->url()).resolved(QUrl(path)), "POST", form);
    }
    QByteArray form(const QString &endpoint, const QString &token)
    {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("csrf"), token);
        q.addQueryItem(QStringLiteral("endpoint"), QString::fromLatin1(QUrl::toPercentEncoding(endpoint)));
        q.addQueryItem(QStringLiteral("email"), QStringLiteral("ops%40example.com"));
        return q.toString(QUrl::FullyEncoded).toLatin1();
    }
    // Follows the subscribe redirect until the outcome is known (the page refreshes itself in a browser).
    PublicReply outcome(const PublicReply &posted)
    {
        const QString location = QString::fromLatin1(posted.header("location"));
        PublicReply r;
        for (int i = 0; i < 200; ++i) {
            r = get(location);
            if (!r.body.contains("http-equiv=\"refresh\""))
                break;
            QTest::qWait(50);
        }
        return r;
    }
    int subscribers() { return static_cast<int>(m_db->store().subscribers.all().size()); }
    QString token() { return hiddenValue(get(QStringLiteral("/")).body, QStringLiteral("csrf")); }
    // The form's endpoints must be public; these tests may only send to loopback, so the one receiver's
    // address 127.0.0.1 counts as public where a test needs the form to reach it (every other address is
    // judged by the real policy).
    void treatLoopbackAsPublic()
    {
        m_server->publicSite().subscribeChecks().setAddressCheck([](const QHostAddress &a) {
            return a == QHostAddress(QHostAddress::LocalHost) ? QString()
                                                              : targetpolicy::checkPublicAddress(a);
        });
    }
    // A POST from another loopback address (the server tells clients apart by address): the raw status
    // line's code and the whole answer.
    std::pair<int, QByteArray> postFrom(const QString &from, const QByteArray &form,
                                        const QByteArray &extraHeaders = {})
    {
        QTcpSocket socket;
        socket.bind(QHostAddress(from));
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        if (!socket.waitForConnected(5000))
            return {0, {}};
        socket.write("POST /subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\n" +
                     extraHeaders + "Content-Length: " + QByteArray::number(form.size()) + "\r\n\r\n" + form);
        // Read until the head and its Content-Length body are in (QtHttpServer keeps the connection open).
        QByteArray answer;
        const auto complete = [&answer] {
            const qsizetype end = answer.indexOf("\r\n\r\n");
            if (end < 0)
                return false;
            qsizetype length = 0;
            for (const QByteArray &line : answer.left(end).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            return answer.size() >= end + 4 + length;
        };
        QSignalSpy readable(&socket, &QTcpSocket::readyRead);
        for (int i = 0; i < 100 && !complete() && socket.state() == QAbstractSocket::ConnectedState; ++i) {
            readable.wait(100);
            answer += socket.readAll();
        }
        return {answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0, answer};
    }
    void makeHostilePage();

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<api::ApiServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

void TestStatusPage::init()
{
    m_db = std::make_unique<test::TempDatabase>();
    m_server = std::make_unique<api::ApiServer>(m_db->store());
    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, false, &error), qPrintable(error));
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy);
}

void TestStatusPage::cleanup()
{
    m_nam.reset();
    m_server.reset();
    m_db.reset();
}

void TestStatusPage::makeHostilePage()
{
    ServiceContext ctx = m_db->context();
    Page page = m_db->store().page.get();
    page.name = kHostilePage;
    m_db->store().page.save(page);
    NewComponent c;
    c.name = kHostileComponent;
    c.group = kHostileGroup;
    c.description = kHostileBody;
    auto added = ComponentService(ctx).add(c);
    QVERIFY(added.ok());
    NewIncident n;
    n.name = kHostileIncident;
    n.body = kHostileBody;
    n.status = IncidentStatus::Investigating;
    n.components = {{added->id, ComponentStatus::MajorOutage}};
    n.notify = false;
    QVERIFY(IncidentService(ctx).create(n).ok());
}

void TestStatusPage::hostileNamesAreEscaped()
{
    makeHostilePage();
    const PublicReply r = get(QStringLiteral("/"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-type"), QByteArray("text/html; charset=utf-8"));
    const QString html = QString::fromUtf8(r.body);
    // Not one tag or attribute from the data made it through as markup.
    for (const char *raw : {"<script", "<img", "<iframe", "<b ", "onerror=alert(1)>"}) {
        QVERIFY2(!html.contains(QLatin1String(raw)), raw);
    }
    // Each value appears, escaped by the one helper, where it belongs (text and attributes alike).
    for (const QString &value :
         {kHostileComponent, kHostileIncident, kHostileBody, kHostileGroup, kHostilePage})
        QVERIFY2(html.contains(web::escape(value)), qPrintable(value));
    QVERIFY(
        html.contains(QStringLiteral("<title>Acme &amp; Co &lt;Status&gt; &quot;live&quot; Status</title>")));
    QVERIFY(html.contains(QStringLiteral("title=\"")));
    // A component shown only when degraded is left out while it is operational.
    NewComponent quiet;
    quiet.name = QStringLiteral("Quiet backup");
    quiet.onlyShowIfDegraded = true;
    QVERIFY(ComponentService(m_db->context()).add(quiet).ok());
    const QByteArray quietPage = get(QStringLiteral("/")).body;
    QVERIFY(!quietPage.contains("<span class=\"name\">Quiet backup"));
    QVERIFY(quietPage.contains(
        "> Quiet backup</label>")); // still offered in the subscribe form // the history bars' tooltips
    QVERIFY(html.contains(
        QStringLiteral("&quot;Q&quot; &amp; &#39;S&#39;\"></span>"))); // inside a title="..." attribute
    QVERIFY(html.contains(
        QStringLiteral("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")));
}

void TestStatusPage::escapeHelper_data()
{
    QTest::addColumn<QString>("in");
    QTest::addColumn<QString>("out");
    QTest::newRow("tags") << u"<script>x</script>"_s << u"&lt;script&gt;x&lt;/script&gt;"_s;
    QTest::newRow("quotes") << u"a\"b'c"_s << u"a&quot;b&#39;c"_s;
    QTest::newRow("ampersand first") << u"&lt;"_s << u"&amp;lt;"_s;
    QTest::newRow("control characters dropped") << QStringLiteral("a\x01"
                                                                  "b\tc")
                                                << u"ab\tc"_s;
    QTest::newRow("unicode kept") << u"Zürich ✓"_s << u"Zürich ✓"_s;
}

void TestStatusPage::escapeHelper()
{
    QFETCH(QString, in);
    QFETCH(QString, out);
    QCOMPARE(web::escape(in), out);
}

void TestStatusPage::strictContentSecurityPolicy()
{
    test::seedPage(m_db->context());
    const PublicReply r = get(QStringLiteral("/"));
    const QByteArray csp = r.header("content-security-policy");
    QVERIFY(csp.startsWith("default-src 'none';"));
    QVERIFY(!csp.contains("unsafe-inline"));
    QVERIFY(!csp.contains("script-src"));
    QVERIFY(csp.contains("form-action 'self'"));
    QVERIFY(csp.contains("frame-ancestors 'none'"));
    QCOMPARE(r.header("x-content-type-options"), QByteArray("nosniff"));
    // The one style block is the one the policy's hash allows.
    const qsizetype from = r.body.indexOf("<style>") + 7;
    const QByteArray style = r.body.mid(from, r.body.indexOf("</style>") - from);
    const QByteArray hash = QCryptographicHash::hash(style, QCryptographicHash::Sha256).toBase64();
    const QByteArray allowed = QByteArrayLiteral("style-src 'sha256-") + hash + '\'';
    QVERIFY(csp.contains(allowed));
    QVERIFY(!r.body.contains("<script"));
    QVERIFY(!r.body.contains(" style=\"")); // attributes would need 'unsafe-inline'
}

void TestStatusPage::feedsAreWellFormed_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("root");
    QTest::addColumn<QString>("entry");
    QTest::newRow("rss") << u"/history.rss"_s << QByteArray("application/rss+xml; charset=utf-8") << u"rss"_s
                         << u"item"_s;
    QTest::newRow("atom") << u"/history.atom"_s << QByteArray("application/atom+xml; charset=utf-8")
                          << u"feed"_s << u"entry"_s;
}

void TestStatusPage::feedsAreWellFormed()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, root);
    QFETCH(QString, entry);
    makeHostilePage();
    test::seedPage(m_db->context());
    const PublicReply r = get(path);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-type"), contentType);
    QXmlStreamReader xml(r.body);
    QStringList titles;
    QStringList contents;
    QString firstElement;
    int depthOfEntry = -1;
    int depth = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            ++depth;
            if (firstElement.isEmpty())
                firstElement = xml.name().toString();
            if (xml.name() == entry)
                depthOfEntry = depth;
            if (depthOfEntry > 0 && depth == depthOfEntry + 1 && xml.name() == QLatin1String("title"))
                titles << xml.readElementText(), --depth;
            else if (depthOfEntry > 0 &&
                     (xml.name() == QLatin1String("description") || xml.name() == QLatin1String("content")))
                contents << xml.readElementText(), --depth;
        } else if (xml.isEndElement()) {
            if (xml.name() == entry)
                depthOfEntry = -1;
            --depth;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(firstElement, root);
    // Read back, the hostile name is exactly the stored one: escaped once, no more, no less.
    QVERIFY2(titles.contains(kHostileIncident), qPrintable(titles.join(QLatin1Char('|'))));
    QCOMPARE(titles.size(), 5); // the hostile incident and the four seeded ones
    // The content is HTML for a feed reader: the body inside it is escaped again, so no markup of ours leaks.
    const QString hostile = contents.filter(web::escape(kHostileBody)).value(0);
    QVERIFY(!hostile.isEmpty());
    QVERIFY(!hostile.contains(QLatin1String("<iframe")));
}

void TestStatusPage::subscribeSavesOnlyAfterTestWebhook()
{
    test::seedPage(m_db->context());
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    treatLoopbackAsPublic();
    const PublicReply page = get(QStringLiteral("/"));
    const QString token = hiddenValue(page.body, QStringLiteral("csrf"));
    QVERIFY(!token.isEmpty());
    QVERIFY(page.body.contains("name=\"endpoint\""));

    const PublicReply posted = post(QStringLiteral("/subscribe"), form(receiver.url(), token));
    QCOMPARE(posted.status, 303);
    QVERIFY(posted.header("location").startsWith("/subscribe?check="));
    const PublicReply done = outcome(posted);
    QCOMPARE(done.status, 200);
    QVERIFY2(done.body.contains("is now subscribed"), done.body.constData());
    // The endpoint got the console's test webhook before the subscriber existed, and only one request.
    QCOMPARE(receiver.requests().size(), 1);
    const QJsonObject body = QJsonDocument::fromJson(receiver.requests().first().body).object();
    QCOMPARE(body.value(QLatin1String("test")).toBool(), true);
    QCOMPARE(body.value(QLatin1String("page")).toObject().value(QLatin1String("id")).toString(),
             m_db->store().page.get().id);
    QVERIFY(!receiver.requests().first().headers.value("webhook-id").isEmpty());
    QCOMPARE(subscribers(), 1);
    const Subscriber s = m_db->store().subscribers.all().front();
    QCOMPARE(s.endpoint, receiver.url());
    QCOMPARE(s.email, QStringLiteral("ops@example.com"));
    // The audit log names where it came from.
    QVERIFY(s.state == SubscriberState::Active);

    // The same endpoint again: refused before any request, nothing new saved.
    const PublicReply again = post(QStringLiteral("/subscribe"), form(receiver.url(), this->token()));
    QCOMPARE(again.status, 422);
    QVERIFY(again.body.contains("already subscribed"));
    QCOMPARE(receiver.requests().size(), 1);
    QCOMPARE(subscribers(), 1);
}

// Issue 21: the outcome said what the endpoint answered ("answered HTTP 500 (HTTP 500 X)", "Connection
// refused", "no complete response within 10000 ms"): a reader of internal services. Now only the class.
void TestStatusPage::failingEndpointSavesNothing_data()
{
    QTest::addColumn<int>("status"); // -1: a port nothing listens on
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("expected");
    const int respond = int(test::HttpReceiver::Mode::Respond);
    QTest::newRow("500") << 500 << respond << u"it answered with an HTTP 5xx status"_s;
    QTest::newRow("404") << 404 << respond << u"it answered with an HTTP 4xx status"_s;
    QTest::newRow("redirect is not followed") << 302 << respond << u"it answered with an HTTP 3xx status"_s;
    QTest::newRow("connection closed")
        << 200 << int(test::HttpReceiver::Mode::CloseWithoutResponse) << u"it gave no usable answer"_s;
    QTest::newRow("hangs") << 200 << int(test::HttpReceiver::Mode::Hang)
                           << u"it did not answer within 1 seconds"_s;
    QTest::newRow("refused") << -1 << respond << u"the connection was refused"_s;
}

void TestStatusPage::failingEndpointSavesNothing()
{
    QFETCH(int, status);
    QFETCH(int, mode);
    QFETCH(QString, expected);
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    test::HttpReceiver::Script script;
    script.status = std::max(status, 200);
    script.reason = "Internal Admin Says Hello";
    script.body = "secret-internal-body: db=10.0.0.5";
    script.mode = static_cast<test::HttpReceiver::Mode>(mode);
    receiver.setDefault(script);
    treatLoopbackAsPublic();
    api::SubscribeChecks::Limits limits;
    limits.testTimeoutMs = 1000;
    m_server->publicSite().subscribeChecks().setLimits(limits);
    QString endpoint = receiver.url();
    QTcpServer closed;
    if (status < 0) { // a port that was just free
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        endpoint = QStringLiteral("http://127.0.0.1:%1/x").arg(closed.serverPort());
        closed.close();
    }
    const PublicReply posted = post(QStringLiteral("/subscribe"), form(endpoint, token()));
    QCOMPARE(posted.status, 303);
    const PublicReply done = outcome(posted);
    QCOMPARE(done.status, 422);
    QVERIFY2(done.body.contains(expected.toUtf8()), done.body.constData());
    QVERIFY(done.body.contains("Nothing was saved"));
    for (const char *leak : {"Internal Admin", "secret-internal", "10.0.0.5", " 500", " 404", " 302",
                             "Connection refused", " ms"})
        QVERIFY2(!done.body.contains(leak), done.body.constData());
    QCOMPARE(receiver.requests().size(), status < 0 ? 0 : 1);
    QCOMPARE(subscribers(), 0);
}

void TestStatusPage::subscribeNeedsTheFormToken()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    const QString good = hiddenValue(get(QStringLiteral("/")).body, QStringLiteral("csrf"));
    const QString forged = good.left(good.indexOf(QLatin1Char('.')) + 1) + QString(64, QLatin1Char('0'));
    for (const QString &token : {QString(), forged, QStringLiteral("garbage")}) {
        const PublicReply r = post(QStringLiteral("/subscribe"), form(receiver.url(), token));
        QCOMPARE(r.status, 403);
        QVERIFY(r.body.contains("did not come from this status page"));
        QVERIFY(r.body.contains("already used"));
    }
    // A target the delivery policy never allows is refused at once, with no request made.
    const PublicReply metadata =
        post(QStringLiteral("/subscribe"), form(QStringLiteral("http://169.254.169.254/latest"), good));
    QCOMPARE(metadata.status, 422);
    QVERIFY(metadata.body.contains("Nothing was saved"));
    QCOMPARE(receiver.requests().size(), 0);
    QCOMPARE(subscribers(), 0);
}

void TestStatusPage::subscribeIsRateLimited()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    treatLoopbackAsPublic();
    api::SubscribeChecks::Limits limits;
    limits.perMinute = 2; // the global ceiling, below this client's own share here
    limits.perClientPerMinute = 5;
    limits.perClientInFlight = 5;
    m_server->publicSite().subscribeChecks().setLimits(limits);
    QCOMPARE(post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/a")), token())).status,
             303);
    QCOMPARE(post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/b")), token())).status,
             303);
    const PublicReply third =
        post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/c")), token()));
    QCOMPARE(third.status, 429);
    QVERIFY(third.body.contains("too many subscription requests"));
    QTRY_COMPARE(subscribers(), 2);
    QCOMPARE(receiver.requests().size(), 2);
}

// Issue 21: the anonymous form reached the operator's private network in every spelling (decimal, hex,
// localhost...), whatever the operator's own refuse-private setting (off here, the default).
void TestStatusPage::formRefusesNonPublicTargets_data()
{
    QTest::addColumn<QString>("endpoint"); // %1: the loopback receiver's port
    const auto row = [](const char *name, const char *endpoint) {
        QTest::newRow(name) << QString::fromLatin1(endpoint);
    };
    row("loopback", "http://127.0.0.1:%1/internal-admin");
    row("decimal", "http://2130706433:%1/internal-admin");
    row("hex", "http://0x7f000001:%1/internal-admin");
    row("octal", "http://0177.0.0.1:%1/internal-admin");
    row("short form", "http://127.1:%1/internal-admin");
    row("other loopback", "http://127.0.0.2:%1/internal-admin");
    row("IPv6 loopback", "http://[::1]:%1/internal-admin");
    row("IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]:%1/internal-admin");
    row("IPv4-mapped IPv6, hex", "http://[::ffff:7f00:1]:%1/internal-admin");
    row("IPv4-compatible IPv6", "http://[::127.0.0.1]:%1/internal-admin");
    row("NAT64", "http://[64:ff9b::7f00:1]:%1/internal-admin");
    row("6to4", "http://[2002:7f00:1::1]:%1/internal-admin");
    row("localhost", "http://localhost:%1/internal-admin");
    row("LOCALHOST.", "http://LOCALHOST.:%1/internal-admin");
    row("a.localhost", "http://hooks.localhost:%1/internal-admin");
    row("bare word", "http://intranet:%1/internal-admin");
    row("private 10/8", "http://10.1.2.3:%1/");
    row("private 172.16/12", "http://172.16.0.1:%1/");
    row("private 192.168/16", "http://192.168.1.1:%1/");
    row("CGNAT", "http://100.64.0.1:%1/");
    row("link-local", "http://169.254.169.254:%1/latest/meta-data");
    row("unique local", "http://[fd00::1]:%1/");
    row("IPv6 link-local", "http://[fe80::1]:%1/");
    row("unspecified", "http://0.0.0.0:%1/");
    row("multicast", "http://224.0.0.1:%1/");
    row("reserved", "http://240.0.0.1:%1/");
    row("documentation", "http://192.0.2.10:%1/");
}

void TestStatusPage::formRefusesNonPublicTargets()
{
    QFETCH(QString, endpoint);
    test::HttpReceiver receiver; // what a service inside the operator's network would be
    QVERIFY(receiver.start());
    QVERIFY(!DeliverySettings::load(m_db->store().settings).refusePrivateTargets);
    const PublicReply r =
        post(QStringLiteral("/subscribe"), form(endpoint.arg(QUrl(receiver.url()).port()), token()));
    QVERIFY2(r.status == 422, r.body.constData());
    // Link-local, unspecified and multicast addresses are refused for everyone (the operator too), in those
    // words; the rest because the form only takes public endpoints.
    QVERIFY2(r.body.contains("not on the public internet") ||
                 r.body.contains("StatusDesk never delivers there"),
             r.body.constData());
    QTest::qWait(200); // a test webhook would be on its way by now
    QCOMPARE(receiver.requests().size(), 0);
    QCOMPARE(subscribers(), 0);
}

// A name is judged by every address it resolves to, and a visitor cannot tell a refused name from one that
// does not resolve (the form is no oracle for the operator's DNS). The test resolver answers for names.
void TestStatusPage::formRefusesNamesResolvingToPrivate()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    QStringList looked;
    m_server->publicSite().subscribeChecks().setResolver(
        [&looked](const QString &host, QObject *context, std::function<void(const QHostInfo &)> done) {
            looked << host;
            QHostInfo info;
            if (host == QLatin1String("hooks.internal.example"))
                info.setAddresses({QHostAddress(QStringLiteral("127.0.0.1"))});
            else if (host == QLatin1String("rebind.example")) // one public address, one loopback
                info.setAddresses({QHostAddress(QStringLiteral("93.184.216.34")),
                                   QHostAddress(QStringLiteral("127.0.0.1"))});
            else
                info.setError(QHostInfo::HostNotFound);
            QTimer::singleShot(0, context, [done, info] { done(info); });
        });
    QStringList messages;
    for (const char *host : {"hooks.internal.example", "rebind.example", "no-such-name.example"}) {
        const QString endpoint =
            QStringLiteral("http://%1:%2/hook").arg(QLatin1String(host)).arg(QUrl(receiver.url()).port());
        const PublicReply posted = post(QStringLiteral("/subscribe"), form(endpoint, token()));
        QCOMPARE(posted.status, 303);
        const PublicReply done = outcome(posted);
        QCOMPARE(done.status, 422);
        QVERIFY2(done.body.contains("it is not reachable on the public internet"), done.body.constData());
        QVERIFY(!done.body.contains("127.0.0.1") && !done.body.contains("93.184.216.34"));
        messages << QString::fromUtf8(done.body).remove(QLatin1String(host));
    }
    QCOMPARE(looked.size(), 3);
    QCOMPARE(messages.at(0), messages.at(2)); // a private name reads exactly like an unknown one
    QCOMPARE(messages.at(1), messages.at(2));
    QCOMPARE(receiver.requests().size(), 0);
    QCOMPARE(subscribers(), 0);
}

void TestStatusPage::formRefusesUrlCredentials()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    treatLoopbackAsPublic(); // only the credentials are wrong here
    const QString endpoint = receiver.url(QStringLiteral("/internal-admin"))
                                 .replace(QStringLiteral("http://"), QStringLiteral("http://bob:pw@"));
    const PublicReply r = post(QStringLiteral("/subscribe"), form(endpoint, token()));
    QCOMPARE(r.status, 422);
    QVERIFY2(r.body.contains("must not carry a user name or password"), r.body.constData());
    QVERIFY(!r.body.contains(":pw@"));
    QTest::qWait(200);
    QCOMPARE(receiver.requests().size(), 0);
}

// The token could be replayed by a script for two hours.
void TestStatusPage::formTokenIsSingleUseAndShortLived()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    treatLoopbackAsPublic();
    api::SubscribeChecks &checks = m_server->publicSite().subscribeChecks();
    const QString used = token();
    const PublicReply first = post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/a")), used));
    QCOMPARE(first.status, 303);
    const PublicReply replay =
        post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/b")), used));
    QCOMPARE(replay.status, 403);
    QVERIFY(replay.body.contains("already used"));
    QCOMPARE(outcome(first).status, 200); // its test is over: the next post is within this client's limit
    // A refused input does not spend it: the visitor fixes the field and sends the same form again.
    const QString fresh = token();
    QCOMPARE(post(QStringLiteral("/subscribe"), form(QStringLiteral("not a url"), fresh)).status, 422);
    QCOMPARE(post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/c")), fresh)).status, 303);
    // Short-lived: 21 minutes later a token is refused.
    const QString old = token();
    const QDateTime issued = QDateTime::currentDateTimeUtc();
    checks.setClock([issued] { return issued.addSecs(api::SubscribeChecks::kTokenLifetimeSecs + 60); });
    QCOMPARE(post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/d")), old)).status, 403);
    QVERIFY(api::SubscribeChecks::kTokenLifetimeSecs <= 30 * 60);
    checks.setClock(systemClock);
    QTRY_COMPARE(receiver.requests().size(), 2); // /a and /c only
}

// One visitor (a hanging endpoint, or many subscriptions) closed the form for everyone: the limit was global.
void TestStatusPage::formLimitsArePerClient()
{
    test::HttpReceiver hanging;
    QVERIFY(hanging.start());
    test::HttpReceiver::Script hang;
    hang.mode = test::HttpReceiver::Mode::Hang;
    hanging.setDefault(hang);
    treatLoopbackAsPublic();
    // The defaults: one test in flight and 3 a minute per client, 8 and 20 for everyone together.
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 14; ++i) {
        const auto [status, answer] =
            postFrom(QStringLiteral("127.0.0.2"), form(hanging.url(QStringLiteral("/h%1").arg(i)), token()));
        accepted += status == 303 ? 1 : 0;
        refused += status == 429 ? 1 : 0;
        if (status == 429)
            QVERIFY2(answer.contains("from your address"), answer.constData());
    }
    QCOMPARE(accepted, 1);
    QCOMPARE(refused, 13);
    // Another visitor on another address is not held up.
    const auto [status, answer] =
        postFrom(QStringLiteral("127.0.0.3"), form(hanging.url(QStringLiteral("/other")), token()));
    QVERIFY2(status == 303, answer.constData());
    QTRY_COMPARE(hanging.requests().size(), 2);
}

// Behind a trusted local reverse proxy every request comes from 127.0.0.1: its X-Forwarded-For tells the
// visitors apart; nobody else's X-Forwarded-For counts.
void TestStatusPage::formLimitsFollowTrustedForwardedFor()
{
    m_server.reset();
    m_server = std::make_unique<api::ApiServer>(m_db->store());
    api::ConnectionLimits limits;
    limits.trustedProxies = {QHostAddress(QStringLiteral("127.0.0.5"))};
    m_server->setLimits(limits);
    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, false, &error), qPrintable(error));
    test::HttpReceiver hanging;
    QVERIFY(hanging.start());
    test::HttpReceiver::Script hang;
    hang.mode = test::HttpReceiver::Mode::Hang;
    hanging.setDefault(hang);
    treatLoopbackAsPublic();
    const auto via = [&](const char *proxy, const QByteArray &forwarded, const QString &path) {
        return postFrom(QString::fromLatin1(proxy), form(hanging.url(path), token()),
                        "X-Forwarded-For: " + forwarded + "\r\n")
            .first;
    };
    QCOMPARE(via("127.0.0.5", "198.51.100.7", QStringLiteral("/a")), 303);
    QCOMPARE(via("127.0.0.5", "198.51.100.7", QStringLiteral("/b")), 429);              // the same visitor
    QCOMPARE(via("127.0.0.5", "203.0.113.9, 198.51.100.8", QStringLiteral("/c")), 303); // the last hop counts
    // Not a trusted proxy: its header is ignored, the peer address is the client.
    QCOMPARE(via("127.0.0.6", "192.0.2.1", QStringLiteral("/d")), 303);
    QCOMPARE(via("127.0.0.6", "192.0.2.2", QStringLiteral("/e")), 429);
}

// With SMTP set, the address given hears of the subscription and how to remove it.
void TestStatusPage::formSubscriptionIsEmailed()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    treatLoopbackAsPublic();
    SmtpSettings smtp;
    smtp.url = QStringLiteral("smtp://127.0.0.1:2525");
    smtp.from = QStringLiteral("status@acme.test");
    smtp.save(m_db->store().settings);
    const PublicReply done =
        outcome(post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/mine")), token())));
    QCOMPARE(done.status, 200);
    QCOMPARE(subscribers(), 1);
    const Subscriber s = m_db->store().subscribers.all().front();
    MessageFilter emails;
    emails.kind = EventKind::Email;
    const auto queued = m_db->store().outbox.list(emails);
    QCOMPARE(queued.size(), size_t(1));
    QCOMPARE(queued.front().recipient, QStringLiteral("ops@example.com"));
    QCOMPARE(queued.front().subjectName, QStringLiteral("subscription notice"));
    const QByteArray bytes = m_db->store().outbox.find(queued.front().id)->body;
    QVERIFY2(bytes.contains("To: <ops@example.com>") || bytes.contains("ops@example.com"), bytes.constData());
    // The text part (base64) names the endpoint and the removal link.
    QString text;
    for (const QByteArray &part : bytes.split('\n')) {
        const QByteArray decoded = QByteArray::fromBase64(part.trimmed());
        text += QString::fromUtf8(decoded);
    }
    QVERIFY2(text.contains(receiver.url(QStringLiteral("/mine"))) || bytes.contains("/mine"),
             qPrintable(text));
    QVERIFY2(bytes.contains(s.unsubscribeToken.toLatin1()) || text.contains(s.unsubscribeToken),
             bytes.constData());
}

// allow_webhook_subscribers off (issue 12): no form on the page, and a form posted anyway sends nothing.
void TestStatusPage::pageThatRefusesWebhookSubscribers()
{
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    const QString token = hiddenValue(get(QStringLiteral("/")).body, QStringLiteral("csrf"));
    QVERIFY(!token.isEmpty());
    Page page = m_db->store().page.get();
    page.allowWebhookSubscribers = false;
    m_db->store().page.save(page);
    const PublicReply r = get(QStringLiteral("/"));
    QCOMPARE(r.status, 200);
    QVERIFY(!r.body.contains("name=\"endpoint\""));
    QVERIFY(!r.body.contains("action=\"/subscribe\""));
    const PublicReply posted = post(QStringLiteral("/subscribe"), form(receiver.url(), token));
    QCOMPARE(posted.status, 403);
    QVERIFY(posted.body.contains("does not accept webhook subscribers"));
    QCOMPARE(receiver.requests().size(), 0);
    QCOMPARE(subscribers(), 0);
}

void TestStatusPage::chromiumRendersThePage_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::newRow("phone") << 390 << 1600;
    QTest::newRow("desktop") << 1280 << 1400;
}

// Debian's chromium, headless: the page renders with no console message at all (a CSP violation, a failed
// load or a script error would be one), and the indicator banner has the colour of the rolled-up status.
void TestStatusPage::chromiumRendersThePage()
{
    QFETCH(int, width);
    QFETCH(int, height);
    const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    QVERIFY2(!chromium.isEmpty(), "chromium is missing: scripts/install-deps.sh installs it");
    test::seedPage(m_db->context());
    const PageStatus status = m_db->context().currentPageStatus();
    QCOMPARE(status.indicator, QStringLiteral("major")); // one of several components partly out
    QTemporaryDir dir;
    // Kept next to the test binary, so a person can look at it (tst_statuspage-phone.png, -desktop.png).
    const QString png = QDir::current().filePath(
        QStringLiteral("tst_statuspage-%1.png").arg(QString::fromLatin1(QTest::currentDataTag())));
    QFile::remove(png);
    QProcess browser;
    browser.start(chromium,
                  {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                   QStringLiteral("--disable-gpu"), QStringLiteral("--no-first-run"),
                   QStringLiteral("--hide-scrollbars"), QStringLiteral("--force-device-scale-factor=1"),
                   QStringLiteral("--user-data-dir=") + dir.filePath(QStringLiteral("profile")),
                   QStringLiteral("--enable-logging=stderr"), QStringLiteral("--v=0"),
                   QStringLiteral("--window-size=%1,%2").arg(width).arg(height),
                   QStringLiteral("--screenshot=") + png, m_server->url()});
    QVERIFY(browser.waitForStarted(10000));
    // The server answers in this thread: keep the event loop running while the browser loads the page.
    QTRY_VERIFY_WITH_TIMEOUT(browser.state() == QProcess::NotRunning, 90000);
    const QString log = QString::fromUtf8(browser.readAllStandardError());
    const QStringList console = log.split(QLatin1Char('\n')).filter(QStringLiteral(":CONSOLE"));
    QVERIFY2(console.isEmpty(), qPrintable(console.join(QLatin1Char('\n'))));
    QImage shot(png);
    QVERIFY2(!shot.isNull(), qPrintable(log.right(2000)));
    QCOMPARE(shot.width(), width);
    // A column through the banner's right-hand part (its text is on the left): a solid run of the colour.
    const QRgb want = rgb(api::indicatorColour(status.indicator));
    const int x = std::min(width - 30, width / 2 + 380);
    int run = 0;
    int best = 0;
    for (int y = 0; y < std::min(shot.height(), 400); ++y) {
        run = near(shot.pixel(x, y), want) ? run + 1 : 0;
        best = std::max(best, run);
    }
    QVERIFY2(best >= 30, qPrintable(QStringLiteral("no banner of %1 at x=%2 (longest run %3 px)")
                                        .arg(api::indicatorColour(status.indicator))
                                        .arg(x)
                                        .arg(best)));
}

QTEST_MAIN(TestStatusPage)
#include "tst_statuspage.moc"
