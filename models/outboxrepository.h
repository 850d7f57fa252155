#pragma once

#include "models/database.h"
#include "models/domain.h"
#include "models/streamquery.h"

#include <QHash>
#include <functional>
#include <optional>
#include <vector>

namespace sd {

// The column a listing is ordered by (the console's Deliveries headers); ties are broken by id, so paging
// with LIMIT/OFFSET never repeats or skips a row.
enum class MessageSort
{
    Time,
    Event,
    Endpoint,
    State,
    Attempts,
    HttpStatus,
    Latency,
    Error
};

struct MessageFilter
{
    std::optional<DeliveryState> state;
    QString subscriberId;
    QString endpointContains;
    std::optional<EventKind> kind;
    QString text; // matches subject name, endpoint or error
    QDateTime since;
    int limit = -1;
    int offset = 0;
    MessageSort sort = MessageSort::Time;
    bool ascending = false; // the default is newest first
    bool reversed = false;  // read from the other end of the same order (the console's tail window)
};

// How many deliveries a bulk action would touch, and at how many endpoints (for its confirmation).
struct MatchCount
{
    int deliveries = 0;
    int endpoints = 0;
    int retrying = 0; // of `deliveries`, still on their automatic schedule
};

// The columns of a message that change while it is delivered, for a live view that already shows it.
struct MessageProgress
{
    QString id;
    DeliveryState state = DeliveryState::Queued;
    int attempts = 0;
    int httpStatus = 0;
    qint64 durationMs = -1; // -1: no attempt timed yet
    QString errorClass;
    QString error;
    QDateTime nextAttemptAt;
    QDateTime updatedAt;
};

struct StateCounts
{
    int queued = 0, sending = 0, delivered = 0, retrying = 0, failed = 0, held = 0, cancelled = 0;
    int total() const { return queued + sending + delivered + retrying + failed + held + cancelled; }
    void add(DeliveryState state, int n); // counts n messages in `state`
};

// The outbox: one message per (event, subscriber) with its delivery state, and every attempt made. The
// listings and the console's bulk actions are in outboxrepository.cpp, the attempts as they are read in
// outboxattempts.cpp, the engine's claims, leases and results in outboxleases.cpp.
class OutboxRepository final
{
public:
    explicit OutboxRepository(Database &db)
        : m_db(db)
    {}

    void insert(const Message &m);
    std::optional<Message> find(const QString &id);         // with body
    std::vector<Message> list(const MessageFilter &filter); // without body, newest first
    int count(const MessageFilter &filter);
    StateCounts countsByState();
    // The changing columns of the messages `ids` (those that exist), by primary key, a chunk at a time; one
    // complete read, so the connection keeps no snapshot pinned.
    std::vector<MessageProgress> progress(const QStringList &ids);

    // Engine side. A claim is a lease: the message turns 'sending' with its owner (an engine's instance id)
    // and an expiry the owner keeps renewing. Only an expired lease, or one whose owner is provably gone, is
    // taken back; nothing else ever moves another engine's messages.
    // Claims up to `limit` due messages (queued or retrying, oldest due first), with bodies. Run it inside a
    // transaction: on SQLite the writer lock makes it exclusive, on PostgreSQL rows are taken with
    // FOR UPDATE SKIP LOCKED so engines claiming at the same moment never get the same message.
    std::vector<Message> claim(const QDateTime &now, int limit, const QString &owner,
                               const QDateTime &leaseUntil);
    QDateTime nextDueTime();
    int renewLeases(const QString &owner, const QDateTime &leaseUntil);
    // Clean shutdown: what this engine still holds goes back to the queue at once (same webhook-id).
    int releaseLeases(const QString &owner, const QDateTime &now);
    // Leases that expired, or whose owner is in `goneOwners`, go back to the queue.
    int recoverLeases(const QDateTime &now, const QStringList &goneOwners);
    // Owners holding 'sending' messages other than `self`, with how many each.
    QHash<QString, int> leaseHolders(const QString &self);
    int liveLeasesOfOthers(const QString &self, const QDateTime &now);
    void setState(const QString &id, DeliveryState state, const QDateTime &nextAttemptAt,
                  const QDateTime &now);
    // Records the attempt (it happened on the wire, whoever owns the message now) and, when `owner` still
    // holds the lease (or no owner is given), the message's new state. Returns whether the state was written.
    bool recordAttempt(const Attempt &a, DeliveryState newState, const QString &owner = {});
    struct Outcome
    {
        Attempt attempt;
        DeliveryState state = DeliveryState::Failed;
    };
    // recordAttempt() for many at once, with the same lease rule. On PostgreSQL each statement is a round
    // trip over the network, so the results go in chunks (one INSERT and one UPDATE per chunk); on SQLite,
    // in-process, one row at a time is as fast.
    void recordAttempts(const std::vector<Outcome> &outcomes, const QString &owner);
    std::vector<Attempt> attempts(const QString &messageId);
    std::vector<Attempt> attemptsSince(const QDateTime &since, const MessageFilter &filter);
    int failedAttemptsSince(const QString &subscriberId, const QDateTime &since);
    // The subscriber's latest failed webhook attempts, newest first (for the quarantine email).
    std::vector<Attempt> recentFailures(const QString &subscriberId, int limit);
    // The subscriber's last webhook attempts, newest first (the endpoint page).
    std::vector<Attempt> recentAttempts(const QString &subscriberId, int limit);
    int holdForSubscriber(const QString &subscriberId, const QDateTime &now);
    int releaseForSubscriber(const QString &subscriberId, const QDateTime &now);
    int cancelForSubscriber(const QString &subscriberId, const QDateTime &now);
    QStringList failedSince(const QDateTime &since);
    // Failing deliveries (failed, or retrying on their schedule) matching `filter` that a resend would
    // accept (the subscriber active, or an email). A filter on another state matches none.
    MatchCount countFailingResendable(const MessageFilter &filter);
    QStringList failingResendableIds(const MessageFilter &filter);
    // Recover (Svix's word): a subscriber's held and failed webhooks created at or after `since` go back to
    // the queue. One guarded UPDATE: only rows still held or failed move, so two processes recovering at
    // once move each message once, and nothing being sent (a lease) is touched.
    int countRecoverable(const QString &subscriberId, const QDateTime &since);
    int recover(const QString &subscriberId, const QDateTime &since, const QDateTime &now);
    // list() one row at a time (same rows, same order) inside `snapshot`: bounded memory at any size.
    void forEach(ReadSnapshot &snapshot, const MessageFilter &filter,
                 const std::function<void(const Message &)> &visit);
    // The WHERE clause of list() and count() over `messages m JOIN subscribers s`, for report queries.
    QString filterClause(const MessageFilter &filter, QVariantList &binds) const
    {
        return where(filter, binds);
    }

private:
    void recordChunkPostgres(const Outcome *first, int count, const QString &owner);
    std::vector<Message> claimSqlite(const QDateTime &now, int limit, const QString &owner,
                                     const QDateTime &leaseUntil);
    std::vector<Message> claimPostgres(const QDateTime &now, int limit, const QString &owner,
                                       const QDateTime &leaseUntil);
    QString where(const MessageFilter &f, QVariantList &binds) const;
    QString orderClause(const MessageFilter &f) const;
    QString failingResendableWhere(const MessageFilter &f, QVariantList &binds) const;
    Database &m_db;
};

} // namespace sd
