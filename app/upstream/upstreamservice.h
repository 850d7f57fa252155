#pragma once

#include "app/services/servicecontext.h"
#include "models/upstream.h"

#include <QStringList>
#include <vector>

namespace sd::upstream {

struct NewUpstream
{
    QString url;           // a page URL or its /api/v2/summary.json
    QString name;          // empty: the page's own name (pageName), else its host
    QString pageName;      // what the page called itself when it was checked; may be empty
    qint64 intervalMs = 0; // 0: the default
};

// What an operator does with followed pages, each change in one transaction with its audit row.
class UpstreamService final
{
public:
    explicit UpstreamService(ServiceContext context)
        : m_ctx(std::move(context))
    {}
    void setActor(const QString &actor) { m_ctx.actor = actor; }

    Result<Upstream> follow(const NewUpstream &input);
    Result<Upstream> unfollow(const QString &id);
    Result<std::vector<Upstream>> list();
    // Which followed pages a subscriber hears besides the local page; every id must be followed.
    Result<QStringList> setSubscriberUpstreams(const QString &subscriberId, const QStringList &upstreamIds);
    // "Caused by <page>: <incident>": links a local incident to an incident the followed page lists now (or
    // listed when one of its events was recorded).
    Result<UpstreamLink> link(const QString &incidentId, const QString &upstreamId,
                              const QString &upstreamIncidentId);
    Result<Ok> unlink(const QString &incidentId, const QString &upstreamId,
                      const QString &upstreamIncidentId);

private:
    ServiceContext m_ctx;
};

} // namespace sd::upstream
