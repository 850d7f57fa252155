#include "app/delivery/deliveryengine.h"

#include "app/delivery/httptransport.h"
#include "app/delivery/trustedcas.h"
#include "app/services/maintenanceclock.h"
#include "app/services/servicecontext.h"
#include "app/services/subscriberservice.h"
#include "models/endpointurl.h"
#include "models/store.h"
#include "models/values.h"

#include <QSqlDriver>

namespace sd {
namespace {
constexpr int kFlushIntervalMs = 50;     // results reach the database within this
constexpr int kFlushBatch = 1000;        // or as soon as this many are waiting
constexpr int kProgressIntervalMs = 250; // a few progress signals a second, never one per request
constexpr int kPollIntervalMs = 1000;    // catches messages queued by other processes
constexpr int kMinWindow = 10'000;       // claimed messages kept in memory, at least
constexpr int kStartsPerTurn = 64;       // requests started before the event loop gets a turn
// Each QNetworkAccessManager does its socket work in one thread of its own; origins are split between them.
constexpr int kNetworkManagers = 2;
} // namespace

DeliveryEngine::DeliveryEngine(QString databasePath, QString engineId, DeliveryJournal *journal,
                               QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
    , m_engineId(std::move(engineId))
    , m_journal(journal)
    , m_scanTimer(this)
    , m_flushTimer(this)
    , m_progressTimer(this)
{
    // The journal lives in its own thread: both directions are queued.
    connect(this, &DeliveryEngine::writeRequested, m_journal, &DeliveryJournal::write);
    connect(m_journal, &DeliveryJournal::written, this, &DeliveryEngine::onWritten);
    connect(m_journal, &DeliveryJournal::peers, this, [this](int engines) { m_engines = engines; });
    connect(m_journal, &DeliveryJournal::warning, this, &DeliveryEngine::engineWarning);
    m_scanTimer.setSingleShot(true);
    m_flushTimer.setSingleShot(true);
    connect(&m_scanTimer, &QTimer::timeout, this, &DeliveryEngine::scan);
    connect(&m_flushTimer, &QTimer::timeout, this, [this]() { flush(false); });
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
    if (m_store->db().isPostgres()) {
        // Another desk queued messages or changed subscribers: look now rather than at the next poll.
        QSqlDriver *driver = m_store->db().connection().driver();
        connect(driver, &QSqlDriver::notification, this,
                [this](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) {
                    if (Database::changeFromOtherProcess(payload) == QLatin1String("data"))
                        wake();
                });
        driver->subscribeToNotification(QString::fromLatin1(Database::kChangeChannel));
    }
    // Attempts that were in flight when another process died go out again (same webhook-id) once the journal
    // finds their lease expired or their engine gone; nothing here takes messages from a live engine.
    try {
        m_settings = DeliverySettings::load(m_store->settings);
        ServiceContext ctx{*m_store};
        auto purged = SubscriberService(ctx).purgeExpired();
        if (purged && purged.value() > 0)
            Q_EMIT noticeAdded(
                QStringLiteral("%1 quarantined subscriber(s) purged after 90 days").arg(purged.value()));
    } catch (const StoreError &e) {
        Q_EMIT engineError(e.message());
        return;
    }
    if (!m_settings.caFile.isEmpty()) {
        // A file that went missing since it was set costs only the endpoints that need it: they fail their
        // TLS handshake and say so; everything else is delivered.
        auto cas = trustedcas::load(m_settings.caFile);
        if (cas)
            trustedcas::trustInThisProcess(cas.value());
        else
            Q_EMIT noticeAdded(cas.error());
    }
    // Webhooks go through QNetworkAccessManager: the target policy and the proxy setting pick each
    // request's route; the managers do their socket work in threads of their own.
    HttpTransport::Settings transport;
    transport.refusePrivateTargets = m_settings.refusePrivateTargets;
    transport.proxy = m_settings.proxy;
    transport.directManagers = kNetworkManagers;
    m_transport = new HttpTransport(transport, this);
    m_policy = std::make_unique<RetryPolicy>(m_settings);
    m_scheduler = std::make_unique<HostScheduler>(m_settings.maxInFlight, m_settings.maxPerHost);
    m_deadlines = new DeadlineQueue(this);
    m_quarantine =
        std::make_unique<QuarantineTracker>(m_settings.quarantineFailures, m_settings.quarantineWindowMs);
    m_maintenance = std::make_unique<MaintenanceClock>(ServiceContext{*m_store});
    m_progressTimer.start(kProgressIntervalMs);
    scan();
}

QDateTime DeliveryEngine::runMaintenanceClock()
{
    // Before the outbox is read: the webhooks a transition queues are claimed by this same scan, and a
    // dispatch never finds itself idle while a transition is due.
    auto made = m_maintenance->applyDue();
    if (!made && !m_clockFailing)
        Q_EMIT engineWarning(
            QStringLiteral("cannot apply scheduled maintenance: %1; retrying").arg(made.error()));
    m_clockFailing = !made;
    if (made && made.value() > 0)
        Q_EMIT maintenanceMoved();
    return m_maintenance->nextDue();
}

void DeliveryEngine::reloadSettings()
{
    if (!m_store || m_stopping || !m_scheduler)
        return;
    try {
        m_settings = DeliverySettings::load(m_store->settings);
    } catch (const StoreError &e) {
        Q_EMIT engineWarning(QStringLiteral("cannot read the changed delivery settings: %1").arg(e.message()));
        return;
    }
    m_policy = std::make_unique<RetryPolicy>(m_settings);
    m_scheduler->setLimits(m_settings.maxInFlight, m_settings.maxPerHost);
    // A fresh tracker seeds each subscriber's failures from the store again, under the new threshold.
    m_quarantine =
        std::make_unique<QuarantineTracker>(m_settings.quarantineFailures, m_settings.quarantineWindowMs);
    Q_EMIT settingsReloaded();
    pump(); // a raised cap lets waiting messages start now
}

void DeliveryEngine::wake()
{
    if (!m_store || m_stopping)
        return;
    m_wasIdle = false;
    m_subscribers.clear(); // woken because something changed: a reactivation, a resend, a new subscriber
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
        const QDateTime nextTransition = runMaintenanceClock();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime earliest = m_store->outbox.nextDueTime();
        // The journal claims what is due (when a write is under way, the claim follows it). While other
        // engines hold leases, a claim also lets the journal take back any that expired or whose engine died.
        if (room() > 0 && ((earliest.isValid() && earliest <= now) || sendingByOthers() > 0))
            flush(true);
        // Next look: when the earliest retry falls due, but at least once a second.
        qint64 wait = kPollIntervalMs;
        if (earliest.isValid() && earliest > now)
            wait = std::clamp<qint64>(now.msecsTo(earliest), 0, kPollIntervalMs);
        if (nextTransition.isValid())
            wait = std::clamp<qint64>(now.msecsTo(nextTransition), 0, wait);
        m_scanTimer.start(static_cast<int>(wait));
        checkIdle();
    } catch (const StoreError &e) {
        // Transient (another writer holds the database, a full disk): said once, tried again every second.
        if (!m_scanFailing)
            Q_EMIT engineWarning(QStringLiteral("cannot read the outbox: %1; retrying").arg(e.message()));
        m_scanFailing = true;
        m_scanTimer.start(kPollIntervalMs);
        return;
    }
    m_scanFailing = false;
}

int DeliveryEngine::room() const
{
    // A bounded window of claimed messages in memory (a few kilobytes each). Wide enough that a whole fan-out
    // is usually claimed at once, so round-robin reaches every origin in its first turn and a slow origin's
    // first request starts (and meets its deadline) without waiting behind thousands of healthy ones.
    const int window = std::max(2 * m_settings.maxInFlight, kMinWindow);
    return window - (m_scheduler->waiting() + m_scheduler->inFlight() + m_claiming);
}

void DeliveryEngine::admit(const std::vector<Message> &claimed)
{
    if (claimed.empty())
        return;
    m_wasIdle = false;
    for (const Message &m : claimed) {
        m_changed.insert(m.id);
        m_scheduler->enqueue(m);
    }
}

void DeliveryEngine::pump()
{
    const QByteArray userAgent = QByteArrayLiteral("StatusDesk/") + QByteArrayLiteral(STATUSDESK_VERSION);
    int started = 0;
    while (true) {
        // A fan-out to a thousand new origins would otherwise start a thousand requests in one go while the
        // answers of the first ones wait; a few dozen per turn of the event loop keeps both moving.
        if (started >= kStartsPerTurn) {
            if (!m_pumpQueued) {
                m_pumpQueued = true;
                QTimer::singleShot(0, this, [this]() {
                    m_pumpQueued = false;
                    if (!m_stopping)
                        pump();
                });
            }
            return;
        }
        std::optional<Message> message = m_scheduler->next();
        if (!message)
            break;
        const QString origin = HostScheduler::originOf(message->endpoint);
        m_inFlightSchedules.insert(message->id,
                                   {message->attempts - message->manualAttempts, message->resumeAt});
        if (message->channel == Channel::Email) {
            // Goes to the address on file whatever the subscriber's state: it is what tells them of it.
            startEmail(*message);
            ++started;
            continue;
        }
        std::optional<Subscriber> s;
        try {
            s = subscriber(message->subscriberId);
        } catch (const StoreError &e) {
            // Cannot tell whether it may be sent: put it back and look again with the next scan.
            m_scheduler->finished(origin);
            m_scheduler->enqueue(std::move(*message));
            if (!m_scanFailing)
                Q_EMIT engineWarning(
                    QStringLiteral("cannot read subscribers: %1; retrying").arg(e.message()));
            m_scanFailing = true;
            return;
        }
        if (!s || s->state != SubscriberState::Active || m_quarantined.contains(message->subscriberId)) {
            // Quarantined or removed since it was claimed: held (or cancelled) by the next write instead of
            // sent.
            m_scheduler->finished(origin);
            m_scheduler->forget(message->id);
            m_inFlightSchedules.remove(message->id);
            m_pendingStates.push_back({message->id, s && s->state == SubscriberState::Unsubscribed
                                                        ? DeliveryState::Cancelled
                                                        : DeliveryState::Held});
            if (!m_flushTimer.isActive())
                m_flushTimer.start(kFlushIntervalMs);
            continue;
        }
        const AttemptTrigger kind = message->nextTrigger == AttemptTrigger::Manual ? AttemptTrigger::Manual
                                    : message->attempts > 0                        ? AttemptTrigger::Retry
                                                            : AttemptTrigger::Automatic;
        WebhookAttempt::Options options{m_settings.timeoutMs, m_settings.maxResponseBytes, userAgent,
                                        m_deadlines};
        auto *attempt =
            new WebhookAttempt(m_transport, *message, *s, message->attempts + 1, kind, options, this);
        connect(attempt, &WebhookAttempt::finished, this,
                [this, origin](const AttemptResult &result) { onAttemptFinished(result, origin); });
        attempt->start();
        ++started;
    }
}

void DeliveryEngine::onAttemptFinished(const AttemptResult &result, const QString &origin)
{
    m_scheduler->finished(origin);
    m_scheduler->forget(result.attempt.messageId);
    ++m_attemptsMade;
    Attempt a = result.attempt;
    const QDateTime now = a.endedAt;
    const RetryDecision decision = decide(a, a.httpStatus, result.retryAfter);
    DeliveryState state = DeliveryState::Failed;
    switch (decision.kind) {
    case RetryDecision::Kind::Delivered:
        state = DeliveryState::Delivered;
        ++m_delivered;
        break;
    case RetryDecision::Kind::Retry:
        state = DeliveryState::Retrying;
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
    m_pending.push_back({a, state}); // announced as changed once the journal has written it
    // With a backlog, a write also refills the window, so write as soon as the window runs half empty.
    if (static_cast<int>(m_pending.size()) >= kFlushBatch || (m_backlog && room() >= m_settings.maxInFlight))
        flush(true);
    else if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
    pump();
}

RetryDecision DeliveryEngine::decide(Attempt &a, int httpStatus, const QByteArray &retryAfter)
{
    const bool manual = a.trigger == AttemptTrigger::Manual;
    Schedule schedule{a.attemptNumber - 1, QDateTime()};
    if (const auto it = m_inFlightSchedules.constFind(a.messageId); it != m_inFlightSchedules.cend()) {
        schedule = it.value();
        m_inFlightSchedules.erase(it);
    }
    const bool keepsSchedule = manual && schedule.resumeAt.isValid();
    // A manual attempt without a schedule to go back to (the message had failed or was delivered) is one
    // attempt, as the operator asked; the policy gives it up on failure.
    const int step = keepsSchedule ? schedule.automaticAttempts
                     : manual      ? a.attemptNumber
                                   : schedule.automaticAttempts + 1;
    const RetryDecision decision =
        m_policy->decide(step, httpStatus, a.errorClass, retryAfter, a.endedAt, manual && !keepsSchedule);
    if (decision.kind == RetryDecision::Kind::Retry)
        a.nextAttemptAt = keepsSchedule ? schedule.resumeAt : a.endedAt.addMSecs(decision.delayMs);
    return decision;
}

void DeliveryEngine::startEmail(const Message &message)
{
    EmailJob job;
    job.messageId = message.id;
    job.subscriberId = message.subscriberId;
    job.recipient = message.recipient;
    job.bytes = message.body;
    job.attemptNumber = message.attempts + 1;
    job.trigger = message.nextTrigger == AttemptTrigger::Manual ? AttemptTrigger::Manual
                  : message.attempts > 0                        ? AttemptTrigger::Retry
                                                                : AttemptTrigger::Automatic;
    if (job.trigger == AttemptTrigger::Manual)
        job.actor = message.nextActor;
    try {
        // Read per email (they are few), so settings changed while the engine runs apply to the next one.
        job.smtp = SmtpSettings::load(m_store->settings);
    } catch (const StoreError &) {
        // Left unconfigured: the attempt fails and is retried on the schedule.
    }
    if (!m_smtp) {
        m_smtp = new SmtpSender(this);
        connect(m_smtp, &SmtpSender::finished, this, [this](const Attempt &a) {
            if (!m_stopping)
                onEmailFinished(a, HostScheduler::originOf(a.endpoint));
        });
    }
    m_smtp->send(job);
}

void DeliveryEngine::onEmailFinished(const Attempt &attempt, const QString &origin)
{
    m_scheduler->finished(origin);
    m_scheduler->forget(attempt.messageId);
    ++m_attemptsMade;
    Attempt a = attempt;
    // The SMTP reply code is no HTTP status: success is the absence of an error, and a failure is retried on
    // the webhook schedule like a transport error.
    RetryDecision decision{RetryDecision::Kind::Delivered, 0};
    if (a.errorClass.isEmpty())
        m_inFlightSchedules.remove(a.messageId);
    else
        decision = decide(a, 0, {});
    DeliveryState state = DeliveryState::Failed;
    if (decision.kind == RetryDecision::Kind::Delivered) {
        state = DeliveryState::Delivered;
        ++m_delivered;
    } else {
        ++m_failedAttempts;
        if (decision.kind == RetryDecision::Kind::Retry)
            state = DeliveryState::Retrying;
    }
    m_pending.push_back({a, state});
    if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
    pump();
}

void DeliveryEngine::quarantine(const QString &subscriberId, const QString &reason, const QDateTime &)
{
    if (m_quarantined.contains(subscriberId))
        return;
    m_quarantined.insert(subscriberId);
    m_pendingQuarantines.push_back({subscriberId, reason});
    // Held by the journal in the same transaction as the quarantine; announced after it.
    m_pendingQuarantines.back().heldIds = m_scheduler->dropSubscriber(subscriberId);
    if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
}

JournalBatch DeliveryEngine::takeBatch(bool claim)
{
    JournalBatch batch;
    batch.results = std::move(m_pending);
    m_pending.clear();
    batch.quarantines = std::move(m_pendingQuarantines);
    m_pendingQuarantines.clear();
    batch.states = std::move(m_pendingStates);
    m_pendingStates.clear();
    batch.purgeAfterMs = m_settings.purgeAfterMs;
    if (claim && !m_stopping && room() > 0)
        batch.claim = room();
    return batch;
}

void DeliveryEngine::flush(bool claim)
{
    m_flushTimer.stop();
    if (!m_store)
        return;
    if (m_writing) {
        m_claimWanted = m_claimWanted || claim;
        return; // one write at a time; onWritten() sends what gathered meanwhile
    }
    if (m_pending.empty() && m_pendingQuarantines.empty() && m_pendingStates.empty() && !claim)
        return;
    JournalBatch batch = takeBatch(claim || m_backlog || m_claimWanted);
    m_claimWanted = false;
    if (batch.results.empty() && batch.quarantines.empty() && batch.states.empty() && batch.claim == 0)
        return;
    m_writing = true;
    m_claiming = batch.claim;
    m_inWrite = batch; // kept until the journal confirms, to be sent again if the write fails
    Q_EMIT writeRequested(batch);
}

void DeliveryEngine::onWritten(const JournalOutcome &outcome)
{
    m_writing = false;
    m_claiming = 0;
    if (m_stopping)
        return;
    if (!outcome.ok) {
        // Said once per outage, not once per retry; nothing is lost meanwhile.
        if (!m_writeFailing)
            Q_EMIT engineWarning(outcome.error +
                                 QStringLiteral("; results are kept and written when it can"));
        m_writeFailing = true;
        // Kept in memory and tried again, ahead of anything newer.
        m_pending.insert(m_pending.begin(), m_inWrite.results.begin(), m_inWrite.results.end());
        m_pendingQuarantines.insert(m_pendingQuarantines.begin(), m_inWrite.quarantines.begin(),
                                    m_inWrite.quarantines.end());
        m_pendingStates.insert(m_pendingStates.begin(), m_inWrite.states.begin(), m_inWrite.states.end());
        m_inWrite = {};
        m_flushTimer.start(500);
        return;
    }
    if (m_writeFailing) {
        m_writeFailing = false;
        Q_EMIT engineWarning(QStringLiteral("delivery results are being recorded again"));
    }
    // Only what is committed is announced: a view that reads these ids now sees their new state.
    for (const JournalBatch::Result &r : m_inWrite.results)
        m_changed.insert(r.attempt.messageId);
    for (const JournalBatch::Quarantine &q : m_inWrite.quarantines)
        for (const QString &id : q.heldIds)
            m_changed.insert(id);
    for (const JournalBatch::StateChange &c : m_inWrite.states)
        m_changed.insert(c.messageId);
    m_inWrite = {};
    for (const QString &id : outcome.quarantined) {
        m_quarantine->reset(id);
        m_quarantined.remove(id);
    }
    if (outcome.externalChange || !outcome.quarantined.isEmpty())
        m_subscribers.clear();
    for (const QString &n : outcome.notices)
        Q_EMIT noticeAdded(endpointurl::redacted(n)); // shown in status bars and logs

    m_backlog = outcome.backlog;
    admit(outcome.claimed);
    if (!m_changed.isEmpty()) {
        Q_EMIT messagesChanged(QStringList(m_changed.begin(), m_changed.end()));
        m_changed.clear();
    }
    pump();
    // Results that arrived during the write go next: at once when they are many or the window needs
    // refilling.
    if (static_cast<int>(m_pending.size()) >= kFlushBatch || !m_pendingQuarantines.empty() || m_claimWanted ||
        (m_backlog && room() >= m_settings.maxInFlight))
        flush(true);
    else if (!m_pending.empty() && !m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
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
    p.engines = m_engines;
    const HostScheduler::CapWait capped = m_scheduler->mostWaitingAtHostCap();
    p.cappedOrigin = capped.origin;
    p.cappedWaiting = capped.waiting;
    p.perHostCap = m_scheduler->maxPerHost();
    try {
        p.counts = m_store->outbox.countsByState();
    } catch (const StoreError &) {
    }
    Q_EMIT progress(p);
}

int DeliveryEngine::sendingByOthers()
{
    int n = 0;
    for (int count : m_store->outbox.leaseHolders(m_engineId))
        n += count;
    return n;
}

void DeliveryEngine::checkIdle()
{
    if (m_scheduler->inFlight() > 0 || m_scheduler->waiting() > 0 || !m_pending.empty() ||
        !m_pendingQuarantines.empty() || !m_pendingStates.empty() || m_writing)
        return;
    QDateTime next;
    try {
        next = m_store->outbox.nextDueTime();
        // Work a live peer holds is not done yet: a dispatch waits for it (or takes it over if the peer
        // dies).
        if (sendingByOthers() > 0)
            return;
    } catch (const StoreError &) {
        return; // not known to be idle; the next scan asks again
    }
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
    m_flushTimer.stop();
    // What is still in memory is written before the thread ends; a write already queued goes first.
    JournalBatch last = takeBatch(false);
    if (!last.results.empty() || !last.quarantines.empty() || !last.states.empty()) {
        DeliveryJournal *journal = m_journal;
        QMetaObject::invokeMethod(
            m_journal, [journal, last]() { journal->writeNow(last); }, Qt::BlockingQueuedConnection);
    }
    // In-flight attempts are abandoned: their messages stay "sending" and are sent again on the next
    // start with the same webhook-id (at-least-once).
    if (m_deadlines)
        m_deadlines->clear();
    const auto attempts = findChildren<WebhookAttempt *>();
    for (WebhookAttempt *a : attempts)
        a->cancel();
    // An email under way is abandoned the same way (sent again on the next start, same Message-ID).
    delete m_smtp;
    m_smtp = nullptr;
    delete m_transport;
    m_transport = nullptr;
    m_store.reset();
}

} // namespace sd
