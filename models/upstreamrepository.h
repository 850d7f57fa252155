#pragma once

#include "models/database.h"
#include "models/upstream.h"

#include <QHash>
#include <QStringList>
#include <optional>
#include <vector>

namespace sd {

// Who holds an upstream's lease: a poller instance, on a host, in a process.
struct UpstreamLeaseHolder
{
    QString owner;
    QString host;
    qint64 pid = 0;
};

// The followed pages, the changes they made, which subscribers hear them and which local incidents they
// caused. Over the caller's connection, like every repository.
class UpstreamRepository final
{
public:
    explicit UpstreamRepository(Database &db)
        : m_db(db)
    {}

    std::vector<Upstream> all(); // by name
    std::optional<Upstream> find(const QString &id);
    std::optional<Upstream> findByUrl(const QString &url);
    void insert(const Upstream &u);
    // Removes the page with its events and subscriptions; links from local incidents stay (they keep its
    // name).
    void remove(const QString &id);

    // The lease (one poller per upstream across processes and desks). Renews what `me` holds and takes every
    // upstream whose lease is free, expired at `now`, or held by one of `goneOwners`; returns the ids `me`
    // holds afterwards.
    QStringList claimLeases(const UpstreamLeaseHolder &me, const QDateTime &now, const QDateTime &until,
                            const QStringList &goneOwners);
    std::vector<UpstreamLeaseHolder> otherHolders(const QString &owner);
    void releaseLeases(const QString &owner);

    // Writes what a read found (fields from "What the last good read said" on, lease fields excepted) while
    // `owner` still holds the lease; false when it does not (another poller took it over meanwhile).
    bool saveRead(const Upstream &u, const QString &owner);
    // Sets when the upstream is read next (e.g. "now", after it was added or edited).
    void setNextPoll(const QString &id, const QDateTime &at);

    // Inserts the event unless one with its key was recorded for this upstream already; true when inserted.
    bool insertEvent(const UpstreamEvent &e);
    void setEventMessages(const QString &eventId, int messages);
    // Newest first; `upstreamId` empty: every upstream's.
    std::vector<UpstreamEvent> events(const QString &upstreamId, int limit);
    std::optional<UpstreamEvent> findEvent(const QString &id);

    // Which followed pages a subscriber hears (none: only the local page).
    QStringList upstreamsOf(const QString &subscriberId);
    QHash<QString, QStringList> upstreamsBySubscriber();
    void setUpstreamsOf(const QString &subscriberId, const QStringList &upstreamIds);
    QStringList subscribersOf(const QString &upstreamId);

    void addLink(const UpstreamLink &link); // an existing identical link is left as it is
    void removeLink(const QString &incidentId, const QString &upstreamId, const QString &upstreamIncidentId);
    std::vector<UpstreamLink> links(const QString &incidentId); // oldest first

private:
    std::optional<Upstream> findBy(const QString &column, const QString &value);

    Database &m_db;
};

} // namespace sd
