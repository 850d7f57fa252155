#include "deliveryengine.h"

#include "servicecontext.h"
#include "store.h"
#include "subscriberservice.h"
#include "values.h"

#include <QNetworkAccessManager>

namespace sd {
namespace {
constexpr int kFlushIntervalMs = 50;    // results reach the database within this
constexpr int kFlushBatch = 500;        // or as soon as this many are waiting
constexpr int kProgressIntervalMs = 250; // a few progress signals a second, never one per request
constexpr int kPollIntervalMs = 1000;    // catches messages queued by other processes
} // namespace

DeliveryEngine::DeliveryEngine(QString databasePath, QObject *parent)
    : QObject(parent), m_path(std::move(databasePath)), m_scanTimer(this), m_flushTimer(this), m_progressTimer(this)
{
    m_scanTimer.setSingleShot(true);
    m_flushTimer.setSingleShot(true);
    connect(&m_scanTimer, &QTimer::timeout, this, &DeliveryEngine::scan);
    connect(&m_flushTimer, &QTimer::timeout, this, &DeliveryEngine::flush);
    connect(&m_progressTimer, &QTimer::timeout, this, &DeliveryEngine::emitProgress);
}

DeliveryEngine::~DeliveryEngine() = default;

void DeliveryEngine::initialize()
{
    QString error;
    m_store = Store::open(m_path, &error);
    if (!m_store) {
        Q_EMIT engineError(error);
        return;
    }
    m_nam = new QNetworkAccessManager(this);
    m_nam->setAutoDeleteReplies(false);
    m_nam->setStrictTransportSecurityEnabled(false);
    try {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        {
            Transaction tx(m_store->db());
            // Attempts that were in flight when the last process died go out again, same webhook-id.
            m_store->outbox.recoverInFlight(now);
            tx.commit();
        }
        m_settings = DeliverySettings::load(m_store->settings);
        ServiceContext ctx{*m_store};
        auto purged = SubscriberService(ctx).purgeExpired();
        if (purged && purged.value() > 0)
            Q_EMIT noticeAdded(QStringLiteral("%1 quarantined subscriber(s) purged after 90 days").arg(purged.value()));
    } catch (const StoreError &e) {
        Q_EMIT engineError(e.message());
        return;
    }
    m_policy = std::make_unique<RetryPolicy>(m_settings);
    m_scheduler = std::make_unique<HostScheduler>(m_settings.maxInFlight, m_settings.maxPerHost);
    m_quarantine = std::make_unique<QuarantineTracker>(m_settings.quarantineFailures, m_settings.quarantineWindowMs);
    m_progressTimer.start(kProgressIntervalMs);
    scan();
}

void DeliveryEngine::wake()
{
    if (!m_store || m_stopping)
        return;
    m_wasIdle = false;
    m_scanTimer.start(0);
}

std::optional<Subscriber> DeliveryEngine::subscriber(const QString &id)
{
    auto it = m_subscribers.find(id);
    if (it != m_subscribers.end())
        return *it;
    auto s = m_store->subscribers.find(id);
    if (s)
        m_subscribers.insert(id, *s);
    return s;
}

void DeliveryEngine::scan()
{
    if (!m_store || m_stopping)
        return;
    try {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // Keep a bounded window of claimed messages in memory: enough to fill every slot twice.
        const int room = 2 * m_settings.maxInFlight - (m_scheduler->waiting() + m_scheduler->inFlight());
        if (room > 0) {
            m_subscribers.clear();
            std::vector<Message> due = m_store->outbox.due(now, room);
            if (!due.empty()) {
                m_wasIdle = false;
                QStringList ids;
                for (const Message &m : due)
                    ids << m.id;
                {
                    QSqlQuery &q = m_store->db().run(
                        QStringLiteral("SELECT id, next_trigger FROM messages WHERE next_trigger != 'automatic' AND "
                                       "state IN ('queued', 'retrying') AND next_attempt_at <= ?"),
                        {toDb(now)});
                    while (q.next())
                        m_triggers.insert(q.value(0).toString(), q.value(1).toString());
                }
                Transaction tx(m_store->db());
                m_store->outbox.markSending(ids, now);
                tx.commit();
                for (Message &m : due) {
                    m_changed.insert(m.id);
                    m_scheduler->enqueue(std::move(m));
                }
            }
        }
        pump();
        // Next look: when the earliest retry falls due, but at least once a second.
        const QDateTime next = m_store->outbox.nextDueTime();
        qint64 wait = kPollIntervalMs;
        if (next.isValid())
            wait = std::clamp<qint64>(now.msecsTo(next), 0, kPollIntervalMs);
        if (m_scheduler->waiting() > 0 && room <= 0)
            wait = kPollIntervalMs;
        m_scanTimer.start(static_cast<int>(wait));
        checkIdle();
    } catch (const StoreError &e) {
        Q_EMIT engineError(e.message());
        m_scanTimer.start(kPollIntervalMs);
    }
}

void DeliveryEngine::pump()
{
    const QByteArray userAgent = QByteArrayLiteral("StatusDesk/") + QByteArrayLiteral(STATUSDESK_VERSION);
    while (auto message = m_scheduler->next()) {
        const QString origin = HostScheduler::originOf(message->endpoint);
        auto s = subscriber(message->subscriberId);
        if (!s || s->state != SubscriberState::Active || m_quarantined.contains(message->subscriberId)) {
            // Quarantined or removed since it was claimed: hold it instead of sending.
            m_scheduler->finished(origin);
            m_scheduler->forget(message->id);
            Attempt none;
            none.messageId = message->id;
            m_store->outbox.setState(message->id, s && s->state == SubscriberState::Unsubscribed
                                                      ? DeliveryState::Cancelled
                                                      : DeliveryState::Held,
                                     {}, QDateTime::currentDateTimeUtc());
            m_changed.insert(message->id);
            continue;
        }
        const QString trigger = m_triggers.take(message->id);
        const AttemptTrigger kind = trigger == QLatin1String("manual") ? AttemptTrigger::Manual
                                    : message->attempts > 0           ? AttemptTrigger::Retry
                                                                      : AttemptTrigger::Automatic;
        WebhookAttempt::Options options{m_settings.timeoutMs, m_settings.maxResponseBytes, userAgent};
        auto *attempt = new WebhookAttempt(m_nam, *message, *s, message->attempts + 1, kind, options, this);
        connect(attempt, &WebhookAttempt::finished, this,
                [this, origin](const AttemptResult &result) { onAttemptFinished(result, origin); });
        attempt->start();
    }
}

void DeliveryEngine::onAttemptFinished(const AttemptResult &result, const QString &origin)
{
    m_scheduler->finished(origin);
    m_scheduler->forget(result.attempt.messageId);
    ++m_attemptsMade;
    Attempt a = result.attempt;
    const QDateTime now = a.endedAt;
    const RetryDecision decision = m_policy->decide(a.attemptNumber, a.httpStatus, a.errorClass, result.retryAfter,
                                                    now, a.trigger == AttemptTrigger::Manual);
    DeliveryState state = DeliveryState::Failed;
    switch (decision.kind) {
    case RetryDecision::Kind::Delivered:
        state = DeliveryState::Delivered;
        ++m_delivered;
        break;
    case RetryDecision::Kind::Retry:
        state = DeliveryState::Retrying;
        a.nextAttemptAt = now.addMSecs(decision.delayMs);
        break;
    case RetryDecision::Kind::GiveUp:
        state = DeliveryState::Failed;
        break;
    case RetryDecision::Kind::Quarantine:
        state = DeliveryState::Held;
        break;
    }
    if (state != DeliveryState::Delivered) {
        ++m_failedAttempts;
        if (decision.kind == RetryDecision::Kind::Quarantine) {
            quarantine(a.subscriberId, QStringLiteral("answered 410 Gone"), now);
        } else {
            if (!m_quarantine->isKnown(a.subscriberId)) {
                try {
                    m_quarantine->seed(a.subscriberId,
                                       m_store->outbox.failedAttemptsSince(
                                           a.subscriberId, now.addMSecs(-m_settings.quarantineWindowMs)),
                                       now);
                } catch (const StoreError &) {
                }
            }
            if (m_quarantine->recordFailure(a.subscriberId, now)) {
                state = DeliveryState::Held;
                a.nextAttemptAt = {};
                quarantine(a.subscriberId,
                           QStringLiteral("%1 failed requests within %2 minutes")
                               .arg(m_settings.quarantineFailures)
                               .arg(m_settings.quarantineWindowMs / 60000),
                           now);
            }
        }
        const auto s = subscriber(a.subscriberId);
        const bool inactive = !s || s->state != SubscriberState::Active;
        if ((m_quarantined.contains(a.subscriberId) || inactive) && state == DeliveryState::Retrying) {
            state = DeliveryState::Held;
            a.nextAttemptAt = {};
        }
    }
    m_pending.push_back({a, state});
    m_changed.insert(a.messageId);
    if (static_cast<int>(m_pending.size()) >= kFlushBatch)
        flush();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
    pump();
}

void DeliveryEngine::quarantine(const QString &subscriberId, const QString &reason, const QDateTime &)
{
    if (m_quarantined.contains(subscriberId))
        return;
    m_quarantined.insert(subscriberId);
    m_pendingQuarantines.emplace_back(subscriberId, reason);
    for (const QString &id : m_scheduler->dropSubscriber(subscriberId))
        m_changed.insert(id);
    if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
}

void DeliveryEngine::flush()
{
    if (!m_store || (m_pending.empty() && m_pendingQuarantines.empty()))
        return;
    QStringList notices;
    try {
        Transaction tx(m_store->db());
        for (const PendingResult &r : m_pending)
            m_store->outbox.recordAttempt(r.attempt, r.state);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const auto &[subscriberId, reason] : m_pendingQuarantines) {
            auto s = m_store->subscribers.find(subscriberId);
            if (!s || s->state != SubscriberState::Active)
                continue;
            s->state = SubscriberState::Quarantined;
            s->quarantinedAt = now;
            s->purgeAt = now.addMSecs(m_settings.purgeAfterMs);
            m_store->subscribers.update(*s);
            const int held = m_store->outbox.holdForSubscriber(subscriberId, now);
            Notice n;
            n.createdAt = now;
            n.subscriberId = subscriberId;
            n.kind = QStringLiteral("quarantined");
            n.text = QStringLiteral("Subscriber %1 (%2) was quarantined: %3. %4 message(s) held. Tell %5 that "
                                    "webhooks to this endpoint have stopped; it is purged on %6 unless reactivated.")
                         .arg(s->id, s->endpoint, reason)
                         .arg(held)
                         .arg(s->email, s->purgeAt.toString(Qt::ISODate));
            m_store->notices.add(n);
            notices << n.text;
        }
        tx.commit();
        m_pending.clear();
        m_pendingQuarantines.clear();
        for (const QString &id : std::as_const(m_quarantined))
            m_quarantine->reset(id);
        m_quarantined.clear();
        m_subscribers.clear();
    } catch (const StoreError &e) {
        Q_EMIT engineError(QStringLiteral("could not record delivery results: %1").arg(e.message()));
        m_flushTimer.start(500); // kept in memory; tried again
        return;
    }
    for (const QString &n : notices)
        Q_EMIT noticeAdded(n);
    if (!m_changed.isEmpty()) {
        Q_EMIT messagesChanged(QStringList(m_changed.begin(), m_changed.end()));
        m_changed.clear();
    }
    if (m_scheduler->waiting() + m_scheduler->inFlight() < m_settings.maxInFlight)
        m_scanTimer.start(0);
    checkIdle();
}

void DeliveryEngine::emitProgress()
{
    if (!m_store)
        return;
    if (!m_changed.isEmpty() && m_pending.empty()) {
        Q_EMIT messagesChanged(QStringList(m_changed.begin(), m_changed.end()));
        m_changed.clear();
    }
    DeliveryProgress p;
    p.inFlight = m_scheduler->inFlight();
    p.attemptsMade = m_attemptsMade;
    p.delivered = m_delivered;
    p.failedAttempts = m_failedAttempts;
    try {
        p.counts = m_store->outbox.countsByState();
    } catch (const StoreError &) {
    }
    Q_EMIT progress(p);
}

void DeliveryEngine::checkIdle()
{
    if (m_scheduler->inFlight() > 0 || m_scheduler->waiting() > 0 || !m_pending.empty() ||
        !m_pendingQuarantines.empty())
        return;
    const QDateTime next = m_store->outbox.nextDueTime();
    if (next.isValid() && next <= QDateTime::currentDateTimeUtc())
        return;
    if (!m_wasIdle) {
        m_wasIdle = true;
        if (!m_changed.isEmpty()) {
            Q_EMIT messagesChanged(QStringList(m_changed.begin(), m_changed.end()));
            m_changed.clear();
        }
        emitProgress();
        Q_EMIT idle();
    }
}

void DeliveryEngine::shutdown()
{
    m_stopping = true;
    m_scanTimer.stop();
    m_progressTimer.stop();
    flush();
    // In-flight attempts are abandoned: their messages stay "sending" and are sent again on the next
    // start with the same webhook-id (at-least-once).
    const auto attempts = findChildren<WebhookAttempt *>();
    for (WebhookAttempt *a : attempts)
        a->cancel();
    delete m_nam;
    m_nam = nullptr;
    m_store.reset();
}

} // namespace sd
