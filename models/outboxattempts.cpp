// The outbox's attempts as the console, reports and quarantine emails read them: a message's history, a
// subscriber's latest, and the attempts since a time. Recording them is outboxleases.cpp's.
#include "models/outboxrepository.h"
#include "models/outboxrows.h"
#include "models/values.h"

namespace sd {

using outboxrows::kAttemptColumns;
using outboxrows::readAttempt;

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

} // namespace sd
