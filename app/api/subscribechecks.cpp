#include "app/api/subscribechecks.h"

#include "app/delivery/httptransport.h"
#include "app/delivery/webhookattempt.h"
#include "app/formats/webhookpayload.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/ids.h"
#include "models/targetpolicy.h"
#include "models/validation.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QUrl>
#include <algorithm>

namespace sd::api {
namespace {

constexpr qint64 kKeepChecksSecs = 15 * 60;
constexpr int kMaxChecksKept = 500;

QByteArray mac(const QByteArray &secret, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, secret, QCryptographicHash::Sha256).toHex();
}

// What the visitor is told about a failed test: the class only. The body, the reason phrase and the
// transport's words stay in the operator's logs, or the form would report what services inside the
// operator's network say (and a DNS failure reads like a refused target: nothing about names either).
QString failureClass(const Attempt &a, qint64 timeoutMs)
{
    if (a.httpStatus > 0)
        return QStringLiteral("it answered with an HTTP %1xx status").arg(a.httpStatus / 100);
    if (a.errorClass == QLatin1String("timeout"))
        return QStringLiteral("it did not answer within %1 seconds").arg(timeoutMs / 1000);
    if (a.errorClass == QLatin1String("refused"))
        return QStringLiteral("the connection was refused");
    if (a.errorClass == QLatin1String("policy") || a.errorClass == QLatin1String("dns"))
        return QStringLiteral("it is not reachable on the public internet");
    return QStringLiteral("it gave no usable answer"); // reset, TLS, not HTTP: the class is enough to fix it
}

} // namespace

SubscribeChecks::SubscribeChecks(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_resolve([](const QString &host, QObject *context, std::function<void(const QHostInfo &)> done) {
        QHostInfo::lookupHost(host, context, std::move(done));
    })
    , m_addressCheck(targetpolicy::checkPublicAddress)
{
    m_secret.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_secret.data()), 8);
}

SubscribeChecks::~SubscribeChecks() = default;

void SubscribeChecks::setResolver(Resolver resolver)
{
    m_resolve = std::move(resolver);
    delete m_transport;
    m_transport = nullptr;
}

void SubscribeChecks::setAddressCheck(AddressCheck check)
{
    m_addressCheck = std::move(check);
    delete m_transport;
    m_transport = nullptr;
}

bool SubscribeChecks::isBusyRefusal(const QString &error)
{
    return error.startsWith(QLatin1String("too many"));
}

QString SubscribeChecks::issueToken() const
{
    QByteArray nonce(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    const QByteArray signedPart = QByteArray::number(m_now().toSecsSinceEpoch()) + '.' + nonce.toHex();
    return QString::fromLatin1(signedPart + '.' + mac(m_secret, signedPart));
}

bool SubscribeChecks::tokenValid(const QString &token) const
{
    const QByteArray t = token.toLatin1();
    const qsizetype lastDot = t.lastIndexOf('.');
    const qsizetype firstDot = t.indexOf('.');
    if (token.size() > 200 || firstDot <= 0 || lastDot <= firstDot)
        return false;
    const QByteArray signedPart = t.left(lastDot);
    bool ok = false;
    const qint64 age = m_now().toSecsSinceEpoch() - signedPart.left(firstDot).toLongLong(&ok);
    // Compared by MAC of both sides, so the comparison time says nothing about the expected value.
    return ok && age >= -60 && age <= kTokenLifetimeSecs &&
           mac(m_secret, t.mid(lastDot + 1)) == mac(m_secret, mac(m_secret, signedPart)) &&
           !m_spentTokens.contains(t.mid(firstDot + 1, lastDot - firstDot - 1));
}

int SubscribeChecks::running(const QByteArray *client) const
{
    int n = 0;
    for (const Check &c : m_checks)
        n += c.view.state == State::Pending && (!client || c.client == *client) ? 1 : 0;
    return n;
}

void SubscribeChecks::forgetOld()
{
    const QDateTime now = m_now();
    while (!m_started.empty() && m_started.front().first.secsTo(now) >= 60)
        m_started.pop_front();
    for (auto it = m_checks.begin(); it != m_checks.end();) {
        if (it->view.state != State::Pending && it->createdAt.secsTo(now) > kKeepChecksSecs)
            it = m_checks.erase(it);
        else
            ++it;
    }
    const qint64 seconds = now.toSecsSinceEpoch();
    for (auto it = m_spentTokens.begin(); it != m_spentTokens.end();)
        it = it.value() < seconds ? m_spentTokens.erase(it) : std::next(it);
}

Result<Ok> SubscribeChecks::withinLimits(const QByteArray &client) const
{
    const auto mine = std::count_if(m_started.begin(), m_started.end(),
                                    [&client](const auto &s) { return s.second == client; });
    if (mine >= m_limits.perClientPerMinute || running(&client) >= m_limits.perClientInFlight)
        return Error{
            QStringLiteral("too many subscription requests from your address; please try again in a minute")};
    if (static_cast<int>(m_started.size()) >= m_limits.perMinute || running() >= m_limits.inFlight ||
        m_checks.size() >= kMaxChecksKept)
        return Error{
            QStringLiteral("too many subscription requests right now; please try again in a minute")};
    return Ok{};
}

QString SubscribeChecks::checkTarget(const QString &host) const
{
    // The public policy on the host as written; a literal address goes through the (test-settable) address
    // check, so every spelling the resolver takes is judged as the address it is.
    const QHostAddress literal = targetpolicy::literalAddress(host);
    if (!literal.isNull())
        return m_addressCheck(literal).isEmpty()
                   ? QString()
                   : QStringLiteral("the endpoint %1 is not on the public internet; the subscribe form only "
                                    "accepts public endpoints")
                         .arg(host);
    return targetpolicy::checkPublicHost(host);
}

Result<QString> SubscribeChecks::start(const NewSubscriber &input, const QByteArray &client,
                                       const QString &token)
{
    forgetOld();
    if (auto within = withinLimits(client); !within)
        return Error{within.error()};
    // The same checks SubscriberService::add makes before it writes, so a test webhook only goes where a
    // subscriber could be saved; add() makes them all again when the test passed.
    if (const QString err = validation::checkEndpoint(input.endpoint); !err.isEmpty())
        return Error{err};
    if (endpointurl::hasCredentials(input.endpoint))
        return Error{QStringLiteral("an endpoint given here must not carry a user name or password")};
    if (const QString err = validation::checkEmail(input.email); !err.isEmpty())
        return Error{err};
    const QString endpoint = endpointurl::normalized(input.endpoint);
    if (const QString err = checkTarget(QUrl(endpoint).host()); !err.isEmpty())
        return Error{err};
    if (m_store.subscribers.findLiveByEndpoint(endpoint))
        return Error{
            QStringLiteral("%1 is already subscribed to this page").arg(endpointurl::redacted(endpoint))};
    for (const QString &id : input.componentIds) {
        if (!m_store.components.find(id))
            return Error{QStringLiteral("unknown component id \"%1\"").arg(id)};
    }
    // Spent now: replaying the form (or a script reusing one token) starts nothing more.
    const QByteArray t = token.toLatin1();
    m_spentTokens.insert(t.mid(t.indexOf('.') + 1, t.lastIndexOf('.') - t.indexOf('.') - 1),
                         t.left(t.indexOf('.')).toLongLong() + kTokenLifetimeSecs + 60);
    const QString id = ids::newToken();
    Check c;
    c.view.endpoint = endpointurl::redacted(endpoint);
    c.view.message = QStringLiteral("Sending a test webhook to %1…").arg(c.view.endpoint);
    c.input = input;
    c.input.confirmationEmail = true;
    c.client = client;
    c.createdAt = m_now();
    m_checks.insert(id, c);
    m_started.emplace_back(m_now(), client);
    launch(id, endpoint);
    return id;
}

void SubscribeChecks::launch(const QString &checkId, const QString &endpoint)
{
    const DeliverySettings settings = DeliverySettings::load(m_store.settings);
    const Page page = m_store.page.get();
    Message message;
    message.id = QStringLiteral("msg_") + ids::newId();
    message.kind = EventKind::Test;
    message.subjectId = page.id;
    message.subjectName = QStringLiteral("Test webhook");
    // The console's test webhook body (payload::testEvent); no unsubscribe link yet, there is no subscriber.
    std::vector<ComponentStatus> statuses;
    for (const Component &c : m_store.components.all())
        statuses.push_back(c.status);
    message.body =
        QJsonDocument(payload::testEvent(page, pageStatus(statuses, m_store.incidents.open()), m_now()))
            .toJson(QJsonDocument::Compact);
    Subscriber target;
    target.endpoint = endpoint;
    // The same transport as the delivery engine's, with the strict public policy on every address (the host
    // as written, then every address the name resolves to; the request goes to exactly those, so DNS
    // rebinding between check and send gets nowhere). Made again when the proxy setting changed and no
    // other test is on the wire.
    if (!m_transport || (running() == 1 && m_transport->settings().proxy != settings.proxy)) {
        delete m_transport;
        HttpTransport::Settings ts;
        ts.refusePrivateTargets = true;
        ts.proxy = settings.proxy;
        ts.addressPolicy = m_addressCheck;
        ts.resolver = m_resolve;
        m_transport = new HttpTransport(std::move(ts), this);
    }
    WebhookAttempt::Options options{std::min(settings.timeoutMs, m_limits.testTimeoutMs),
                                    settings.maxResponseBytes,
                                    QByteArrayLiteral("StatusDesk/") + QByteArrayLiteral(STATUSDESK_VERSION)};
    auto *attempt =
        new WebhookAttempt(m_transport, message, target, 1, AttemptTrigger::Manual, options, this);
    m_checks[checkId].attempt = attempt;
    connect(attempt, &WebhookAttempt::finished, this,
            [this, checkId](const AttemptResult &result) { onAttemptFinished(checkId, result); });
    attempt->start();
}

void SubscribeChecks::fail(const QString &checkId, const QString &message)
{
    auto it = m_checks.find(checkId);
    if (it == m_checks.end())
        return;
    it->view.state = State::Failed;
    it->view.message = message;
    Q_EMIT finished(checkId, false);
}

void SubscribeChecks::onAttemptFinished(const QString &checkId, const AttemptResult &result)
{
    auto it = m_checks.find(checkId);
    if (it == m_checks.end())
        return;
    const Attempt &a = result.attempt;
    const QString shown = it->view.endpoint;
    if (!a.errorClass.isEmpty() || a.httpStatus < 200 || a.httpStatus > 299) {
        const qint64 timeoutMs =
            std::min(DeliverySettings::load(m_store.settings).timeoutMs, m_limits.testTimeoutMs);
        fail(checkId,
             QStringLiteral("The test webhook to %1 did not get a 2xx answer: %2. Nothing was saved; "
                            "fix the endpoint and subscribe again.")
                 .arg(shown, failureClass(a, timeoutMs)));
        return;
    }
    // The endpoint answered 2xx: save it through the same service as the console, which checks it all again
    // (and, with SMTP set, queues the email to the address given in the same transaction).
    ServiceContext ctx{m_store, m_now, QStringLiteral("status-page-form")};
    m_store.db().finishAll(); // a fresh snapshot: other processes may have written since
    auto added = SubscriberService(ctx).add(it->input);
    m_store.db().finishAll();
    it = m_checks.find(checkId);
    if (!added) {
        fail(checkId,
             QStringLiteral("The test webhook to %1 succeeded, but the subscription was not saved: %2")
                 .arg(shown, added.error()));
        return;
    }
    it->view.state = State::Saved;
    it->view.message = QStringLiteral("%1 answered the test webhook with a 2xx status and is now subscribed. "
                                      "Every webhook carries an unsubscribe link in meta.unsubscribe.")
                           .arg(shown);
    Q_EMIT finished(checkId, true);
}

std::optional<SubscribeChecks::View> SubscribeChecks::find(const QString &checkId) const
{
    const auto it = m_checks.constFind(checkId);
    if (it == m_checks.constEnd())
        return std::nullopt;
    return it->view;
}

} // namespace sd::api
