#pragma once

#include "models/domain.h"

#include <QDateTime>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <vector>

namespace sd {

class Store;

// What the engine hands the journal in one go: attempt results with their new states, subscribers to
// quarantine, and how many due messages to claim afterwards. All of it is one transaction; the journal
// decides none of it.
struct JournalBatch
{
    struct Result
    {
        Attempt attempt;
        DeliveryState state = DeliveryState::Failed;
    };
    struct Quarantine // decided by the engine's RetryPolicy; written as told (writeQuarantine)
    {
        Subscriber subscriber; // as the engine read it for the attempt
        QString reason;
        QStringList heldIds; // claimed messages taken back from the scheduler (held by the same write)
    };
    struct StateChange // claimed, then found quarantined or removed: held or cancelled, not sent
    {
        QString messageId;
        DeliveryState state = DeliveryState::Held;
    };
    std::vector<Result> results;
    std::vector<Quarantine> quarantines;
    std::vector<StateChange> states;
    int claim = 0; // claim up to this many due messages (marked sending) after writing
    qint64 purgeAfterMs = 0;
};

// Who an engine is, in the engines table and on every lease it holds.
struct EngineIdentity
{
    QString id;   // random per process start
    QString host; // QSysInfo::machineHostName()
    qint64 pid = 0;
    QString osUser;
    QString program; // console, serve, dispatch, ...
    static EngineIdentity forThisProcess(const QString &program);
};

struct JournalOutcome
{
    bool ok = true;
    QString error;
    std::vector<Message> claimed; // oldest due first, with bodies
    bool backlog = false;         // the claim was filled: more is probably due
    QStringList notices;          // operator notices written (quarantines)
    QStringList quarantined;      // subscriber ids of the batch's quarantines (whether or not still active)
    bool externalChange = false;  // another connection committed since the previous batch
    int recovered = 0;            // expired or orphaned leases put back in the queue before the claim
};

// The delivery engine's writer: owns a database connection in a thread of its own, so the thread that runs
// the network never waits on the disk. Batches are written in the order they arrive. It also keeps the
// engine's place in a shared queue: registers the engine, renews its leases and heartbeat, takes back the
// leases of engines that expired or are provably gone, and hands its own back on a clean shutdown.
class DeliveryJournal final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryJournal)

public:
    DeliveryJournal(QString databasePath, EngineIdentity identity, QObject *parent = nullptr);
    ~DeliveryJournal() override;

    // Runs in the journal's thread. write() reports through written(); writeNow() returns (for shutdown).
    JournalOutcome writeNow(const sd::JournalBatch &batch);

public Q_SLOTS:
    void initialize();
    void write(const sd::JournalBatch &batch);
    void renew(); // leases and heartbeat; also on a timer, every third of the lease
    void shutdown();

Q_SIGNALS:
    void written(const sd::JournalOutcome &outcome);
    void peers(int liveEngines); // engines working this queue, this one included (after each heartbeat)
    void warning(const QString &text);

private:
    QStringList goneOwners(const QStringList &owners);
    bool processAlive(qint64 pid) const;

    QString m_path;
    EngineIdentity m_identity;
    std::unique_ptr<Store> m_store;
    QString m_openError;
    qint64 m_dataVersion = -1;
    qint64 m_leaseMs = 30'000;
    QTimer *m_renewTimer = nullptr; // child
    bool m_renewFailing = false;
    QDateTime m_lastRecovery; // when a claim last took back expired or orphaned leases
};

} // namespace sd

Q_DECLARE_METATYPE(sd::JournalBatch)
Q_DECLARE_METATYPE(sd::JournalOutcome)
