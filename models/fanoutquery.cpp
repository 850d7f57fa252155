#include "models/fanoutquery.h"

#include "models/database.h"
#include "models/values.h"

#include <QSet>
#include <algorithm>

namespace sd {

StateCounts FanoutQuery::countsFor(const QString &eventId)
{
    // One statement, one snapshot: the states always add up to the messages the event has at that instant.
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT state, count(*) FROM messages WHERE event_id = ? GROUP BY state"), {eventId});
    StateCounts c;
    while (q.next()) {
        if (const auto state = parseDeliveryState(q.value(0).toString()))
            c.add(*state, q.value(1).toInt());
    }
    q.finish();
    return c;
}

QList<FanoutCounts> FanoutQuery::recent(int limit)
{
    // The changes themselves are few (one row per status change or update), so the newest are read from
    // their own tables; a fan-out's event id is the change's id.
    QList<FanoutCounts> changes;
    const QString limitSql = m_db.limitClause(limit);
    {
        QSqlQuery &q = m_db.run(QStringLiteral("SELECT u.id, u.created_at, c.name FROM component_updates u "
                                               "LEFT JOIN components c ON c.id = u.component_id "
                                               "ORDER BY u.created_at DESC, u.id DESC ") +
                                limitSql);
        while (q.next())
            changes.append({q.value(0).toString(),
                            EventKind::Component,
                            q.value(2).toString(),
                            dateFromDb(q.value(1)),
                            {}});
        q.finish();
    }
    {
        QSqlQuery &q = m_db.run(QStringLiteral("SELECT u.id, u.created_at, i.name FROM incident_updates u "
                                               "LEFT JOIN incidents i ON i.id = u.incident_id "
                                               "ORDER BY u.created_at DESC, u.id DESC ") +
                                limitSql);
        while (q.next())
            changes.append({q.value(0).toString(),
                            EventKind::Incident,
                            q.value(2).toString(),
                            dateFromDb(q.value(1)),
                            {}});
        q.finish();
    }
    std::stable_sort(changes.begin(), changes.end(),
                     [](const FanoutCounts &a, const FanoutCounts &b) { return a.createdAt > b.createdAt; });
    QList<FanoutCounts> out;
    for (FanoutCounts &change : changes) {
        if (out.size() >= limit)
            break;
        change.counts = countsFor(change.eventId);
        if (change.counts.total() >
            0) // a silent change (no notifications, no subscribers) fanned out nothing
            out.append(change);
    }
    return out;
}

QList<FanoutCounts> FanoutQuery::forEvents(const QStringList &eventIds)
{
    QList<FanoutCounts> out;
    for (const QString &id : eventIds) {
        FanoutCounts f;
        f.eventId = id;
        f.counts = countsFor(id);
        if (f.counts.total() > 0)
            out.append(f);
    }
    return out;
}

} // namespace sd
