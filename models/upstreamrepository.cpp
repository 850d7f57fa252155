#include "models/upstreamrepository.h"

#include "models/rowreader.h"

namespace sd {
namespace {

const QString kColumns = QStringLiteral(
    "id, url, name, interval_ms, created_at, created_by, page_id, page_name, indicator, description, "
    "snapshot, "
    "snapshot_version, etag, last_modified, last_checked_at, last_success_at, stale_since, last_error, "
    "failures, next_poll_at, lease_owner, lease_host, lease_pid, lease_expires_at");

const QString kEventColumns = QStringLiteral("id, upstream_id, event_key, kind, subject_id, subject_name, "
                                             "old_value, new_value, text, body, detected_at, "
                                             "occurred_at, messages, seq");

Upstream read(const QSqlQuery &q)
{
    Upstream u;
    RowReader(q) >> u.id >> u.url >> u.name >> u.intervalMs >> u.createdAt >> u.createdBy >> u.pageId >>
        u.pageName >> u.indicator >> u.description >> utf8Text(u.snapshot) >> u.snapshotVersion >> u.etag >>
        u.lastModified >> u.lastCheckedAt >> u.lastSuccessAt >> u.staleSince >> u.lastError >> u.failures >>
        u.nextPollAt >> u.leaseOwner >> u.leaseHost >> u.leasePid >> u.leaseExpiresAt;
    return u;
}

UpstreamEvent readEvent(const QSqlQuery &q)
{
    UpstreamEvent e;
    RowReader(q) >> e.id >> e.upstreamId >> e.eventKey >>
        converted(e.kind, [](const QVariant &v) { return parseUpstreamEventKind(v.toString()); }) >>
        e.subjectId >> e.subjectName >> e.oldValue >> e.newValue >> e.text >> utf8Text(e.body) >>
        e.detectedAt >> e.occurredAt >> e.messages >> e.seq;
    return e;
}

} // namespace

QString toString(UpstreamEvent::Kind kind)
{
    switch (kind) {
    case UpstreamEvent::Kind::Component:
        return QStringLiteral("component");
    case UpstreamEvent::Kind::Incident:
        return QStringLiteral("incident");
    case UpstreamEvent::Kind::Maintenance:
        return QStringLiteral("maintenance");
    case UpstreamEvent::Kind::PageStatus:
        break;
    }
    return QStringLiteral("page_status");
}

UpstreamEvent::Kind parseUpstreamEventKind(const QString &text)
{
    if (text == QLatin1String("component"))
        return UpstreamEvent::Kind::Component;
    if (text == QLatin1String("incident"))
        return UpstreamEvent::Kind::Incident;
    if (text == QLatin1String("maintenance"))
        return UpstreamEvent::Kind::Maintenance;
    return UpstreamEvent::Kind::PageStatus;
}

std::vector<Upstream> UpstreamRepository::all()
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + kColumns +
                            QStringLiteral(" FROM upstreams ORDER BY lower(name), id"));
    std::vector<Upstream> out;
    while (q.next())
        out.push_back(read(q));
    return out;
}

std::optional<Upstream> UpstreamRepository::find(const QString &id)
{
    return findBy(QStringLiteral("id"), id);
}

std::optional<Upstream> UpstreamRepository::findByUrl(const QString &url)
{
    return findBy(QStringLiteral("url"), url);
}

std::optional<Upstream> UpstreamRepository::findBy(const QString &column, const QString &value)
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM upstreams WHERE ") +
                                column + QStringLiteral(" = ?"),
                            {value});
    if (q.next())
        return read(q);
    return std::nullopt;
}

void UpstreamRepository::insert(const Upstream &u)
{
    m_db.run(QStringLiteral("INSERT INTO upstreams (id, url, name, interval_ms, created_at, created_by, "
                            "next_poll_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
             {u.id, u.url, u.name, u.intervalMs, toDb(u.createdAt), nullIfEmpty(u.createdBy),
              toDb(u.nextPollAt.isValid() ? u.nextPollAt : u.createdAt)});
}

void UpstreamRepository::remove(const QString &id)
{
    m_db.run(QStringLiteral("DELETE FROM subscriber_upstreams WHERE upstream_id = ?"), {id});
    m_db.run(QStringLiteral("DELETE FROM upstream_events WHERE upstream_id = ?"), {id});
    m_db.run(QStringLiteral("DELETE FROM upstreams WHERE id = ?"), {id});
}

QStringList UpstreamRepository::claimLeases(const UpstreamLeaseHolder &me, const QDateTime &now,
                                            const QDateTime &until, const QStringList &goneOwners)
{
    m_db.run(QStringLiteral("UPDATE upstreams SET lease_expires_at = ? WHERE lease_owner = ?"),
             {toDb(until), me.owner});
    const QString take =
        QStringLiteral("UPDATE upstreams SET lease_owner = ?, lease_host = ?, lease_pid = ?, "
                       "lease_expires_at = ? WHERE ");
    m_db.run(take + QStringLiteral("lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at < ?"),
             {me.owner, me.host, me.pid, toDb(until), toDb(now)});
    for (const QString &gone : goneOwners)
        m_db.run(take + QStringLiteral("lease_owner = ?"), {me.owner, me.host, me.pid, toDb(until), gone});
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT id FROM upstreams WHERE lease_owner = ? ORDER BY id"), {me.owner});
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

std::vector<UpstreamLeaseHolder> UpstreamRepository::otherHolders(const QString &owner)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT DISTINCT lease_owner, lease_host, lease_pid FROM upstreams "
                                "WHERE lease_owner IS NOT NULL AND lease_owner <> ?"),
                 {owner});
    std::vector<UpstreamLeaseHolder> out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong()});
    return out;
}

void UpstreamRepository::releaseLeases(const QString &owner)
{
    m_db.run(QStringLiteral("UPDATE upstreams SET lease_owner = NULL, lease_host = NULL, lease_pid = NULL, "
                            "lease_expires_at = NULL WHERE lease_owner = ?"),
             {owner});
}

bool UpstreamRepository::saveRead(const Upstream &u, const QString &owner)
{
    QSqlQuery &q = m_db.run(
        QStringLiteral(
            "UPDATE upstreams SET page_id = ?, page_name = ?, indicator = ?, description = ?, "
            "snapshot = ?, snapshot_version = ?, etag = ?, last_modified = ?, last_checked_at = ?, "
            "last_success_at = ?, stale_since = ?, last_error = ?, failures = ?, next_poll_at = ? "
            "WHERE id = ? AND lease_owner = ?"),
        {nullIfEmpty(u.pageId), nullIfEmpty(u.pageName), nullIfEmpty(u.indicator), nullIfEmpty(u.description),
         u.snapshot.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(u.snapshot)), u.snapshotVersion,
         nullIfEmpty(u.etag), nullIfEmpty(u.lastModified), toDb(u.lastCheckedAt), toDb(u.lastSuccessAt),
         toDb(u.staleSince), nullIfEmpty(u.lastError), u.failures, toDb(u.nextPollAt), u.id, owner});
    return q.numRowsAffected() == 1;
}

void UpstreamRepository::setNextPoll(const QString &id, const QDateTime &at)
{
    m_db.run(QStringLiteral("UPDATE upstreams SET next_poll_at = ? WHERE id = ?"), {toDb(at), id});
}

bool UpstreamRepository::insertEvent(const UpstreamEvent &e)
{
    // Both dialects: a second poller that saw the same change inserts nothing.
    QSqlQuery &q = m_db.run(
        QStringLiteral("INSERT INTO upstream_events (") + kEventColumns +
            QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (upstream_id, "
                           "event_key) DO NOTHING"),
        {e.id, e.upstreamId, e.eventKey, toString(e.kind), e.subjectId, e.subjectName,
         nullIfEmpty(e.oldValue), nullIfEmpty(e.newValue), e.text,
         e.body.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(e.body)), toDb(e.detectedAt),
         toDb(e.occurredAt), e.messages, e.seq});
    return q.numRowsAffected() == 1;
}

void UpstreamRepository::setEventMessages(const QString &eventId, int messages)
{
    m_db.run(QStringLiteral("UPDATE upstream_events SET messages = ? WHERE id = ?"), {messages, eventId});
}

std::vector<UpstreamEvent> UpstreamRepository::events(const QString &upstreamId, int limit)
{
    const QString where = upstreamId.isEmpty() ? QString() : QStringLiteral(" WHERE upstream_id = ?");
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT ") + kEventColumns + QStringLiteral(" FROM upstream_events") + where +
                     QStringLiteral(" ORDER BY detected_at DESC, seq DESC") + m_db.limitClause(limit),
                 upstreamId.isEmpty() ? QVariantList{} : QVariantList{upstreamId});
    std::vector<UpstreamEvent> out;
    while (q.next())
        out.push_back(readEvent(q));
    return out;
}

std::optional<UpstreamEvent> UpstreamRepository::findEvent(const QString &id)
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + kEventColumns +
                                QStringLiteral(" FROM upstream_events WHERE id = ?"),
                            {id});
    if (q.next())
        return readEvent(q);
    return std::nullopt;
}

QStringList UpstreamRepository::upstreamsOf(const QString &subscriberId)
{
    QSqlQuery &q = m_db.run(
        QStringLiteral(
            "SELECT upstream_id FROM subscriber_upstreams WHERE subscriber_id = ? ORDER BY upstream_id"),
        {subscriberId});
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

QHash<QString, QStringList> UpstreamRepository::upstreamsBySubscriber()
{
    QSqlQuery &q = m_db.run(QStringLiteral(
        "SELECT subscriber_id, upstream_id FROM subscriber_upstreams ORDER BY subscriber_id, upstream_id"));
    QHash<QString, QStringList> out;
    while (q.next())
        out[q.value(0).toString()] << q.value(1).toString();
    return out;
}

void UpstreamRepository::setUpstreamsOf(const QString &subscriberId, const QStringList &upstreamIds)
{
    m_db.run(QStringLiteral("DELETE FROM subscriber_upstreams WHERE subscriber_id = ?"), {subscriberId});
    for (const QString &id : upstreamIds)
        m_db.run(
            QStringLiteral("INSERT INTO subscriber_upstreams (subscriber_id, upstream_id) VALUES (?, ?)"),
            {subscriberId, id});
}

QStringList UpstreamRepository::subscribersOf(const QString &upstreamId)
{
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT su.subscriber_id FROM subscriber_upstreams su JOIN subscribers s ON s.id = "
                       "su.subscriber_id WHERE su.upstream_id = ? ORDER BY su.subscriber_id"),
        {upstreamId});
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

void UpstreamRepository::addLink(const UpstreamLink &l)
{
    m_db.run(
        QStringLiteral("INSERT INTO incident_upstream_links (incident_id, upstream_id, upstream_name, "
                       "upstream_incident_id, upstream_incident_name, linked_at, linked_by) VALUES (?, ?, ?, "
                       "?, ?, ?, ?) ON CONFLICT (incident_id, upstream_id, upstream_incident_id) DO NOTHING"),
        {l.incidentId, l.upstreamId, l.upstreamName, l.upstreamIncidentId, l.upstreamIncidentName,
         toDb(l.linkedAt), nullIfEmpty(l.linkedBy)});
}

void UpstreamRepository::removeLink(const QString &incidentId, const QString &upstreamId,
                                    const QString &upstreamIncidentId)
{
    m_db.run(
        QStringLiteral("DELETE FROM incident_upstream_links WHERE incident_id = ? AND upstream_id = ? AND "
                       "upstream_incident_id = ?"),
        {incidentId, upstreamId, upstreamIncidentId});
}

std::vector<UpstreamLink> UpstreamRepository::links(const QString &incidentId)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT incident_id, upstream_id, upstream_name, upstream_incident_id, "
                                "upstream_incident_name, linked_at, linked_by FROM "
                                "incident_upstream_links WHERE incident_id = ? ORDER BY linked_at, "
                                "upstream_incident_id"),
                 {incidentId});
    std::vector<UpstreamLink> out;
    while (q.next()) {
        UpstreamLink l;
        RowReader(q) >> l.incidentId >> l.upstreamId >> l.upstreamName >> l.upstreamIncidentId >>
            l.upstreamIncidentName >> l.linkedAt >> l.linkedBy;
        out.push_back(l);
    }
    return out;
}

} // namespace sd
