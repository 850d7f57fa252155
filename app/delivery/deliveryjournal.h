#pragma once

#include "domain.h"

#include <QDateTime>
#include <QObject>
#include <QStringList>
#include <memory>
#include <vector>

namespace sd {

class Store;

// What the engine hands the journal in one go: attempt results, subscribers to quarantine, and how many due
// messages to claim afterwards. All of it is one transaction.
struct JournalBatch
{
    struct Result
    {
        Attempt attempt;
        DeliveryState state = DeliveryState::Failed;
    };
    struct Quarantine
    {
        QString subscriberId;
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

struct JournalOutcome
{
    bool ok = true;
    QString error;
    std::vector<Message> claimed; // oldest due first, with bodies
    bool backlog = false;         // the claim was filled: more is probably due
    QStringList notices;          // operator notices written (quarantines)
    QStringList quarantined;      // subscriber ids of the batch's quarantines (whether or not still active)
    bool externalChange = false;  // another connection committed since the previous batch
};

// The delivery engine's writer: owns a database connection in a thread of its own, so the thread that runs
// the network never waits on the disk. Batches are written in the order they arrive.
class DeliveryJournal final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryJournal)

public:
    explicit DeliveryJournal(QString databasePath, QObject *parent = nullptr);
    ~DeliveryJournal() override;

    // Runs in the journal's thread. write() reports through written(); writeNow() returns (for shutdown).
    JournalOutcome writeNow(const sd::JournalBatch &batch);

public Q_SLOTS:
    void initialize();
    void write(const sd::JournalBatch &batch);
    void shutdown();

Q_SIGNALS:
    void written(const sd::JournalOutcome &outcome);

private:
    QString m_path;
    std::unique_ptr<Store> m_store;
    QString m_openError;
    qint64 m_dataVersion = -1;
};

} // namespace sd

Q_DECLARE_METATYPE(sd::JournalBatch)
Q_DECLARE_METATYPE(sd::JournalOutcome)
