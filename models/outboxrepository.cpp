#include "models/outboxrepository.h"

#include "models/outboxrows.h"
#include "models/rowreader.h"
#include "models/values.h"

#include <QTimeZone>

namespace sd {

// outboxrows.h: shared with outboxleases.cpp.
namespace outboxrows {

const QString kListColumns = QStringLiteral("m.id, m.subscriber_id, m.kind, m.subject_id, m.subject_name, "
                                            "m.event_id, m.created_at, m.state, m.attempts, "
                                            "m.next_attempt_at, m.updated_at, m.last_http_status, "
                                            "m.last_error_class, m.last_error, m.last_duration_ms, "
                                            "CASE WHEN m.channel = 'email' THEN 'mailto:' || m.recipient "
                                            "ELSE s.endpoint END");

Message readMessage(const QSqlQuery &q, bool withBody)
{
    Message m;
    RowReader r(q);
    r >> m.id >> m.subscriberId >> parsed(m.kind, parseEventKind, EventKind::Component) >> m.subjectId >>
        m.subjectName >> m.eventId >> m.createdAt >>
        parsed(m.state, parseDeliveryState, DeliveryState::Queued) >> m.attempts >> m.nextAttemptAt >>
        m.updatedAt >> m.lastHttpStatus >> m.lastErrorClass >> m.lastError >>
        nullable(m.lastDurationMs, -1) >> m.endpoint;
    // An email's "endpoint" is mailto:<the address it was queued for> (see kListColumns).
    if (m.endpoint.startsWith(QLatin1String("mailto:"))) {
        m.channel = Channel::Email;
        m.recipient = m.endpoint.mid(7);
    }
    if (withBody)
        r >> m.body;
    return m;
}

const QString kAttemptColumns = QStringLiteral(
    "id, message_id, subscriber_id, endpoint, attempt_number, trigger, started_at, ended_at, duration_ms, "
    "http_status, error_class, error_text, request_headers, response_headers, response_body, "
    "next_attempt_at, actor");

Attempt readAttempt(const QSqlQuery &q)
{
    Attempt a;
    RowReader(q) >> a.id >> a.messageId >> a.subscriberId >> a.endpoint >> a.attemptNumber >>
        parsed(a.trigger, parseAttemptTrigger, AttemptTrigger::Automatic) >> a.startedAt >> a.endedAt >>
        a.durationMs >> a.httpStatus >> a.errorClass >> a.errorText >> a.requestHeaders >>
        a.responseHeaders >> a.responseBody >> a.nextAttemptAt >> a.actor;
    return a;
}

} // namespace outboxrows

using namespace outboxrows;

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

std::vector<MessageProgress> OutboxRepository::progress(const QStringList &ids)
{
    constexpr int kChunk = 200;
    std::vector<MessageProgress> out;
    for (int i = 0; i < ids.size(); i += kChunk) {
        const QStringList chunk = ids.mid(i, kChunk);
        QStringList marks;
        QVariantList binds;
        for (const QString &id : chunk) {
            marks << QStringLiteral("?");
            binds << id;
        }
        QSqlQuery &q =
            m_db.run(QStringLiteral(
                         "SELECT id, state, attempts, last_http_status, last_duration_ms, last_error_class, "
                         "last_error, next_attempt_at, updated_at FROM messages WHERE id IN (") +
                         marks.join(QLatin1Char(',')) + QStringLiteral(")"),
                     binds);
        while (q.next()) {
            MessageProgress p;
            RowReader(q) >> p.id >> parsed(p.state, parseDeliveryState, DeliveryState::Queued) >>
                p.attempts >> p.httpStatus >> nullable(p.durationMs, -1) >> p.errorClass >> p.error >>
                p.nextAttemptAt >> p.updatedAt;
            out.push_back(std::move(p));
        }
        q.finish();
    }
    return out;
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

QString OutboxRepository::failingResendableWhere(const MessageFilter &filter, QVariantList &binds) const
{
    // "Failing": failed for good, or retrying on the schedule (with the default one nothing is failed for
    // ~33 h, issue 20 item 3). A filter on one of the two keeps it; on any other state nothing matches.
    MessageFilter f = filter;
    QString states = QStringLiteral(" AND m.state IN ('failed', 'retrying')");
    if (f.state && *f.state != DeliveryState::Failed && *f.state != DeliveryState::Retrying)
        states = QStringLiteral(" AND 1 = 0");
    else if (f.state)
        states.clear();
    QString w = where(f, binds);
    if (w.isEmpty())
        w = QStringLiteral(" WHERE 1 = 1");
    return w + states + QStringLiteral(" AND (s.state = 'active' OR m.channel = 'email')");
}

MatchCount OutboxRepository::countFailingResendable(const MessageFilter &filter)
{
    QVariantList binds;
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT count(*), count(DISTINCT CASE WHEN m.channel = 'email' THEN 'mailto:' || "
                       "COALESCE(m.recipient, '') ELSE s.endpoint END), "
                       "COALESCE(sum(CASE WHEN m.state = 'retrying' THEN 1 ELSE 0 END), 0) FROM messages m "
                       "JOIN subscribers s ON s.id = m.subscriber_id") +
            failingResendableWhere(filter, binds),
        binds);
    MatchCount c;
    if (q.next()) {
        c.deliveries = q.value(0).toInt();
        c.endpoints = q.value(1).toInt();
        c.retrying = q.value(2).toInt();
    }
    q.finish();
    return c;
}

QStringList OutboxRepository::failingResendableIds(const MessageFilter &filter)
{
    QVariantList binds;
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT m.id FROM messages m JOIN subscribers s ON s.id = m.subscriber_id") +
                     failingResendableWhere(filter, binds) + orderClause(filter),
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
