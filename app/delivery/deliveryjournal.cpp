#include "app/delivery/deliveryjournal.h"

#include "app/delivery/quarantinewriter.h"
#include "models/deliverysettings.h"
#include "models/healthrepository.h"
#include "models/ids.h"
#include "models/localprocess.h"
#include "models/store.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <algorithm>

namespace sd {
namespace {

// The advisory-lock key space of engine instances on PostgreSQL: (kEngineLockClass, hashtext(instance id)).
// Each journal holds its instance's lock for as long as its connection lives, so a free lock means the owner
// is gone, at once and from any machine.
constexpr int kEngineLockClass = 0x5344;
// The most one claim takes while other engines work the same queue.
constexpr int kSharedClaim = 1024;
// How often a claim also takes back expired and orphaned leases.
constexpr qint64 kRecoveryIntervalMs = 2000;

} // namespace

EngineIdentity EngineIdentity::forThisProcess(const QString &program)
{
    EngineIdentity e;
    e.id = QStringLiteral("eng_") + ids::newId();
    e.host = QSysInfo::machineHostName();
    e.pid = QCoreApplication::applicationPid();
    e.osUser = qEnvironmentVariable("USER", qEnvironmentVariable("LOGNAME", QStringLiteral("unknown")));
    e.program = program;
    return e;
}

DeliveryJournal::DeliveryJournal(QString databasePath, EngineIdentity identity, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
    , m_identity(std::move(identity))
{}

DeliveryJournal::~DeliveryJournal() = default;

void DeliveryJournal::initialize()
{
    m_store = Store::open(m_path, &m_openError);
    if (!m_store)
        return;
    try {
        m_leaseMs = DeliverySettings::load(m_store->settings).leaseMs;
        if (m_store->db().isPostgres())
            m_store->db().run(QStringLiteral("SELECT pg_advisory_lock(?, hashtext(?))"),
                              {kEngineLockClass, m_identity.id});
    } catch (const StoreError &e) {
        Q_EMIT warning(
            QStringLiteral("cannot prepare this delivery engine for a shared queue: %1").arg(e.message()));
    }
    m_renewTimer = new QTimer(this);
    connect(m_renewTimer, &QTimer::timeout, this, &DeliveryJournal::renew);
    m_renewTimer->start(static_cast<int>(std::max<qint64>(m_leaseMs / 3, 100)));
    renew(); // the first heartbeat registers the engine
}

void DeliveryJournal::write(const JournalBatch &batch)
{
    Q_EMIT written(writeNow(batch));
}

bool DeliveryJournal::processAlive(qint64 pid) const
{
    return localProcessAlive(pid);
}

QStringList DeliveryJournal::goneOwners(const QStringList &owners)
{
    QStringList gone;
    for (const QString &owner : owners) {
        QSqlQuery &q =
            m_store->db().run(QStringLiteral("SELECT host, pid FROM engines WHERE id = ?"), {owner});
        if (!q.next()) {
            gone << owner; // never registered or already cleaned up: nobody renews its leases
            continue;
        }
        const QString host = q.value(0).toString();
        const qint64 pid = q.value(1).toLongLong();
        q.finish();
        bool isGone = host == m_identity.host && !processAlive(pid);
        if (!isGone && m_store->db().isPostgres()) {
            QSqlQuery &lock = m_store->db().run(QStringLiteral("SELECT pg_try_advisory_lock(?, hashtext(?))"),
                                                {kEngineLockClass, owner});
            if (lock.next() && lock.value(0).toBool()) {
                isGone = true;
                lock.finish();
                m_store->db().run(QStringLiteral("SELECT pg_advisory_unlock(?, hashtext(?))"),
                                  {kEngineLockClass, owner});
            }
        }
        if (isGone) {
            gone << owner;
            m_store->db().run(QStringLiteral("DELETE FROM engines WHERE id = ?"), {owner});
        }
    }
    return gone;
}

JournalOutcome DeliveryJournal::writeNow(const JournalBatch &batch)
{
    JournalOutcome out;
    if (!m_store) {
        out.ok = false;
        out.error =
            m_openError.isEmpty() ? QStringLiteral("the delivery journal has no database") : m_openError;
        return out;
    }
    try {
        Transaction tx(m_store->db(), Transaction::Mode::Concurrent);
        std::vector<OutboxRepository::Outcome> outcomes;
        outcomes.reserve(batch.results.size());
        for (const JournalBatch::Result &r : batch.results)
            outcomes.push_back({r.attempt, r.state});
        m_store->outbox.recordAttempts(outcomes, m_identity.id);
        // Endpoint health adds up in the same transaction, so it never disagrees with the attempts table.
        if (!batch.results.empty()) {
            std::vector<Attempt> attempts;
            attempts.reserve(batch.results.size());
            for (const JournalBatch::Result &r : batch.results)
                attempts.push_back(r.attempt);
            HealthRepository(m_store->db()).record(attempts);
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const JournalBatch::StateChange &c : batch.states)
            m_store->outbox.setState(c.messageId, c.state, {}, now);
        for (const JournalBatch::Quarantine &q : batch.quarantines) {
            out.quarantined << q.subscriber.id;
            if (auto notice = writeQuarantine(*m_store, q.subscriber, q.reason, now, batch.purgeAfterMs))
                out.notices << *notice;
        }
        if (batch.claim > 0) {
            // Leases that expired, or whose engine is provably gone, come back before the claim; a live
            // engine's are never touched. Both look at every 'sending' row (a whole window of them while this
            // engine works a backlog), so they run every few seconds, not with each of a fan-out's claims.
            if (!m_lastRecovery.isValid() || m_lastRecovery.msecsTo(now) >= kRecoveryIntervalMs) {
                m_lastRecovery = now;
                const QHash<QString, int> holders = m_store->outbox.leaseHolders(m_identity.id);
                out.recovered = m_store->outbox.recoverLeases(
                    now, holders.isEmpty() ? QStringList() : goneOwners(holders.keys()));
            }
            // Subscribers may have changed if anyone else committed (the API, a console, another process).
            const qint64 dataVersion = m_store->db().subscribersVersion();
            out.externalChange = dataVersion != m_dataVersion;
            m_dataVersion = dataVersion;
            // Alone, an engine claims a whole fan-out at once (round-robin then reaches every origin in its
            // first turn); with live peers it takes a share at a time, so every engine gets work.
            int limit = batch.claim;
            QSqlQuery &peers = m_store->db().run(
                QStringLiteral("SELECT count(*) FROM engines WHERE heartbeat_at >= ? AND id <> ?"),
                {toDb(now.addMSecs(-m_leaseMs)), m_identity.id});
            if (peers.next() && peers.value(0).toInt() > 0)
                limit = std::min(limit, kSharedClaim);
            peers.finish();
            out.claimed = m_store->outbox.claim(now, limit, m_identity.id, now.addMSecs(m_leaseMs));
            out.backlog = static_cast<int>(out.claimed.size()) == limit;
        }
        if (!batch.results.empty() || !batch.quarantines.empty() || !batch.states.empty() ||
            out.recovered > 0)
            m_store->db().notifyChanged(QStringLiteral("deliveries"));
        tx.commit();
    } catch (const StoreError &e) {
        out = JournalOutcome{};
        out.ok = false;
        out.error = QStringLiteral("could not record delivery results: %1").arg(e.message());
    }
    return out;
}

void DeliveryJournal::renew()
{
    if (!m_store)
        return;
    try {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Transaction tx(m_store->db(), Transaction::Mode::Concurrent);
        m_store->outbox.renewLeases(m_identity.id, now.addMSecs(m_leaseMs));
        QSqlQuery &beat = m_store->db().run(
            QStringLiteral("UPDATE engines SET heartbeat_at = ? WHERE id = ?"), {toDb(now), m_identity.id});
        if (beat.numRowsAffected() == 0) {
            // Not registered yet (the first beat), or another engine took this one for gone after a long
            // stall: (re)register, holding no lease.
            m_store->db().run(
                QStringLiteral("INSERT INTO engines (id, host, pid, os_user, program, started_at, "
                               "heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                {m_identity.id, m_identity.host, m_identity.pid, m_identity.osUser, m_identity.program,
                 toDb(now), toDb(now)});
        }
        // An engine on this machine whose process is gone (killed, crashed) is neither counted nor kept; its
        // leases, if any, then count as orphaned and go back to the queue with the next claim.
        QSqlQuery &local =
            m_store->db().run(QStringLiteral("SELECT id, pid FROM engines WHERE host = ? AND id <> ?"),
                              {m_identity.host, m_identity.id});
        QStringList dead;
        while (local.next()) {
            if (!processAlive(local.value(1).toLongLong()))
                dead << local.value(0).toString();
        }
        local.finish();
        for (const QString &id : dead)
            m_store->db().run(QStringLiteral("DELETE FROM engines WHERE id = ?"), {id});
        // One that has not beaten for ten leases (a machine switched off mid-fan-out) is gone too; its leases
        // expired long ago. Should it come back, its next heartbeat registers it again.
        m_store->db().run(QStringLiteral("DELETE FROM engines WHERE heartbeat_at < ?"),
                          {toDb(now.addMSecs(-10 * m_leaseMs))});
        QSqlQuery &live =
            m_store->db().run(QStringLiteral("SELECT count(*) FROM engines WHERE heartbeat_at >= ?"),
                              {toDb(now.addMSecs(-m_leaseMs))});
        const int engines = live.next() ? live.value(0).toInt() : 1;
        live.finish();
        tx.commit();
        m_renewFailing = false;
        Q_EMIT peers(engines);
    } catch (const StoreError &e) {
        if (!m_renewFailing)
            Q_EMIT warning(QStringLiteral("cannot renew delivery leases: %1; retrying").arg(e.message()));
        m_renewFailing = true;
    }
}

void DeliveryJournal::shutdown()
{
    if (m_renewTimer)
        m_renewTimer->stop();
    if (m_store) {
        // What this engine still held goes back to the queue now rather than when its lease runs out.
        try {
            Transaction tx(m_store->db(), Transaction::Mode::Concurrent);
            const QDateTime now = QDateTime::currentDateTimeUtc();
            if (m_store->outbox.releaseLeases(m_identity.id, now) > 0)
                m_store->db().notifyChanged(QStringLiteral("deliveries"));
            m_store->db().run(QStringLiteral("DELETE FROM engines WHERE id = ?"), {m_identity.id});
            tx.commit();
        } catch (const StoreError &) {
            // The leases expire by themselves.
        }
    }
    m_store.reset();
}

} // namespace sd
