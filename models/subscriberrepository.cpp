#include "models/subscriberrepository.h"

#include "models/healthrepository.h"
#include "models/jsoncolumns.h"
#include "models/rowreader.h"
#include "models/values.h"

namespace sd {
namespace {
const QString kColumns =
    QStringLiteral("id, endpoint, email, component_ids, secret, previous_secret, "
                   "previous_secret_expires_at, unsubscribe_token, "
                   "state, created_at, quarantined_at, purge_at, unsubscribed_at, incident_id");

// Page-wide listings (the console's tab, the API's list, exports) leave out the subscribers of one incident.
const QString kPageWide = QStringLiteral(" AND incident_id IS NULL");

Subscriber readSubscriber(const QSqlQuery &q)
{
    Subscriber s;
    RowReader(q) >> s.id >> s.endpoint >> s.email >> jsonList(s.componentIds) >> s.secret >>
        s.previousSecret >> s.previousSecretExpiresAt >> s.unsubscribeToken >>
        parsed(s.state, parseSubscriberState, SubscriberState::Active) >> s.createdAt >> s.quarantinedAt >>
        s.purgeAt >> s.unsubscribedAt >> s.incidentId;
    return s;
}
} // namespace

std::vector<Subscriber> SubscriberRepository::select(const QString &where, const QVariantList &binds)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM subscribers ") + where, binds);
    std::vector<Subscriber> out;
    while (q.next())
        out.push_back(readSubscriber(q));
    return out;
}

void SubscriberRepository::forEach(ReadSnapshot &snapshot, std::optional<SubscriberState> state,
                                   const std::function<void(const Subscriber &)> &visit)
{
    const QString where =
        (state ? QStringLiteral("WHERE state = ?") : QStringLiteral("WHERE state != 'unsubscribed'")) +
        kPageWide;
    StreamQuery q(snapshot,
                  QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM subscribers ") + where +
                      QStringLiteral(" ORDER BY created_at, id"),
                  state ? QVariantList{toString(*state)} : QVariantList{});
    while (q.next())
        visit(readSubscriber(q.row()));
}

std::vector<Subscriber> SubscriberRepository::list(std::optional<SubscriberState> state, int limit,
                                                   int offset)
{
    // limit < 0 means all rows; the store spells that for its dialect (PostgreSQL refuses LIMIT -1).
    const QString page = QStringLiteral(" ORDER BY created_at, id") + m_db.limitClause(limit, offset);
    if (state)
        return select(QStringLiteral("WHERE state = ?") + kPageWide + page, {toString(*state)});
    return select(QStringLiteral("WHERE state != 'unsubscribed'") + kPageWide + page, {});
}

std::vector<Subscriber> SubscriberRepository::all()
{
    return select(QStringLiteral("ORDER BY created_at, id"), {});
}

std::vector<Subscriber> SubscriberRepository::search(const SubscriberQuery &query)
{
    QString where;
    QVariantList binds;
    switch (query.states) {
    case SubscriberQuery::States::Current:
        where = QStringLiteral("WHERE state != 'unsubscribed'");
        break;
    case SubscriberQuery::States::Active:
        where = QStringLiteral("WHERE state = 'active'");
        break;
    case SubscriberQuery::States::Quarantined:
        where = QStringLiteral("WHERE state = 'quarantined'");
        break;
    case SubscriberQuery::States::Unsubscribed:
        where = QStringLiteral("WHERE state = 'unsubscribed'");
        break;
    case SubscriberQuery::States::All:
        where = QStringLiteral("WHERE 1 = 1");
        break;
    }
    where += kPageWide;
    const QString text = query.text.trimmed().toLower();
    if (!text.isEmpty()) {
        // instr(), not LIKE: the operator's text is matched as typed (% and _ are not wildcards).
        where += QStringLiteral(" AND (instr(lower(endpoint), ?) > 0 OR instr(lower(email), ?) > 0)");
        binds << text << text;
    }
    return select(where + QStringLiteral(" ORDER BY created_at, id"), binds);
}

std::vector<Subscriber> SubscriberRepository::forIncident(const QString &incidentId)
{
    return select(QStringLiteral("WHERE incident_id = ? ORDER BY created_at, id"), {incidentId});
}

std::vector<Subscriber> SubscriberRepository::active()
{
    return select(QStringLiteral("WHERE state = 'active' ORDER BY created_at, id"), {});
}

std::optional<Subscriber> SubscriberRepository::find(const QString &id)
{
    auto list = select(QStringLiteral("WHERE id = ?"), {id});
    if (list.empty())
        return std::nullopt;
    return list.front();
}

std::optional<Subscriber> SubscriberRepository::findByToken(const QString &token)
{
    auto list = select(QStringLiteral("WHERE unsubscribe_token = ?"), {token});
    if (list.empty())
        return std::nullopt;
    return list.front();
}

std::optional<Subscriber> SubscriberRepository::findLiveByEndpoint(const QString &endpoint)
{
    auto list = select(QStringLiteral("WHERE endpoint = ? AND state != 'unsubscribed'"), {endpoint});
    if (list.empty())
        return std::nullopt;
    return list.front();
}

void SubscriberRepository::insert(const Subscriber &s)
{
    m_db.run(QStringLiteral("INSERT INTO subscribers (") + kColumns +
                 QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {s.id, s.endpoint, s.email, jsoncol::fromStringList(s.componentIds), nullIfEmpty(s.secret),
              nullIfEmpty(s.previousSecret), toDb(s.previousSecretExpiresAt), s.unsubscribeToken,
              toString(s.state), toDb(s.createdAt), toDb(s.quarantinedAt), toDb(s.purgeAt),
              toDb(s.unsubscribedAt), nullIfEmpty(s.incidentId)});
}

void SubscriberRepository::update(const Subscriber &s)
{
    m_db.run(QStringLiteral(
                 "UPDATE subscribers SET endpoint=?, email=?, component_ids=?, secret=?, previous_secret=?, "
                 "previous_secret_expires_at=?, state=?, quarantined_at=?, purge_at=?, unsubscribed_at=? "
                 "WHERE id=?"),
             {s.endpoint, s.email, jsoncol::fromStringList(s.componentIds), nullIfEmpty(s.secret),
              nullIfEmpty(s.previousSecret), toDb(s.previousSecretExpiresAt), toString(s.state),
              toDb(s.quarantinedAt), toDb(s.purgeAt), toDb(s.unsubscribedAt), s.id});
}

bool SubscriberRepository::quarantine(const QString &id, const QDateTime &at, const QDateTime &purgeAt)
{
    QSqlQuery &changed =
        m_db.run(QStringLiteral("UPDATE subscribers SET state = 'quarantined', quarantined_at = ?, "
                                "purge_at = ? WHERE id = ? AND state = 'active'"),
                 {toDb(at), toDb(purgeAt), id});
    return changed.numRowsAffected() == 1;
}

void SubscriberRepository::purge(const QString &id)
{
    m_db.run(QStringLiteral("DELETE FROM attempts WHERE subscriber_id = ?"), {id});
    HealthRepository(m_db).purge(id);
    m_db.run(QStringLiteral("DELETE FROM message_bodies WHERE message_id IN (SELECT id FROM messages WHERE "
                            "subscriber_id = ?)"),
             {id});
    m_db.run(QStringLiteral("DELETE FROM messages WHERE subscriber_id = ?"), {id});
    m_db.run(QStringLiteral("DELETE FROM subscribers WHERE id = ?"), {id});
}

} // namespace sd
