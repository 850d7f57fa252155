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

namespace sd::api {
namespace {

constexpr qint64 kTokenLifetimeSecs = 2 * 3600;
constexpr qint64 kKeepChecksSecs = 15 * 60;
constexpr int kMaxChecksKept = 500;

QByteArray mac(const QByteArray &secret, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, secret, QCryptographicHash::Sha256).toHex();
}

} // namespace

SubscribeChecks::SubscribeChecks(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_secret.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_secret.data()), 8);
}

SubscribeChecks::~SubscribeChecks() = default;

QString SubscribeChecks::issueToken() const
{
    const QByteArray issued = QByteArray::number(m_now().toSecsSinceEpoch());
    return QString::fromLatin1(issued + '.' + mac(m_secret, issued));
}

bool SubscribeChecks::tokenValid(const QString &token) const
{
    const QByteArray t = token.toLatin1();
    const qsizetype dot = t.indexOf('.');
    if (dot <= 0 || token.size() > 200)
        return false;
    const QByteArray issued = t.left(dot);
    bool ok = false;
    const qint64 at = issued.toLongLong(&ok);
    const qint64 age = m_now().toSecsSinceEpoch() - at;
    // Compared by MAC of both sides, so the comparison time says nothing about the expected value.
    return ok && age >= -60 && age <= kTokenLifetimeSecs &&
           mac(m_secret, t.mid(dot + 1)) == mac(m_secret, mac(m_secret, issued));
}

int SubscribeChecks::running() const
{
    int n = 0;
    for (const Check &c : m_checks)
        n += c.view.state == State::Pending ? 1 : 0;
    return n;
}

void SubscribeChecks::forgetOld()
{
    const QDateTime now = m_now();
    while (!m_started.empty() && m_started.front().secsTo(now) >= 60)
        m_started.pop_front();
    for (auto it = m_checks.begin(); it != m_checks.end();) {
        if (it->view.state != State::Pending && it->createdAt.secsTo(now) > kKeepChecksSecs)
            it = m_checks.erase(it);
        else
            ++it;
    }
}

Result<QString> SubscribeChecks::start(const NewSubscriber &input)
{
    forgetOld();
    if (static_cast<int>(m_started.size()) >= m_limits.perMinute || running() >= m_limits.inFlight ||
        m_checks.size() >= kMaxChecksKept)
        return Error{
            QStringLiteral("too many subscription requests right now; please try again in a minute")};
    // The same checks SubscriberService::add makes before it writes, so a test webhook only goes where a
    // subscriber could be saved; add() makes them all again when the test passed.
    if (const QString err = validation::checkEndpoint(input.endpoint); !err.isEmpty())
        return Error{err};
    if (const QString err = validation::checkEmail(input.email); !err.isEmpty())
        return Error{err};
    const QString endpoint = endpointurl::normalized(input.endpoint);
    const bool refusePrivate = DeliverySettings::load(m_store.settings).refusePrivateTargets;
    if (const QString err = targetpolicy::checkEndpoint(endpoint, refusePrivate); !err.isEmpty())
        return Error{err};
    if (m_store.subscribers.findLiveByEndpoint(endpoint))
        return Error{
            QStringLiteral("%1 is already subscribed to this page").arg(endpointurl::redacted(endpoint))};
    for (const QString &id : input.componentIds) {
        if (!m_store.components.find(id))
            return Error{QStringLiteral("unknown component id \"%1\"").arg(id)};
    }
    const QString id = ids::newToken();
    Check c;
    c.view.endpoint = endpointurl::redacted(endpoint);
    c.view.message = QStringLiteral("Sending a test webhook to %1…").arg(c.view.endpoint);
    c.input = input;
    c.createdAt = m_now();
    m_checks.insert(id, c);
    m_started.push_back(m_now());
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
    // The same transport as the delivery engine's: the target policy checks every address the name resolves
    // to and the request goes to exactly those (or through the proxy setting's proxy). Made again when the
    // settings it follows changed and no other test is on the wire.
    if (!m_transport ||
        (running() == 1 && (m_transport->settings().refusePrivateTargets != settings.refusePrivateTargets ||
                            m_transport->settings().proxy != settings.proxy))) {
        delete m_transport;
        m_transport = new HttpTransport({settings.refusePrivateTargets, settings.proxy, 1}, this);
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
        QString why = a.errorText;
        if (a.httpStatus > 0)
            why = a.errorText.isEmpty() ? QStringLiteral("it answered HTTP %1").arg(a.httpStatus)
                                        : QStringLiteral("it answered HTTP %1 (%2)")
                                              .arg(QString::number(a.httpStatus), a.errorText);
        if (why.isEmpty())
            why = QStringLiteral("no answer");
        fail(checkId, QStringLiteral("The test webhook to %1 failed: %2. Nothing was saved; fix the endpoint "
                                     "and subscribe again.")
                          .arg(shown, why));
        return;
    }
    // The endpoint answered 2xx: save it through the same service as the console, which checks it all again.
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
    it->view.message =
        QStringLiteral("%1 answered the test webhook with HTTP %2 and is now subscribed. Every "
                       "webhook carries an unsubscribe link in meta.unsubscribe.")
            .arg(shown, QString::number(a.httpStatus));
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
