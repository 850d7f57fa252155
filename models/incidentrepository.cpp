#include "models/incidentrepository.h"

#include "models/jsoncolumns.h"
#include "models/rowreader.h"
#include "models/values.h"

namespace sd {
namespace {

const QString kColumns = QStringLiteral(
    "id, name, status, impact, impact_override, backfilled, shortlink, created_at, updated_at, started_at, "
    "monitoring_at, resolved_at, scheduled_for, scheduled_until, scheduled_reminded_at, "
    "scheduled_remind_prior, "
    "scheduled_auto_transition, postmortem_body, postmortem_body_last_updated_at, postmortem_published_at, "
    "postmortem_ignored, postmortem_notified_subscribers, postmortem_notified_twitter, component_ids");

// NULL: no override.
std::optional<Impact> nullableImpact(const QVariant &v)
{
    return v.isNull() ? std::nullopt : parseImpact(v.toString());
}

QVariantList bindsFor(const Incident &i)
{
    return {i.id,
            i.name,
            toString(i.status),
            toString(i.impact),
            i.impactOverride ? QVariant(toString(*i.impactOverride)) : QVariant(),
            i.backfilled,
            nullIfEmpty(i.shortlink),
            toDb(i.createdAt),
            toDb(i.updatedAt),
            toDb(i.startedAt),
            toDb(i.monitoringAt),
            toDb(i.resolvedAt),
            toDb(i.scheduledFor),
            toDb(i.scheduledUntil),
            toDb(i.scheduledRemindedAt),
            i.scheduledRemindPrior,
            i.scheduledAutoTransition,
            nullIfEmpty(i.postmortemBody),
            toDb(i.postmortemBodyLastUpdatedAt),
            toDb(i.postmortemPublishedAt),
            i.postmortemIgnored,
            i.postmortemNotifiedSubscribers,
            i.postmortemNotifiedTwitter,
            jsoncol::fromStringList(i.componentIds)};
}

} // namespace

std::vector<Incident> IncidentRepository::select(const QString &where, const QVariantList &binds)
{
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM incidents ") + where +
            QStringLiteral(" ORDER BY CASE WHEN status IN ('resolved') THEN 1 WHEN status IN ('scheduled', "
                           "'in_progress', 'verifying', 'completed') THEN 2 ELSE 0 END, created_at DESC, id"),
        binds);
    std::vector<Incident> out;
    while (q.next()) {
        Incident i;
        RowReader(q) >> i.id >> i.name >>
            parsed(i.status, parseIncidentStatus, IncidentStatus::Investigating) >>
            parsed(i.impact, parseImpact, Impact::None) >> converted(i.impactOverride, nullableImpact) >>
            i.backfilled >> i.shortlink >> i.createdAt >> i.updatedAt >> i.startedAt >> i.monitoringAt >>
            i.resolvedAt >> i.scheduledFor >> i.scheduledUntil >> i.scheduledRemindedAt >>
            i.scheduledRemindPrior >> i.scheduledAutoTransition >> i.postmortemBody >>
            i.postmortemBodyLastUpdatedAt >> i.postmortemPublishedAt >> i.postmortemIgnored >>
            i.postmortemNotifiedSubscribers >> i.postmortemNotifiedTwitter >> jsonList(i.componentIds);
        out.push_back(std::move(i));
    }
    for (Incident &i : out)
        i.updates = updatesFor(i.id);
    return out;
}

std::vector<IncidentUpdate> IncidentRepository::updatesFor(const QString &incidentId)
{
    QSqlQuery &q = m_db.run(
        QStringLiteral(
            "SELECT id, incident_id, status, body, created_at, updated_at, display_at, twitter_updated_at, "
            "wants_twitter_update, deliver_notifications, affected_components, actor FROM incident_updates "
            "WHERE incident_id = ? ORDER BY created_at DESC, id DESC"),
        {incidentId});
    std::vector<IncidentUpdate> out;
    while (q.next()) {
        IncidentUpdate u;
        RowReader(q) >> u.id >> u.incidentId >>
            parsed(u.status, parseIncidentStatus, IncidentStatus::Investigating) >> u.body >> u.createdAt >>
            u.updatedAt >> u.displayAt >> u.twitterUpdatedAt >> u.wantsTwitterUpdate >>
            u.deliverNotifications >>
            converted(u.affectedComponents,
                      [](const QVariant &v) { return jsoncol::toAffected(v.toString()); }) >>
            u.actor;
        out.push_back(std::move(u));
    }
    return out;
}

std::vector<Incident> IncidentRepository::all()
{
    return select({}, {});
}

std::vector<Incident> IncidentRepository::open()
{
    return select(QStringLiteral("WHERE status NOT IN ('resolved', 'completed')"), {});
}

std::optional<Incident> IncidentRepository::find(const QString &id)
{
    auto list = select(QStringLiteral("WHERE id = ?"), {id});
    if (list.empty())
        return std::nullopt;
    return std::move(list.front());
}

void IncidentRepository::insert(const Incident &i)
{
    m_db.run(QStringLiteral("INSERT INTO incidents (") + kColumns +
                 QStringLiteral(
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             bindsFor(i));
}

void IncidentRepository::update(const Incident &i)
{
    QVariantList binds = bindsFor(i);
    binds.removeFirst();
    binds.append(i.id);
    m_db.run(QStringLiteral(
                 "UPDATE incidents SET name=?, status=?, impact=?, impact_override=?, backfilled=?, "
                 "shortlink=?, created_at=?, updated_at=?, started_at=?, monitoring_at=?, resolved_at=?, "
                 "scheduled_for=?, scheduled_until=?, scheduled_reminded_at=?, scheduled_remind_prior=?, "
                 "scheduled_auto_transition=?, postmortem_body=?, postmortem_body_last_updated_at=?, "
                 "postmortem_published_at=?, postmortem_ignored=?, postmortem_notified_subscribers=?, "
                 "postmortem_notified_twitter=?, component_ids=? WHERE id=?"),
             binds);
}

void IncidentRepository::insertUpdate(const IncidentUpdate &u)
{
    m_db.run(
        QStringLiteral("INSERT INTO incident_updates (id, incident_id, status, body, created_at, updated_at, "
                       "display_at, twitter_updated_at, wants_twitter_update, deliver_notifications, "
                       "affected_components, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {u.id, u.incidentId, toString(u.status), toDb(u.body), toDb(u.createdAt), toDb(u.updatedAt),
         toDb(u.displayAt), toDb(u.twitterUpdatedAt), u.wantsTwitterUpdate, u.deliverNotifications,
         jsoncol::fromAffected(u.affectedComponents), nullIfEmpty(u.actor)});
}

void IncidentRepository::updateUpdate(const IncidentUpdate &u)
{
    m_db.run(QStringLiteral(
                 "UPDATE incident_updates SET body=?, updated_at=?, display_at=?, wants_twitter_update=?, "
                 "deliver_notifications=? WHERE id=? AND incident_id=?"),
             {toDb(u.body), toDb(u.updatedAt), toDb(u.displayAt), u.wantsTwitterUpdate,
              u.deliverNotifications, u.id, u.incidentId});
}

void IncidentRepository::remove(const QString &id)
{
    m_db.run(QStringLiteral("DELETE FROM incident_updates WHERE incident_id = ?"), {id});
    m_db.run(QStringLiteral("DELETE FROM incidents WHERE id = ?"), {id});
}

std::vector<Incident> IncidentRepository::dueMaintenance(const QDateTime &now)
{
    return select(QStringLiteral("WHERE scheduled_auto_transition <> 0 AND ((status = 'scheduled' AND "
                                 "scheduled_for <= ?) OR (status IN ('in_progress', 'verifying') AND "
                                 "scheduled_until <= ?))"),
                  {toDb(now), toDb(now)});
}

QDateTime IncidentRepository::nextMaintenanceTransition()
{
    QDateTime next;
    for (const QString &sql :
         {QStringLiteral("SELECT MIN(scheduled_for) FROM incidents WHERE scheduled_auto_transition <> 0 AND "
                         "status = 'scheduled'"),
          QStringLiteral(
              "SELECT MIN(scheduled_until) FROM incidents WHERE scheduled_auto_transition <> 0 AND "
              "status IN ('in_progress', 'verifying')")}) {
        QSqlQuery &q = m_db.run(sql);
        if (q.next() && !q.value(0).isNull()) {
            const QDateTime t = dateFromDb(q.value(0));
            if (!next.isValid() || t < next)
                next = t;
        }
        q.finish();
    }
    return next;
}

std::vector<Incident> IncidentRepository::dueReminders(const QDateTime &now, const QDateTime &startsBy)
{
    return select(
        QStringLiteral("WHERE status = 'scheduled' AND scheduled_remind_prior <> 0 AND "
                       "scheduled_reminded_at IS NULL AND scheduled_for > ? AND scheduled_for <= ?"),
        {toDb(now), toDb(startsBy)});
}

QDateTime IncidentRepository::nextReminderStart(const QDateTime &now)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT MIN(scheduled_for) FROM incidents WHERE status = 'scheduled' "
                                "AND scheduled_remind_prior <> 0 AND scheduled_reminded_at IS NULL "
                                "AND scheduled_for > ?"),
                 {toDb(now)});
    QDateTime next;
    if (q.next() && !q.value(0).isNull())
        next = dateFromDb(q.value(0));
    q.finish();
    return next;
}

bool IncidentRepository::claimReminder(const QString &id, const QDateTime &at)
{
    return m_db.run(QStringLiteral("UPDATE incidents SET scheduled_reminded_at = ? WHERE id = ? AND "
                                   "scheduled_reminded_at IS NULL AND status = 'scheduled' AND "
                                   "scheduled_remind_prior <> 0"),
                    {toDb(at), id})
               .numRowsAffected() == 1;
}

bool IncidentRepository::moveStatus(const QString &id, const QStringList &from, IncidentStatus to)
{
    QStringList marks;
    QVariantList binds{toString(to), id};
    for (const QString &f : from) {
        marks << QStringLiteral("?");
        binds << f;
    }
    return m_db.run(QStringLiteral("UPDATE incidents SET status = ? WHERE id = ? AND status IN (%1)")
                        .arg(marks.join(QStringLiteral(", "))),
                    binds)
               .numRowsAffected() == 1;
}

} // namespace sd
