#include "models/outboxrepository.h"

#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>

namespace sd {
namespace {

const QString kListColumns = QStringLiteral("m.id, m.subscriber_id, m.kind, m.subject_id, m.subject_name, "
                                            "m.event_id, m.created_at, m.state, m.attempts, "
                                            "m.next_attempt_at, m.updated_at, m.last_http_status, "
                                            "m.last_error_class, m.last_error, m.last_duration_ms, "
                                            "CASE WHEN m.channel = 'email' THEN 'mailto:' || m.recipient "
                                            "ELSE s.endpoint END");

Message readMessage(const QSqlQuery &q, bool withBody)
{
    Message m;
    m.id = q.value(0).toString();
    m.subscriberId = q.value(1).toString();
    m.kind = parseEventKind(q.value(2).toString()).value_or(EventKind::Component);
    m.subjectId = q.value(3).toString();
    m.subjectName = q.value(4).toString();
    m.eventId = q.value(5).toString();
    m.createdAt = dateFromDb(q.value(6));
    m.state = parseDeliveryState(q.value(7).toString()).value_or(DeliveryState::Queued);
    m.attempts = q.value(8).toInt();
    m.nextAttemptAt = dateFromDb(q.value(9));
    m.updatedAt = dateFromDb(q.value(10));
    m.lastHttpStatus = q.value(11).toInt();
    m.lastErrorClass = q.value(12).toString();
    m.lastError = q.value(13).toString();
    m.lastDurationMs = q.value(14).isNull() ? -1 : q.value(14).toLongLong();
    m.endpoint = q.value(15).toString();
    // An email's "endpoint" is mailto:<the address it was queued for> (see kListColumns).
    if (m.endpoint.startsWith(QLatin1String("mailto:"))) {
        m.channel = Channel::Email;
        m.recipient = m.endpoint.mid(7);
    }
    if (withBody)
        m.body = q.value(16).toByteArray();
    return m;
}

const QString kAttemptColumns = QStringLiteral(
    "id, message_id, subscriber_id, endpoint, attempt_number, trigger, started_at, ended_at, duration_ms, "
    "http_status, error_class, error_text, request_headers, response_headers, response_body, "
    "next_attempt_at, actor");

Attempt readAttempt(const QSqlQuery &q)
{
    Attempt a;
    a.id = q.value(0).toLongLong();
    a.messageId = q.value(1).toString();
    a.subscriberId = q.value(2).toString();
    a.endpoint = q.value(3).toString();
    a.attemptNumber = q.value(4).toInt();
    a.trigger = parseAttemptTrigger(q.value(5).toString()).value_or(AttemptTrigger::Automatic);
    a.startedAt = dateFromDb(q.value(6));
    a.endedAt = dateFromDb(q.value(7));
    a.durationMs = q.value(8).toLongLong();
    a.httpStatus = q.value(9).toInt();
    a.errorClass = q.value(10).toString();
    a.errorText = q.value(11).toString();
    a.requestHeaders = q.value(12).toByteArray();
    a.responseHeaders = q.value(13).toByteArray();
    a.responseBody = q.value(14).toByteArray();
    a.nextAttemptAt = dateFromDb(q.value(15));
    a.actor = q.value(16).toString();
    return a;
}

} // namespace

void OutboxRepository::insert(const Message &m)
{
    m_db.run(QStringLiteral(
                 "INSERT INTO messages (id, subscriber_id, kind, subject_id, subject_name, event_id, "
                 "created_at, state, attempts, next_attempt_at, updated_at, created_by, channel, recipient) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)"),
             {m.id, m.subscriberId, toString(m.kind), m.subjectId, m.subjectName, m.eventId,
              toDb(m.createdAt), toString(m.state), toDb(m.nextAttemptAt), toDb(m.createdAt),
              nullIfEmpty(m.createdBy),
              m.channel == Channel::Email ? QStringLiteral("email") : QStringLiteral("webhook"),
              nullIfEmpty(m.recipient)});
    m_db.run(QStringLiteral("INSERT INTO message_bodies (message_id, body) VALUES (?, ?)"), {m.id, m.body});
}

std::optional<Message> OutboxRepository::find(const QString &id)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT ") + kListColumns +
                     QStringLiteral(", b.body FROM messages m JOIN subscribers s ON s.id = m.subscriber_id "
                                    "JOIN message_bodies b ON b.message_id = m.id WHERE m.id = ?"),
                 {id});
    if (q.next())
        return readMessage(q, true);
    return std::nullopt;
}

QString OutboxRepository::where(const MessageFilter &f, QVariantList &binds) const
{
    QStringList clauses;
    if (f.state) {
        clauses << QStringLiteral("m.state = ?");
        binds << toString(*f.state);
    }
    if (!f.subscriberId.isEmpty()) {
        clauses << QStringLiteral("m.subscriber_id = ?");
        binds << f.subscriberId;
    }
    if (!f.endpointContains.isEmpty()) {
        clauses << QStringLiteral("instr(s.endpoint, ?) > 0");
        binds << f.endpointContains;
    }
    if (f.kind) {
        clauses << QStringLiteral("m.kind = ?");
        binds << toString(*f.kind);
    }
    if (!f.text.isEmpty()) {
        clauses << QStringLiteral(
            "(instr(lower(m.subject_name), lower(?)) > 0 OR instr(s.endpoint, ?) > 0 OR "
            "instr(lower(COALESCE(m.last_error, '')), lower(?)) > 0 OR m.id = ?)");
        binds << f.text << f.text << f.text << f.text;
    }
    if (f.since.isValid()) {
        clauses << QStringLiteral("m.created_at >= ?");
        binds << toDb(f.since);
    }
    return clauses.isEmpty() ? QString() : QStringLiteral(" WHERE ") + clauses.join(QLatin1String(" AND "));
}

QString OutboxRepository::orderClause(const MessageFilter &f) const
{
    // NULLs sort first in SQLite and last in PostgreSQL: every nullable key is COALESCEd so both backends
    // give the same order.
    QString key;
    switch (f.sort) {
    case MessageSort::Time:
        key = QStringLiteral("m.created_at");
        break;
    case MessageSort::Event:
        key = QStringLiteral("m.kind %1, m.subject_name");
        break;
    case MessageSort::Endpoint:
        key = QStringLiteral("CASE WHEN m.channel = 'email' THEN 'mailto:' || COALESCE(m.recipient, '') ELSE "
                             "s.endpoint END");
        break;
    case MessageSort::State:
        // The lifecycle order of DeliveryState, not the alphabet.
        key =
            QStringLiteral("CASE m.state WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'delivered' THEN 2 "
                           "WHEN 'retrying' THEN 3 WHEN 'failed' THEN 4 WHEN 'held' THEN 5 ELSE 6 END");
        break;
    case MessageSort::Attempts:
        key = QStringLiteral("m.attempts");
        break;
    case MessageSort::HttpStatus:
        key = QStringLiteral("COALESCE(m.last_http_status, 0)");
        break;
    case MessageSort::Latency:
        key = QStringLiteral("COALESCE(m.last_duration_ms, -1)");
        break;
    case MessageSort::Error:
        key = QStringLiteral("COALESCE(m.last_error_class, '') %1, COALESCE(m.last_error, '')");
        break;
    }
    const bool ascending = f.ascending != f.reversed;
    const QString dir = ascending ? QStringLiteral("ASC") : QStringLiteral("DESC");
    if (key.contains(QLatin1String("%1")))
        key = key.arg(dir);
    // The tie-breaker: insertion order for time (rowid on SQLite, as before), the id otherwise.
    const QString tie = f.sort == MessageSort::Time && !m_db.isPostgres() ? QStringLiteral("m.rowid")
                                                                          : QStringLiteral("m.id");
    return QStringLiteral(" ORDER BY %1 %2, %3 %2").arg(key, dir, tie);
}

std::vector<Message> OutboxRepository::list(const MessageFilter &f)
{
    QVariantList binds;
    const QString sql = QStringLiteral("SELECT ") + kListColumns +
                        QStringLiteral(" FROM messages m JOIN subscribers s ON s.id = m.subscriber_id") +
                        where(f, binds) + orderClause(f) + m_db.limitClause(f.limit, f.offset);
    QSqlQuery &q = m_db.run(sql, binds);
    std::vector<Message> out;
    while (q.next())
        out.push_back(readMessage(q, false));
    return out;
}

void OutboxRepository::forEach(ReadSnapshot &snapshot, const MessageFilter &f,
                               const std::function<void(const Message &)> &visit)
{
    QVariantList binds;
    const QString sql = QStringLiteral("SELECT ") + kListColumns +
                        QStringLiteral(" FROM messages m JOIN subscribers s ON s.id = m.subscriber_id") +
                        where(f, binds) + orderClause(f) + m_db.limitClause(f.limit, f.offset);
    StreamQuery q(snapshot, sql, binds);
    while (q.next())
        visit(readMessage(q.row(), false));
}

int OutboxRepository::count(const MessageFilter &f)
{
    QVariantList binds;
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT count(*) FROM messages m JOIN subscribers s ON s.id = m.subscriber_id") +
            where(f, binds),
        binds);
    return q.next() ? q.value(0).toInt() : 0;
}

void StateCounts::add(DeliveryState state, int n)
{
    switch (state) {
    case DeliveryState::Queued:
        queued += n;
        break;
    case DeliveryState::Sending:
        sending += n;
        break;
    case DeliveryState::Delivered:
        delivered += n;
        break;
    case DeliveryState::Retrying:
        retrying += n;
        break;
    case DeliveryState::Failed:
        failed += n;
        break;
    case DeliveryState::Held:
        held += n;
        break;
    case DeliveryState::Cancelled:
        cancelled += n;
        break;
    }
}

StateCounts OutboxRepository::countsByState()
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT state, count(*) FROM messages GROUP BY state"));
    StateCounts c;
    while (q.next()) {
        const int n = q.value(1).toInt();
        c.add(parseDeliveryState(q.value(0).toString()).value_or(DeliveryState::Queued), n);
    }
    return c;
}

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
    std::vector<Message> out;
    while (q.next()) {
        Message m = readMessage(q, true);
        m.nextTrigger = parseAttemptTrigger(q.value(17).toString()).value_or(AttemptTrigger::Automatic);
        m.nextActor = q.value(18).toString();
        m.manualAttempts = q.value(19).toInt();
        m.resumeAt = dateFromDb(q.value(20));
        out.push_back(std::move(m));
    }
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
    std::vector<Message> out;
    while (q.next()) {
        Message m = readMessage(q, true);
        m.nextTrigger = parseAttemptTrigger(q.value(17).toString()).value_or(AttemptTrigger::Automatic);
        m.nextActor = q.value(18).toString();
        m.manualAttempts = q.value(19).toInt();
        m.resumeAt = dateFromDb(q.value(20));
        m.leaseOwner = owner;
        m.leaseExpiresAt = leaseUntil;
        out.push_back(std::move(m));
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

std::vector<Attempt> OutboxRepository::attempts(const QString &messageId)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT ") + kAttemptColumns +
                     QStringLiteral(" FROM attempts WHERE message_id = ? ORDER BY attempt_number, id"),
                 {messageId});
    std::vector<Attempt> out;
    while (q.next())
        out.push_back(readAttempt(q));
    return out;
}

std::vector<Attempt> OutboxRepository::recentAttempts(const QString &subscriberId, int limit)
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + kAttemptColumns +
                                QStringLiteral(" FROM attempts WHERE subscriber_id = ? AND endpoint NOT LIKE "
                                               "'mailto:%' ORDER BY started_at DESC") +
                                m_db.limitClause(limit),
                            {subscriberId});
    std::vector<Attempt> out;
    while (q.next())
        out.push_back(readAttempt(q));
    return out;
}

std::vector<Attempt> OutboxRepository::attemptsSince(const QDateTime &since, const MessageFilter &f)
{
    QVariantList binds;
    QString filter = where(f, binds);
    filter += filter.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ");
    filter += QStringLiteral("a.started_at >= ?");
    binds << toDb(since.isValid() ? since : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
    QStringList cols = kAttemptColumns.split(QStringLiteral(", "));
    for (QString &c : cols)
        c.prepend(QStringLiteral("a."));
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + cols.join(QStringLiteral(", ")) +
                                QStringLiteral(" FROM attempts a JOIN messages m ON m.id = a.message_id JOIN "
                                               "subscribers s ON s.id = m.subscriber_id") +
                                filter + QStringLiteral(" ORDER BY a.started_at, a.id"),
                            binds);
    std::vector<Attempt> out;
    while (q.next())
        out.push_back(readAttempt(q));
    return out;
}

int OutboxRepository::failedAttemptsSince(const QString &subscriberId, const QDateTime &since)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT count(*) FROM attempts WHERE subscriber_id = ? AND started_at >= ? "
                                "AND error_class IS NOT NULL AND endpoint NOT LIKE 'mailto:%'"),
                 {subscriberId, toDb(since)});
    return q.next() ? q.value(0).toInt() : 0;
}

std::vector<Attempt> OutboxRepository::recentFailures(const QString &subscriberId, int limit)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT ") + kAttemptColumns +
                     QStringLiteral(" FROM attempts WHERE subscriber_id = ? AND error_class IS NOT NULL "
                                    "AND endpoint NOT LIKE 'mailto:%' ORDER BY started_at DESC, id DESC") +
                     m_db.limitClause(limit, 0),
                 {subscriberId});
    std::vector<Attempt> out;
    while (q.next())
        out.push_back(readAttempt(q));
    return out;
}

int OutboxRepository::holdForSubscriber(const QString &subscriberId, const QDateTime &now)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("UPDATE messages SET state = 'held', updated_at = ?, lease_owner = NULL, "
                                "lease_expires_at = NULL WHERE subscriber_id = ? AND channel = 'webhook' "
                                "AND state IN ('queued', 'retrying', 'sending')"),
                 {toDb(now), subscriberId});
    return q.numRowsAffected();
}

int OutboxRepository::releaseForSubscriber(const QString &subscriberId, const QDateTime &now)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("UPDATE messages SET state = 'queued', next_attempt_at = ?, updated_at = ? "
                                "WHERE subscriber_id = ? AND channel = 'webhook' AND state = 'held'"),
                 {toDb(now), toDb(now), subscriberId});
    return q.numRowsAffected();
}

int OutboxRepository::cancelForSubscriber(const QString &subscriberId, const QDateTime &now)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("UPDATE messages SET state = 'cancelled', next_attempt_at = NULL, "
                                "lease_owner = NULL, lease_expires_at = NULL, "
                                "updated_at = ? WHERE subscriber_id = ? AND channel = 'webhook' AND "
                                "state IN ('queued', 'retrying', 'sending', 'held')"),
                 {toDb(now), subscriberId});
    return q.numRowsAffected();
}

QStringList OutboxRepository::failedSince(const QDateTime &since)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT id FROM messages WHERE state = 'failed' AND updated_at >= ? "
                                "ORDER BY created_at"),
                 {toDb(since.isValid() ? since : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC))});
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

MatchCount OutboxRepository::countFailedResendable(const MessageFilter &filter)
{
    MessageFilter f = filter;
    f.state = DeliveryState::Failed;
    QVariantList binds;
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT count(*), count(DISTINCT CASE WHEN m.channel = 'email' THEN 'mailto:' || "
                       "COALESCE(m.recipient, '') ELSE s.endpoint END) FROM messages m JOIN subscribers s ON "
                       "s.id = m.subscriber_id") +
            where(f, binds) + QStringLiteral(" AND (s.state = 'active' OR m.channel = 'email')"),
        binds);
    MatchCount c;
    if (q.next()) {
        c.deliveries = q.value(0).toInt();
        c.endpoints = q.value(1).toInt();
    }
    q.finish();
    return c;
}

QStringList OutboxRepository::failedResendableIds(const MessageFilter &filter)
{
    MessageFilter f = filter;
    f.state = DeliveryState::Failed;
    QVariantList binds;
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT m.id FROM messages m JOIN subscribers s ON s.id = m.subscriber_id") +
                     where(f, binds) + QStringLiteral(" AND (s.state = 'active' OR m.channel = 'email')") +
                     orderClause(f),
                 binds);
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

int OutboxRepository::countRecoverable(const QString &subscriberId, const QDateTime &since)
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT count(*) FROM messages WHERE subscriber_id = ? AND "
                                           "channel = 'webhook' AND state IN ('held', 'failed') AND "
                                           "created_at >= ?"),
                            {subscriberId, toDb(since)});
    const int n = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    return n;
}

int OutboxRepository::recover(const QString &subscriberId, const QDateTime &since, const QDateTime &now)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral(
                     "UPDATE messages SET state = 'queued', next_attempt_at = ?, updated_at = ?, "
                     "lease_owner = NULL, lease_expires_at = NULL, resume_at = NULL WHERE subscriber_id = ? "
                     "AND channel = 'webhook' AND state IN ('held', 'failed') AND created_at >= ?"),
                 {toDb(now), toDb(now), subscriberId, toDb(since)});
    return q.numRowsAffected();
}

} // namespace sd
