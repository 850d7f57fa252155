#include "models/alertquery.h"

#include "models/database.h"
#include "models/endpointurl.h"
#include "models/values.h"

namespace sd {

qint64 AlertQuery::lastNoticeId()
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT MAX(id) FROM notices"));
    const qint64 id = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return id;
}

std::vector<NoticeSeen> AlertQuery::noticesAfter(qint64 id, int limit)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT n.id, n.kind, n.subscriber_id, s.endpoint, n.text FROM notices "
                                "n LEFT JOIN subscribers s ON s.id = n.subscriber_id WHERE n.id > ? "
                                "ORDER BY n.id") +
                     m_db.limitClause(limit),
                 {id});
    std::vector<NoticeSeen> out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                       endpointurl::redacted(q.value(3).toString()), q.value(4).toString()});
    q.finish();
    return out;
}

std::vector<MaintenanceState> AlertQuery::maintenance(const QDateTime &now)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral(
                     "SELECT id, name, status FROM incidents WHERE scheduled_for IS NOT NULL AND (status IN "
                     "('scheduled', 'in_progress', 'verifying') OR updated_at >= ?)"),
                 {toDb(now.addDays(-1))});
    std::vector<MaintenanceState> out;
    while (q.next()) {
        if (const auto status = parseIncidentStatus(q.value(2).toString()))
            out.push_back({q.value(0).toString(), q.value(1).toString(), *status});
    }
    q.finish();
    return out;
}

EndpointCounts AlertQuery::endpoints()
{
    // One pass over subscribers and their running health row (no attempts scanned).
    QSqlQuery &q = m_db.run(QStringLiteral(
        "SELECT SUM(CASE WHEN s.state = 'active' THEN 1 ELSE 0 END), SUM(CASE WHEN s.state = 'active' AND "
        "h.last_at IS NOT NULL AND (h.last_error_class IS NOT NULL OR h.last_http_status < 200 OR "
        "h.last_http_status > 299) THEN 1 ELSE 0 END), SUM(CASE WHEN s.state = 'quarantined' THEN 1 ELSE 0 "
        "END) FROM subscribers s LEFT JOIN endpoint_health h ON h.subscriber_id = s.id"));
    EndpointCounts c;
    if (q.next()) {
        c.active = q.value(0).toInt();
        c.failing = q.value(1).toInt();
        c.quarantined = q.value(2).toInt();
    }
    q.finish();
    return c;
}

} // namespace sd
