// The public status page of `serve` (issue 10, item 4): hostile names escaped everywhere, a strict CSP, the
// history feeds well-formed XML, the webhook subscribe form (test webhook first, nothing saved on failure,
// CSRF token, rate limit) and the page rendered by headless Chromium, its indicator colour sampled.
#include "app/api/htmlescape.h"
#include "app/api/publicsite.h"
#include "app/api/statuspagehtml.h"
#include "app/api/subscribechecks.h"
#include "tests/api/publictestsupport.h"
#include "tests/support/httpreceiver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QImage>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
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
    const PublicReply again = post(QStringLiteral("/subscribe"), form(receiver.url(), token));
    QCOMPARE(again.status, 422);
    QVERIFY(again.body.contains("already subscribed"));
    QCOMPARE(receiver.requests().size(), 1);
    QCOMPARE(subscribers(), 1);
}

void TestStatusPage::failingEndpointSavesNothing_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("500") << 500 << int(test::HttpReceiver::Mode::Respond) << u"it answered HTTP 500"_s;
    QTest::newRow("redirect is not followed")
        << 302 << int(test::HttpReceiver::Mode::Respond) << u"it answered HTTP 302"_s;
    QTest::newRow("connection closed")
        << 200 << int(test::HttpReceiver::Mode::CloseWithoutResponse) << u"failed:"_s;
}

void TestStatusPage::failingEndpointSavesNothing()
{
    QFETCH(int, status);
    QFETCH(int, mode);
    QFETCH(QString, expected);
    test::HttpReceiver receiver;
    QVERIFY(receiver.start());
    test::HttpReceiver::Script script;
    script.status = status;
    script.reason = "X";
    script.mode = static_cast<test::HttpReceiver::Mode>(mode);
    receiver.setDefault(script);
    const QString token = hiddenValue(get(QStringLiteral("/")).body, QStringLiteral("csrf"));
    const PublicReply posted = post(QStringLiteral("/subscribe"), form(receiver.url(), token));
    QCOMPARE(posted.status, 303);
    const PublicReply done = outcome(posted);
    QCOMPARE(done.status, 422);
    QVERIFY2(done.body.contains(expected.toUtf8()), done.body.constData());
    QVERIFY(done.body.contains("Nothing was saved"));
    QCOMPARE(receiver.requests().size(), 1);
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
    api::SubscribeChecks::Limits limits;
    limits.perMinute = 2;
    m_server->publicSite().subscribeChecks().setLimits(limits);
    const QString token = hiddenValue(get(QStringLiteral("/")).body, QStringLiteral("csrf"));
    QCOMPARE(post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/a")), token)).status, 303);
    QCOMPARE(post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/b")), token)).status, 303);
    const PublicReply third =
        post(QStringLiteral("/subscribe"), form(receiver.url(QStringLiteral("/c")), token));
    QCOMPARE(third.status, 429);
    QVERIFY(third.body.contains("too many subscription requests"));
    QTRY_COMPARE(subscribers(), 2);
    QCOMPARE(receiver.requests().size(), 2);
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
