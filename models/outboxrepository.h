#pragma once

#include "database.h"
#include "domain.h"

#include <QHash>

#include <optional>
#include <vector>

namespace sd {

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
};

struct StateCounts
{
    int queued = 0, sending = 0, delivered = 0, retrying = 0, failed = 0, held = 0, cancelled = 0;
    int total() const { return queued + sending + delivered + retrying + failed + held + cancelled; }
};

// The outbox: one message per (event, subscriber) with its delivery state, and every attempt made.
class OutboxRepository final
{
public:
    explicit OutboxRepository(Database &db) : m_db(db) {}

    void insert(const Message &m);
    std::optional<Message> find(const QString &id);          // with body
    std::vector<Message> list(const MessageFilter &filter);  // without body, newest first
    int count(const MessageFilter &filter);
    StateCounts countsByState();

    // Engine side.
    std::vector<Message> due(const QDateTime &now, int limit); // queued or retrying, due now; with body
    QDateTime nextDueTime();
    int recoverInFlight(const QDateTime &now); // sending -> queued: the process died mid-attempt
    void markSending(const QStringList &ids, const QDateTime &now);
    void setState(const QString &id, DeliveryState state, const QDateTime &nextAttemptAt, const QDateTime &now);
    void recordAttempt(const Attempt &a, DeliveryState newState);
    std::vector<Attempt> attempts(const QString &messageId);
    std::vector<Attempt> attemptsSince(const QDateTime &since, const MessageFilter &filter);
    int failedAttemptsSince(const QString &subscriberId, const QDateTime &since);
    int holdForSubscriber(const QString &subscriberId, const QDateTime &now);
    int releaseForSubscriber(const QString &subscriberId, const QDateTime &now);
    int cancelForSubscriber(const QString &subscriberId, const QDateTime &now);
    QStringList failedSince(const QDateTime &since);

private:
    QString where(const MessageFilter &f, QVariantList &binds) const;
    Database &m_db;
};

} // namespace sd
