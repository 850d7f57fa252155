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

AttemptTrigger triggerOf(const Message &m)
{
    return m.nextTrigger == AttemptTrigger::Manual ? AttemptTrigger::Manual
           : m.attempts > 0                        ? AttemptTrigger::Retry
                                                   : AttemptTrigger::Automatic;
}
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
    , m_nextTurn(this)
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
    m_nextTurn.setSingleShot(true);
    connect(&m_nextTurn, &QTimer::timeout, this, [this]() {
        if (running())
            pump();
    });
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
    // Webhooks go through QNetworkAccessManager: the target policy and the proxy setting pick each
    // request's route; the managers do their socket work in threads of their own.
    HttpTransport::Settings transport;
    transport.refusePrivateTargets = m_settings.refusePrivateTargets;
    transport.proxy = m_settings.proxy;
    transport.directManagers = kNetworkManagers;
    m_transport = new HttpTransport(transport, this);
    m_policy = makePolicy();
    m_scheduler = std::make_unique<HostScheduler>(m_settings.maxInFlight, m_settings.maxPerHost);
    m_deadlines = new DeadlineQueue(this);
    m_maintenance = std::make_unique<MaintenanceClock>(ServiceContext{*m_store});
    m_progressTimer.start(kProgressIntervalMs);
    m_phase = Phase::Working;
    scan();
    // Trusting the CA file means reading the whole system store too (~0.1 s): done while the journal reads
    // the first claim in its thread, and before any request starts (they start once the claim is back).
    if (!m_settings.caFile.isEmpty())
        trustCaFile();
}

void DeliveryEngine::trustCaFile()
{
    if (m_settings.caFile.isEmpty()) {
        trustedcas::trustInThisProcess({});
        return;
    }
    // A file that went missing since it was set costs only the endpoints that need it: they fail their TLS
    // handshake and say so; everything else is delivered.
    auto cas = trustedcas::load(m_settings.caFile);
    if (cas)
        trustedcas::trustInThisProcess(cas.value());
    else
        Q_EMIT noticeAdded(cas.error());
}

QDateTime DeliveryEngine::runMaintenanceClock()
{
    // Before the outbox is read: the webhooks a transition queues are claimed by this same scan, and a
    // dispatch never finds itself idle while a transition is due.
    auto made = m_maintenance->applyDue();
    if (!made && m_outages.failed(Outages::Kind::Clock))
        Q_EMIT engineWarning(
            QStringLiteral("cannot apply scheduled maintenance: %1; retrying").arg(made.error()));
    if (made)
        m_outages.recovered(Outages::Kind::Clock);
    if (made && made.value() > 0)
        Q_EMIT maintenanceMoved();
    return m_maintenance->nextDue();
}

std::unique_ptr<RetryPolicy> DeliveryEngine::makePolicy()
{
    // The quarantine count starts from the failures already on record, so neither a restart nor a settings
    // reload resets it.
    auto failuresSince = [this](const QString &subscriberId, const QDateTime &since) {
        try {
            return m_store->outbox.failedAttemptsSince(subscriberId, since);
        } catch (const StoreError &) {
            return 0;
        }
    };
    return std::make_unique<RetryPolicy>(m_settings, nullptr, failuresSince);
}

void DeliveryEngine::reloadSettings()
{
    if (!running())
        return;
    const QString caFileBefore = m_settings.caFile;
    try {
        m_settings = DeliverySettings::load(m_store->settings);
    } catch (const StoreError &e) {
        Q_EMIT engineWarning(
            QStringLiteral("cannot read the changed delivery settings: %1").arg(e.message()));
        return;
    }
    // The proxy, the target policy and the CA file too: the next route and the next new connection follow.
    m_transport->setRouting(m_settings.refusePrivateTargets, m_settings.proxy);
    if (m_settings.caFile != caFileBefore)
        trustCaFile();
    // A fresh policy seeds each subscriber's failures from the store again, under the new threshold.
    m_policy = makePolicy();
    m_scheduler->setLimits(m_settings.maxInFlight, m_settings.maxPerHost);
    Q_EMIT settingsReloaded();
    pump(); // a raised cap lets waiting messages start now
}

void DeliveryEngine::wake()
{
    if (!running())
        return;
    m_phase = Phase::Working;
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
    if (!running())
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
        if (m_outages.failed(Outages::Kind::Store))
            Q_EMIT engineWarning(QStringLiteral("cannot read the outbox: %1; retrying").arg(e.message()));
        m_scanTimer.start(kPollIntervalMs);
        return;
    }
    m_outages.recovered(Outages::Kind::Store);
}

int DeliveryEngine::room() const
{
    // A bounded window of claimed messages in memory (a few kilobytes each). Wide enough that a whole fan-out
    // is usually claimed at once, so round-robin reaches every origin in its first turn and a slow origin's
    // first request starts (and meets its deadline) without waiting behind thousands of healthy ones.
    const int window = std::max(2 * m_settings.maxInFlight, kMinWindow);
    return window - (m_scheduler->waiting() + m_scheduler->inFlight() + m_writes.claiming());
}

int DeliveryEngine::claimSize() const
{
    // With nothing in hand (a start, or work after a quiet spell) a short claim first: its requests go out
    // while the journal reads the rest of the window with the next claim, instead of after one long read.
    const int free = std::max(0, room());
    if (m_scheduler->waiting() + m_scheduler->inFlight() == 0)
        return std::min(free, 2 * m_settings.maxInFlight);
    return free;
}

void DeliveryEngine::admit(const std::vector<Message> &claimed)
{
    if (claimed.empty())
        return;
    if (m_phase == Phase::Idle)
        m_phase = Phase::Working; // a claim that comes back while draining waits and goes back at shutdown
    for (const Message &m : claimed) {
        m_changed.insert(m.id);
        m_scheduler->enqueue(m);
    }
}

void DeliveryEngine::pump()
{
    if (m_phase == Phase::Draining)
        return; // what is still waiting goes back to the queue
    const QByteArray userAgent = QByteArrayLiteral("StatusDesk/") + QByteArrayLiteral(STATUSDESK_VERSION);
    int started = 0;
    while (true) {
        // A fan-out to a thousand new origins would otherwise start a thousand requests in one go while the
        // answers of the first ones wait; a few dozen per turn of the event loop keeps both moving.
        if (started >= kStartsPerTurn) {
            if (!m_nextTurn.isActive())
                m_nextTurn.start(0);
            return;
        }
        QString origin;
        std::optional<Message> message = m_scheduler->next(&origin);
        if (!message)
            break;
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
            m_inFlightSchedules.remove(message->id);
            m_scheduler->enqueue(std::move(*message));
            if (m_outages.failed(Outages::Kind::Store))
                Q_EMIT engineWarning(
                    QStringLiteral("cannot read subscribers: %1; retrying").arg(e.message()));
            return;
        }
        if (!s || s->state != SubscriberState::Active || m_quarantined.contains(message->subscriberId)) {
            setAside(*message, s, origin);
            continue;
        }
        // The attempt owns its deadline (on the engine's one clock) and carries this read of the
        // subscriber to its end.
        WebhookAttempt::Options options{m_settings.timeoutMs, m_settings.maxResponseBytes, userAgent,
                                        m_deadlines};
        auto *attempt = new WebhookAttempt(m_transport, *message, *s, message->attempts + 1,
                                           triggerOf(*message), options, this);
        connect(attempt, &WebhookAttempt::finished, this, [this, origin](const AttemptResult &result) {
            record(result.attempt, result.retryAfter, Channel::Webhook, origin, result.subscriber);
        });
        attempt->start();
        ++started;
    }
}

void DeliveryEngine::setAside(const Message &message, const std::optional<Subscriber> &s,
                              const QString &origin)
{
    // Quarantined or removed since it was claimed: held (or cancelled) by the next write instead of sent.
    m_scheduler->finished(origin);
    m_scheduler->forget(message.id);
    m_inFlightSchedules.remove(message.id);
    m_writes.add(JournalBatch::StateChange{message.id, s && s->state == SubscriberState::Unsubscribed
                                                           ? DeliveryState::Cancelled
                                                           : DeliveryState::Held});
    if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
}

void DeliveryEngine::startEmail(const Message &message)
{
    EmailJob job;
    job.messageId = message.id;
    job.subscriberId = message.subscriberId;
    job.recipient = message.recipient;
    job.bytes = message.body;
    job.attemptNumber = message.attempts + 1;
    job.trigger = triggerOf(message);
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
            if (running())
                record(a, {}, Channel::Email, HostScheduler::originOf(a.endpoint), Subscriber{});
        });
    }
    m_smtp->send(job);
}

void DeliveryEngine::record(Attempt a, const QByteArray &retryAfter, Channel channel, const QString &origin,
                            const Subscriber &subscriber)
{
    m_scheduler->finished(origin);
    m_scheduler->forget(a.messageId);
    ++m_attemptsMade;
    Schedule schedule{a.attemptNumber - 1, QDateTime()};
    if (const auto it = m_inFlightSchedules.constFind(a.messageId); it != m_inFlightSchedules.cend()) {
        schedule = it.value();
        m_inFlightSchedules.erase(it);
    }
    const Verdict verdict =
        m_policy->judge({a, retryAfter, schedule, channel, m_quarantined.contains(a.subscriberId)});
    a.nextAttemptAt = verdict.retryAt;
    if (verdict.kind == Verdict::Kind::Delivered)
        ++m_delivered;
    else
        ++m_failedAttempts;
    if (verdict.kind == Verdict::Kind::Quarantine)
        quarantine(subscriber, verdict.reason);
    count(a.messageId, verdict.state());
    m_writes.add(JournalBatch::Result{a, verdict.state()}); // announced once the journal has written it
    // Draining: written at once, without a claim. With a backlog, a write also refills the window, so write
    // as soon as the window runs half empty.
    if (m_phase == Phase::Draining)
        flush(false);
    else if (m_writes.results() >= kFlushBatch || (m_writes.backlog() && room() >= m_settings.maxInFlight))
        flush(true);
    else if (m_scheduler->inFlight() == 0 && m_scheduler->waiting() == 0)
        flush(false); // the last answer of a burst: nothing to wait for, so written now (a dispatch ends)
    else if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
    pump();
}

void DeliveryEngine::quarantine(const Subscriber &subscriber, const QString &reason)
{
    if (m_quarantined.contains(subscriber.id))
        return;
    m_quarantined.insert(subscriber.id);
    // Its waiting messages are held by the journal in the same transaction as the quarantine; announced
    // after it.
    m_writes.add(JournalBatch::Quarantine{subscriber, reason, m_scheduler->dropSubscriber(subscriber.id)});
    if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
}

void DeliveryEngine::flush(bool claim)
{
    m_flushTimer.stop();
    if (!m_store)
        return;
    if (m_writes.writing()) {
        if (claim)
            m_writes.wantClaim(); // one write at a time; onWritten() sends what gathered meanwhile
        return;
    }
    if (m_writes.empty() && !claim)
        return;
    const bool wantsClaim = claim || m_writes.backlog() || m_writes.claimWanted();
    const int claimed = wantsClaim && running() ? claimSize() : 0;
    if (std::optional<JournalBatch> batch = m_writes.start(claimed, m_settings.purgeAfterMs))
        Q_EMIT writeRequested(*batch);
}

void DeliveryEngine::onWritten(const JournalOutcome &outcome)
{
    const QStringList committed = m_writes.finish(outcome);
    if (m_phase == Phase::Stopping)
        return;
    if (!outcome.ok) {
        // Said once per outage, not once per retry; nothing is lost meanwhile: the batch is tried again,
        // ahead of anything newer.
        if (m_outages.failed(Outages::Kind::Journal))
            Q_EMIT engineWarning(outcome.error +
                                 QStringLiteral("; results are kept and written when it can"));
        m_flushTimer.start(500);
        return;
    }
    if (m_outages.recovered(Outages::Kind::Journal))
        Q_EMIT engineWarning(QStringLiteral("delivery results are being recorded again"));
    for (const QString &id : committed)
        m_changed.insert(id);
    for (const QString &id : outcome.quarantined) {
        m_policy->forgetFailures(id);
        m_quarantined.remove(id);
    }
    if (outcome.externalChange || !outcome.quarantined.isEmpty())
        m_subscribers.clear();
    for (const QString &n : outcome.notices)
        Q_EMIT noticeAdded(endpointurl::redacted(n)); // shown in status bars and logs

    admit(outcome.claimed);
    announceChanged();
    pump();
    // Results that arrived during the write go next: at once when they are many or the window needs
    // refilling.
    if (m_writes.results() >= kFlushBatch || m_writes.hasQuarantines() || m_writes.claimWanted() ||
        (m_writes.backlog() && room() >= m_settings.maxInFlight))
        flush(true);
    else if (m_writes.results() > 0 && !m_flushTimer.isActive())
        m_flushTimer.start(kFlushIntervalMs);
    checkIdle();
    checkDrained();
}

void DeliveryEngine::announceChanged()
{
    if (m_changed.isEmpty())
        return;
    Q_EMIT messagesChanged(QStringList(m_changed.begin(), m_changed.end()));
    m_changed.clear();
}

void DeliveryEngine::emitProgress()
{
    if (!m_store)
        return;
    if (m_writes.results() == 0)
        announceChanged();
    DeliveryProgress p = tally();
    p.inFlight = m_scheduler->inFlight();
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
    if (!running() || m_scheduler->inFlight() > 0 || m_scheduler->waiting() > 0 || !m_writes.idle())
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
    // A retry due within a flush interval is work in hand, not idleness: the last answer of a burst is
    // written at once, so a dispatch would otherwise end just before its immediate retries fall due.
    if (next.isValid() && next <= QDateTime::currentDateTimeUtc().addMSecs(kFlushIntervalMs))
        return;
    if (m_phase != Phase::Idle) {
        m_phase = Phase::Idle;
        announceChanged();
        emitProgress();
        Q_EMIT idle();
    }
}

void DeliveryEngine::shutdown()
{
    m_phase = Phase::Stopping;
    m_scanTimer.stop();
    m_progressTimer.stop();
    m_flushTimer.stop();
    m_nextTurn.stop();
    // What is still in memory is written before the thread ends; a write already queued goes first.
    JournalBatch last = m_writes.takeAll(m_settings.purgeAfterMs);
    if (!last.results.empty() || !last.quarantines.empty() || !last.states.empty()) {
        DeliveryJournal *journal = m_journal;
        QMetaObject::invokeMethod(
            m_journal, [journal, last]() { journal->writeNow(last); }, Qt::BlockingQueuedConnection);
    }
    // In-flight attempts are abandoned (each cancels its own deadline): their messages stay "sending" and
    // are sent again on the next start with the same webhook-id (at-least-once).
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
