#include "models/fanoutquery.h"

#include "models/database.h"
#include "models/endpointurl.h"
#include "models/values.h"

#include <QHash>
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

CappedOrigin FanoutQuery::cappedOrigin(const QDateTime &now, int perHostCap)
{
    // Grouped by endpoint in SQL (few rows), by origin here: an origin is not something SQL can compute on
    // both backends alike. The leases are per engine: each engine caps its own requests per origin.
    QHash<QString, CappedOrigin> origins;
    QSet<QString> atCap;
    QSqlQuery &leased =
        m_db.run(QStringLiteral("SELECT m.lease_owner, s.endpoint, count(*) FROM messages m "
                                "JOIN subscribers s ON s.id = m.subscriber_id WHERE m.state = "
                                "'sending' AND m.channel = 'webhook' AND m.lease_expires_at >= ? "
                                "GROUP BY m.lease_owner, s.endpoint"),
                 {toDb(now)});
    QHash<QPair<QString, QString>, int> perEngine; // (owner, origin) -> leases
    while (leased.next())
        perEngine[{leased.value(0).toString(), endpointurl::origin(leased.value(1).toString())}] +=
            leased.value(2).toInt();
    leased.finish();
    for (auto it = perEngine.cbegin(); it != perEngine.cend(); ++it) {
        CappedOrigin &o = origins[it.key().second];
        o.inFlight += std::min(it.value(), perHostCap);
        o.waiting += std::max(0, it.value() - perHostCap);
        if (it.value() >= perHostCap)
            atCap.insert(it.key().second);
    }
    QSqlQuery &due =
        m_db.run(QStringLiteral("SELECT s.endpoint, count(*) FROM messages m JOIN subscribers s ON "
                                "s.id = m.subscriber_id WHERE m.state IN ('queued', 'retrying') AND "
                                "m.next_attempt_at <= ? AND m.channel = 'webhook' GROUP BY s.endpoint"),
                 {toDb(now)});
    while (due.next()) {
        const QString origin = endpointurl::origin(due.value(0).toString());
        if (atCap.contains(origin))
            origins[origin].waiting += due.value(1).toInt();
    }
    due.finish();
    CappedOrigin most;
    for (const QString &origin : std::as_const(atCap)) {
        const CappedOrigin &o = origins.value(origin);
        if (o.waiting > most.waiting ||
            (o.waiting == most.waiting && o.waiting > 0 && origin < most.origin)) {
            most = o;
            most.origin = origin;
        }
    }
    most.perHostCap = perHostCap;
    return most;
}

} // namespace sd
