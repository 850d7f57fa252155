// The engine's side of the outbox: claims as leases, their renewal and recovery, and the results of
// attempts. The listings, filters and the console's bulk actions are outboxrepository.cpp.
#include "models/outboxrepository.h"
#include "models/outboxrows.h"
#include "models/rowreader.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace sd {
namespace {

// A claimed row: the listing's columns and body (readMessage), then what the engine needs to send it.
std::vector<Message> readClaimed(QSqlQuery &q)
{
    std::vector<Message> out;
    while (q.next()) {
        Message m = outboxrows::readMessage(q, true);
        RowReader(q, 17) >> parsed(m.nextTrigger, parseAttemptTrigger, AttemptTrigger::Automatic) >>
            m.nextActor >> m.manualAttempts >> m.resumeAt;
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace

using outboxrows::kListColumns;

std::vector<Message> OutboxRepository::claim(const QDateTime &now, int limit, const QString &owner,
                                             const QDateTime &leaseUntil)
{
    if (limit <= 0)
        return {};
    return m_db.isPostgres() ? claimPostgres(now, limit, owner, leaseUntil)
                             : claimSqlite(now, limit, owner, leaseUntil);
}

std::vector<Message> OutboxRepository::claimSqlite(const QDateTime &now, int limit, const QString &owner,
                                                   const QDateTime &leaseUntil)
{
    // The inner walks read only the messages_due index (one per state, already in time order); bodies are
    // read for the chosen rows alone. A plain IN ('queued', 'retrying') ORDER BY would sort every due row,
    // body and all, on each scan, which is what made a large backlog slow. BEGIN IMMEDIATE around the claim
    // makes it exclusive between processes.
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT ") + kListColumns +
            QStringLiteral(
                ", b.body, m.next_trigger, m.next_actor, m.manual_attempts, m.resume_at FROM messages m "
                "JOIN subscribers s ON s.id = "
                "m.subscriber_id JOIN message_bodies b ON b.message_id = m.id WHERE m.rowid IN (SELECT rowid "
                "FROM (SELECT rowid FROM messages WHERE state = 'queued' "
                "AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?) UNION ALL SELECT rowid FROM "
                "(SELECT rowid FROM messages WHERE state = 'retrying' AND next_attempt_at <= ? ORDER BY "
                "next_attempt_at LIMIT ?)) ORDER BY m.next_attempt_at, m.rowid LIMIT ?"),
        {toDb(now), limit, toDb(now), limit, limit});
    std::vector<Message> out = readClaimed(q);
    if (out.empty())
        return out;
    // One statement for the whole claim: the ids travel as a JSON array.
    QJsonArray ids;
    for (Message &m : out) {
        ids.append(m.id);
        m.state = DeliveryState::Sending;
        m.leaseOwner = owner;
        m.leaseExpiresAt = leaseUntil;
    }
    m_db.run(QStringLiteral("UPDATE messages SET state = 'sending', lease_owner = ?, lease_expires_at = ?, "
                            "updated_at = ? WHERE id IN (SELECT value FROM json_each(?))"),
             {owner, toDb(leaseUntil), toDb(now),
              QString::fromUtf8(QJsonDocument(ids).toJson(QJsonDocument::Compact))});
    return out;
}

std::vector<Message> OutboxRepository::claimPostgres(const QDateTime &now, int limit, const QString &owner,
                                                     const QDateTime &leaseUntil)
{
    // Rows another engine is claiming at this moment are skipped, not waited for; the UPDATE ... FROM
    // takes exactly the rows the locking SELECT picked.
    QStringList cols = kListColumns.split(QStringLiteral(", "));
    static const QRegularExpression messageAlias(QStringLiteral("\\bm\\."));
    for (QString &c : cols)
        c.replace(messageAlias, QStringLiteral("c."));
    QSqlQuery &q = m_db.run(
        QStringLiteral(
            "WITH picked AS (SELECT id FROM messages WHERE state IN ('queued', 'retrying') AND "
            "next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED), "
            "claimed AS (UPDATE messages u SET state = 'sending', lease_owner = ?, "
            "lease_expires_at = ?, updated_at = ? FROM picked WHERE u.id = picked.id RETURNING u.*) "
            "SELECT ") +
            cols.join(QStringLiteral(", ")) +
            QStringLiteral(", b.body, c.next_trigger, c.next_actor, c.manual_attempts, c.resume_at FROM "
                           "claimed c JOIN subscribers s ON s.id = "
                           "c.subscriber_id JOIN message_bodies b ON b.message_id = c.id ORDER BY "
                           "c.next_attempt_at, c.id"),
        {toDb(now), limit, owner, toDb(leaseUntil), toDb(now)});
    std::vector<Message> out = readClaimed(q);
    for (Message &m : out) {
        m.leaseOwner = owner;
        m.leaseExpiresAt = leaseUntil;
    }
    return out;
}

QDateTime OutboxRepository::nextDueTime()
{
    // MIN over an index prefix is a single seek per state. Messages of a subscriber that is no longer active
    // are claimed like any other and then held or cancelled by the engine, so no join is needed here.
    QDateTime next;
    for (const QString &state : {toString(DeliveryState::Queued), toString(DeliveryState::Retrying)}) {
        QSqlQuery &q =
            m_db.run(QStringLiteral("SELECT MIN(next_attempt_at) FROM messages WHERE state = ?"), {state});
        if (q.next() && !q.value(0).isNull()) {
            const QDateTime t = dateFromDb(q.value(0));
            if (!next.isValid() || t < next)
                next = t;
        }
    }
    return next;
}

int OutboxRepository::renewLeases(const QString &owner, const QDateTime &leaseUntil)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("UPDATE messages SET lease_expires_at = ? WHERE lease_owner = ? AND "
                                "state = 'sending'"),
                 {toDb(leaseUntil), owner});
    return q.numRowsAffected();
}

int OutboxRepository::releaseLeases(const QString &owner, const QDateTime &now)
{
    QSqlQuery &q = m_db.run(
        QStringLiteral(
            "UPDATE messages SET state = 'queued', next_attempt_at = ?, updated_at = ?, lease_owner = "
            "NULL, lease_expires_at = NULL WHERE lease_owner = ? AND state = 'sending'"),
        {toDb(now), toDb(now), owner});
    return q.numRowsAffected();
}

int OutboxRepository::recoverLeases(const QDateTime &now, const QStringList &goneOwners)
{
    // A message left 'sending' by an engine of schema 3 (no owner) can only be from a process that is gone.
    int recovered =
        m_db.run(QStringLiteral("UPDATE messages SET state = 'queued', next_attempt_at = ?, "
                                "updated_at = ?, lease_owner = NULL, lease_expires_at = NULL WHERE "
                                "state = 'sending' AND (lease_expires_at IS NULL OR "
                                "lease_expires_at < ?)"),
                 {toDb(now), toDb(now), toDb(now)})
            .numRowsAffected();
    for (const QString &owner : goneOwners) {
        recovered +=
            m_db.run(QStringLiteral("UPDATE messages SET state = 'queued', next_attempt_at = ?, "
                                    "updated_at = ?, lease_owner = NULL, lease_expires_at = NULL WHERE "
                                    "state = 'sending' AND lease_owner = ?"),
                     {toDb(now), toDb(now), owner})
                .numRowsAffected();
    }
    return recovered;
}

QHash<QString, int> OutboxRepository::leaseHolders(const QString &self)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT lease_owner, count(*) FROM messages WHERE state = 'sending' "
                                "AND lease_owner IS NOT NULL AND lease_owner <> ? GROUP BY "
                                "lease_owner"),
                 {self});
    QHash<QString, int> out;
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toInt());
    return out;
}

int OutboxRepository::liveLeasesOfOthers(const QString &self, const QDateTime &now)
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT count(*) FROM messages WHERE state = 'sending' AND "
                                           "lease_owner <> ? AND lease_expires_at >= ?"),
                            {self, toDb(now)});
    return q.next() ? q.value(0).toInt() : 0;
}

void OutboxRepository::setState(const QString &id, DeliveryState state, const QDateTime &nextAttemptAt,
                                const QDateTime &now)
{
    m_db.run(QStringLiteral(
                 "UPDATE messages SET state = ?, next_attempt_at = ?, updated_at = ?, lease_owner = NULL, "
                 "lease_expires_at = NULL WHERE id = ?"),
             {toString(state), toDb(nextAttemptAt), toDb(now), id});
}

bool OutboxRepository::recordAttempt(const Attempt &a, DeliveryState newState, const QString &owner)
{
    m_db.run(QStringLiteral(
                 "INSERT INTO attempts (message_id, subscriber_id, endpoint, attempt_number, trigger, "
                 "started_at, ended_at, duration_ms, http_status, error_class, error_text, request_headers, "
                 "response_headers, response_body, next_attempt_at, actor) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {a.messageId, a.subscriberId, a.endpoint, a.attemptNumber, toString(a.trigger),
              toDb(a.startedAt), toDb(a.endedAt), a.durationMs, a.httpStatus, nullIfEmpty(a.errorClass),
              nullIfEmpty(a.errorText), a.requestHeaders, a.responseHeaders, a.responseBody,
              toDb(a.nextAttemptAt), nullIfEmpty(a.actor)});
    // A lease lost meanwhile (this engine stalled past its expiry and another took the message over) leaves
    // the message to its new owner: the attempt above is history, the state is theirs to set.
    const QString guard = owner.isEmpty() ? QString() : QStringLiteral(" AND lease_owner = ?");
    QVariantList binds{toString(newState),
                       a.attemptNumber,
                       toDb(a.nextAttemptAt),
                       toDb(a.endedAt),
                       a.httpStatus,
                       nullIfEmpty(a.errorClass),
                       nullIfEmpty(a.errorText),
                       a.durationMs,
                       a.trigger == AttemptTrigger::Manual ? 1 : 0,
                       a.messageId};
    if (!owner.isEmpty())
        binds << owner;
    QSqlQuery &q =
        m_db.run(QStringLiteral(
                     "UPDATE messages SET state = ?, attempts = ?, next_attempt_at = ?, updated_at = ?, "
                     "next_trigger = 'automatic', next_actor = NULL, lease_owner = NULL, lease_expires_at = "
                     "NULL, last_http_status = ?, last_error_class = ?, last_error = ?, "
                     "last_duration_ms = ?, manual_attempts = manual_attempts + ?, resume_at = NULL "
                     "WHERE id = ?") +
                     guard,
                 binds);
    return q.numRowsAffected() > 0;
}

void OutboxRepository::recordAttempts(const std::vector<Outcome> &outcomes, const QString &owner)
{
    if (!m_db.isPostgres()) {
        for (const Outcome &o : outcomes)
            recordAttempt(o.attempt, o.state, owner);
        return;
    }
    // A few fixed chunk sizes, so the connection keeps a handful of prepared statements, not one per size.
    const int total = static_cast<int>(outcomes.size());
    int done = 0;
    for (const int chunk : {100, 10, 1}) {
        while (total - done >= chunk) {
            recordChunkPostgres(outcomes.data() + done, chunk, owner);
            done += chunk;
        }
    }
}

void OutboxRepository::recordChunkPostgres(const Outcome *first, int count, const QString &owner)
{
    QStringList attemptRows, messageRows;
    QVariantList attemptBinds, messageBinds;
    const QString attemptRow = QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const QString messageRow = QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (int i = 0; i < count; ++i) {
        const Attempt &a = first[i].attempt;
        attemptRows << attemptRow;
        attemptBinds << a.messageId << a.subscriberId << a.endpoint << a.attemptNumber << toString(a.trigger)
                     << toDb(a.startedAt) << toDb(a.endedAt) << a.durationMs << a.httpStatus
                     << nullIfEmpty(a.errorClass) << nullIfEmpty(a.errorText) << a.requestHeaders
                     << a.responseHeaders << a.responseBody << toDb(a.nextAttemptAt) << nullIfEmpty(a.actor);
        messageRows << messageRow;
        messageBinds << a.messageId << toString(first[i].state) << a.attemptNumber << toDb(a.nextAttemptAt)
                     << toDb(a.endedAt) << a.httpStatus << nullIfEmpty(a.errorClass)
                     << nullIfEmpty(a.errorText) << a.durationMs
                     << (a.trigger == AttemptTrigger::Manual ? 1 : 0); // manual_attempts grows by one
    }
    m_db.run(
        QStringLiteral("INSERT INTO attempts (message_id, subscriber_id, endpoint, attempt_number, trigger, "
                       "started_at, ended_at, duration_ms, http_status, error_class, error_text, "
                       "request_headers, response_headers, response_body, next_attempt_at, actor) VALUES ") +
            attemptRows.join(QStringLiteral(", ")),
        attemptBinds);
    // VALUES parameters arrive as text; each column is cast to its type. The lease rule is recordAttempt()'s.
    messageBinds << owner;
    m_db.run(
        QStringLiteral("UPDATE messages m SET state = v.state, attempts = v.attempts::bigint, "
                       "next_attempt_at = v.next_at::bigint, updated_at = v.updated::bigint, "
                       "next_trigger = 'automatic', next_actor = NULL, lease_owner = NULL, "
                       "lease_expires_at = NULL, last_http_status = v.http::bigint, last_error_class = "
                       "v.error_class, last_error = v.error_text, last_duration_ms = v.duration::bigint, "
                       "manual_attempts = m.manual_attempts + v.manual::bigint, resume_at = NULL FROM "
                       "(VALUES ") +
            messageRows.join(QStringLiteral(", ")) +
            QStringLiteral(") AS v(id, state, attempts, next_at, updated, http, error_class, error_text, "
                           "duration, manual) WHERE m.id = v.id AND m.lease_owner = ?"),
        messageBinds);
}

} // namespace sd
