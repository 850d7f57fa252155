#include "app/upstream/upstreamservice.h"

#include "app/upstream/pollpolicy.h"
#include "models/ids.h"
#include "models/upstreamrepository.h"
#include "models/upstreamsummary.h"

#include <QUrl>

namespace sd::upstream {
namespace {

constexpr int kMaxNameLength = 100;

// The incident's name as the page listed it: in the last read, else in a recorded event.
QString upstreamIncidentName(UpstreamRepository &repo, const Upstream &u, const QString &incidentId)
{
    if (auto summary = parseSummary(u.snapshot)) {
        if (const SummaryIncident *i = summary->incident(incidentId))
            return i->name;
    }
    for (const UpstreamEvent &e : repo.events(u.id, -1)) {
        if (e.subjectId == incidentId && e.kind != UpstreamEvent::Kind::Component &&
            e.kind != UpstreamEvent::Kind::PageStatus)
            return e.subjectName;
    }
    return {};
}

} // namespace

Result<Upstream> UpstreamService::follow(const NewUpstream &input)
{
    auto url = normalizePageUrl(input.url);
    if (!url)
        return Error{url.error()};
    qint64 interval = input.intervalMs;
    if (interval == 0) {
        interval = kDefaultIntervalMs;
    } else {
        auto checked = parseInterval(QStringLiteral("%1ms").arg(interval), url.value());
        if (!checked)
            return Error{checked.error()};
    }
    QString name = input.name.trimmed();
    if (name.isEmpty())
        name = input.pageName.trimmed();
    if (name.isEmpty())
        name = QUrl(url.value()).host();
    if (name.size() > kMaxNameLength)
        return Error{QStringLiteral("the name is longer than %1 characters").arg(kMaxNameLength)};
    return inTransaction(m_ctx.store, [&]() -> Result<Upstream> {
        UpstreamRepository repo(m_ctx.store.db());
        if (auto existing = repo.findByUrl(url.value()))
            return Error{QStringLiteral("%1 is already followed as %2 (%3)")
                             .arg(url.value(), existing->id, existing->name)};
        Upstream u;
        u.id = ids::newId();
        u.url = url.value();
        u.name = name;
        u.intervalMs = interval;
        u.createdAt = m_ctx.now();
        u.createdBy = m_ctx.actor;
        u.nextPollAt = u.createdAt;
        repo.insert(u);
        m_ctx.audit(QStringLiteral("upstream.follow"), QStringLiteral("upstream"), u.id,
                    QStringLiteral("%1 (%2), every %3").arg(u.name, u.url, formatInterval(u.intervalMs)));
        return u;
    });
}

Result<Upstream> UpstreamService::unfollow(const QString &id)
{
    return inTransaction(m_ctx.store, [&]() -> Result<Upstream> {
        UpstreamRepository repo(m_ctx.store.db());
        auto u = repo.find(id);
        if (!u)
            return Error{QStringLiteral("no followed page with id %1 (see upstream list)").arg(id)};
        repo.remove(id);
        m_ctx.audit(QStringLiteral("upstream.unfollow"), QStringLiteral("upstream"), id,
                    QStringLiteral("%1 (%2)").arg(u->name, u->url));
        return *u;
    });
}

Result<std::vector<Upstream>> UpstreamService::list()
{
    try {
        return UpstreamRepository(m_ctx.store.db()).all();
    } catch (const StoreError &e) {
        return Error{storeFailure(e.message())};
    }
}

Result<QStringList> UpstreamService::setSubscriberUpstreams(const QString &subscriberId,
                                                            const QStringList &upstreamIds)
{
    return inTransaction(m_ctx.store, [&]() -> Result<QStringList> {
        if (!m_ctx.store.subscribers.find(subscriberId))
            return Error{QStringLiteral("no subscriber with id %1").arg(subscriberId)};
        UpstreamRepository repo(m_ctx.store.db());
        QStringList ids;
        for (const QString &id : upstreamIds) {
            if (!repo.find(id))
                return Error{QStringLiteral("no followed page with id %1 (see upstream list)").arg(id)};
            if (!ids.contains(id))
                ids << id;
        }
        ids.sort();
        repo.setUpstreamsOf(subscriberId, ids);
        m_ctx.audit(QStringLiteral("subscriber.upstreams"), QStringLiteral("subscriber"), subscriberId,
                    ids.isEmpty() ? QStringLiteral("no followed pages") : ids.join(QLatin1Char(' ')));
        return ids;
    });
}

Result<UpstreamLink> UpstreamService::link(const QString &incidentId, const QString &upstreamId,
                                           const QString &upstreamIncidentId)
{
    return inTransaction(m_ctx.store, [&]() -> Result<UpstreamLink> {
        if (!m_ctx.store.incidents.find(incidentId))
            return Error{QStringLiteral("no incident with id %1").arg(incidentId)};
        UpstreamRepository repo(m_ctx.store.db());
        auto u = repo.find(upstreamId);
        if (!u)
            return Error{QStringLiteral("no followed page with id %1 (see upstream list)").arg(upstreamId)};
        const QString name = upstreamIncidentName(repo, *u, upstreamIncidentId);
        if (name.isEmpty())
            return Error{QStringLiteral("%1 lists no incident %2").arg(u->name, upstreamIncidentId)};
        UpstreamLink l;
        l.incidentId = incidentId;
        l.upstreamId = upstreamId;
        l.upstreamName = u->name;
        l.upstreamIncidentId = upstreamIncidentId;
        l.upstreamIncidentName = name;
        l.linkedAt = m_ctx.now();
        l.linkedBy = m_ctx.actor;
        repo.addLink(l);
        m_ctx.audit(QStringLiteral("incident.link_upstream"), QStringLiteral("incident"), incidentId,
                    QStringLiteral("caused by %1: %2 (%3)").arg(u->name, name, upstreamIncidentId));
        return l;
    });
}

Result<Ok> UpstreamService::unlink(const QString &incidentId, const QString &upstreamId,
                                   const QString &upstreamIncidentId)
{
    return inTransaction(m_ctx.store, [&]() -> Result<Ok> {
        UpstreamRepository(m_ctx.store.db()).removeLink(incidentId, upstreamId, upstreamIncidentId);
        m_ctx.audit(QStringLiteral("incident.unlink_upstream"), QStringLiteral("incident"), incidentId,
                    QStringLiteral("%1 %2").arg(upstreamId, upstreamIncidentId));
        return Ok{};
    });
}

} // namespace sd::upstream
