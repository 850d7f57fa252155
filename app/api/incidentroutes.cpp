#include "app/api/apiroutetable.h"
#include "app/api/incidentrequests.h"
#include "app/formats/jsonviews.h"
#include "app/services/incidentservice.h"
#include "models/values.h"

#include <algorithm>

// Incidents and their updates: /v1/pages/{page_id}/incidents/...
namespace sd::api {
namespace {

QJsonObject incidentJson(ApiCall &c, const Incident &i)
{
    return json::apiIncident(c.store().page.get(), i, c.store().components.all());
}

ApiResponse answered(ApiCall &c, int status, const IncidentChange &change)
{
    return queued(ApiResponse::json(status, incidentJson(c, change.incident)),
                  change.incidentMessages + change.componentMessages);
}

// The incident listings differ only in which incidents they keep; q searches names, statuses and texts.
template<typename Keep> ApiResponse listIncidents(ApiCall &c, bool withSearch, Keep keep)
{
    auto paging = parsePaging(c.request.query, withSearch);
    if (!paging)
        return ApiResponse::error(400, paging.error());
    const QString &q = paging->q;
    std::vector<Incident> list;
    for (const Incident &i : c.store().incidents.all()) { // a fixed order, ties broken by id
        bool hit = keep(i);
        if (hit && !q.isEmpty()) {
            hit = containsText(i.name, q) || containsText(toString(i.status), q) ||
                  containsText(i.postmortemBody, q);
            for (const IncidentUpdate &u : i.updates)
                hit = hit || containsText(u.body, q);
        }
        if (hit)
            list.push_back(i);
    }
    const Page page = c.store().page.get();
    const auto components = c.store().components.all();
    return listed(paging, list, [&](const Incident &i) { return json::apiIncident(page, i, components); });
}

ApiResponse listAll(ApiCall &c)
{
    return listIncidents(c, true, [](const Incident &) { return true; });
}

ApiResponse listUnresolved(ApiCall &c)
{
    return listIncidents(
        c, false, [](const Incident &i) { return !isScheduledMaintenance(i.status) && !isClosed(i.status); });
}

ApiResponse listScheduled(ApiCall &c)
{
    return listIncidents(c, false, [](const Incident &i) { return i.status == IncidentStatus::Scheduled; });
}

ApiResponse listUpcoming(ApiCall &c)
{
    const QDateTime now = c.ctx.now();
    return listIncidents(c, false, [&](const Incident &i) {
        return i.status == IncidentStatus::Scheduled && (!i.scheduledFor.isValid() || i.scheduledFor > now);
    });
}

ApiResponse listActiveMaintenance(ApiCall &c)
{
    return listIncidents(c, false, [](const Incident &i) {
        return i.status == IncidentStatus::InProgress || i.status == IncidentStatus::Verifying;
    });
}

ApiResponse getIncident(ApiCall &c)
{
    return found(c.store().incidents.find(c.id), QStringLiteral("incident"), c.id,
                 [&](const Incident &i) { return incidentJson(c, i); });
}

// components sets statuses; component_ids adds affected components at their current status.
Result<std::vector<ComponentStatusChange>> changesFor(ApiCall &c, const IncidentInput &in)
{
    std::vector<ComponentStatusChange> out;
    for (const auto &[componentId, status] : in.components)
        out.push_back({componentId, status});
    for (const QString &cid : in.componentIds) {
        const bool listed = std::any_of(out.begin(), out.end(),
                                        [&](const auto &change) { return change.componentId == cid; });
        if (listed)
            continue;
        const auto component = c.store().components.find(cid);
        if (!component)
            return Error{QStringLiteral("unknown component id \"%1\"").arg(cid)};
        out.push_back({cid, component->status});
    }
    return out;
}

Result<IncidentChange> create(ApiCall &c, const IncidentInput &in)
{
    auto changes = changesFor(c, in);
    if (!changes)
        return Error{changes.error()};
    NewIncident n;
    n.name = in.name.value_or(QString());
    // Statuspage creates an incident from its name alone: investigating, or scheduled when a window is given.
    const bool window = in.scheduledFor.isValid() || in.scheduledUntil.isValid();
    n.status = in.status.value_or(window ? IncidentStatus::Scheduled : IncidentStatus::Investigating);
    n.body = in.body.value_or(QString());
    if (n.body.trimmed().isEmpty()) // the first update needs words; Statuspage shows the status then
        n.body = QStringLiteral("%1: %2").arg(toString(n.status), n.name.trimmed());
    n.impactOverride = in.impactOverride;
    n.components = changes.value();
    n.notify = in.deliverNotifications;
    n.backfilled = in.backfilled;
    n.scheduledFor = in.scheduledFor;
    n.scheduledUntil = in.scheduledUntil;
    n.scheduledRemindPrior = in.scheduledRemindPrior.value_or(false);
    n.scheduledAutoTransition = in.scheduledAutoTransition.value_or(false);
    return IncidentService(c.ctx).create(n);
}

ApiResponse createIncident(ApiCall &c)
{
    return write(
        c, parseIncidentCreate(c.request.body), [&](const IncidentInput &in) { return create(c, in); },
        [&](const IncidentChange &created) { return answered(c, 201, created); });
}

// An update is posted (and subscribers told) for a status, a body or component changes; a rename, an
// impact override or a new window alone is an edit that notifies nobody, as on Statuspage.
Result<IncidentChange> update(ApiCall &c, const Incident &before, const IncidentInput &in)
{
    auto changes = changesFor(c, in);
    if (!changes)
        return Error{changes.error()};
    const bool hasBody = in.body && !in.body->trimmed().isEmpty();
    const bool postUpdate = in.status || hasBody || !changes->empty();
    const bool editsWindow = in.scheduledFor.isValid() || in.scheduledUntil.isValid() ||
                             in.scheduledRemindPrior || in.scheduledAutoTransition;
    IncidentService service(c.ctx);
    if (!postUpdate || editsWindow) {
        auto edited = service.edit(c.id, in); // the IncidentEdit part of the body
        if (!edited)
            return Error{edited.error()};
        if (!postUpdate)
            return IncidentChange{edited.value()};
        c.store().db().finishAll();
    }
    IncidentUpdateInput u;
    u.status = in.status.value_or(before.status);
    u.body = hasBody ? *in.body : QString();
    u.allowEmptyBody = in.status.has_value() || !changes->empty(); // a status-only update
    u.components = changes.value();
    u.impactOverride = in.impactOverride;
    u.notify = in.deliverNotifications;
    if (!editsWindow)
        u.name = in.name;
    return service.update(c.id, u);
}

ApiResponse updateIncident(ApiCall &c)
{
    const auto before = c.store().incidents.find(c.id);
    if (!before)
        return notFound(QStringLiteral("incident"), c.id);
    return write(
        c, parseIncidentUpdate(c.request.body),
        [&](const IncidentInput &in) { return update(c, *before, in); },
        [&](const IncidentChange &updated) { return answered(c, 200, updated); });
}

ApiResponse deleteIncident(ApiCall &c)
{
    if (!c.store().incidents.find(c.id))
        return notFound(QStringLiteral("incident"), c.id);
    return write(
        c, [&] { return IncidentService(c.ctx).remove(c.id); },
        [&](const Incident &removed) { return ApiResponse::json(200, incidentJson(c, removed)); });
}

ApiResponse patchIncidentUpdate(ApiCall &c)
{
    const auto incident = c.store().incidents.find(c.id);
    if (!incident)
        return notFound(QStringLiteral("incident"), c.id);
    const bool known = std::any_of(incident->updates.begin(), incident->updates.end(),
                                   [&](const IncidentUpdate &u) { return u.id == c.subId; });
    if (!known)
        return notFound(QStringLiteral("incident update"), c.subId);
    return write(
        c, parseIncidentUpdateEdit(c.request.body),
        [&](const IncidentUpdateEditInput &in) {
            return IncidentService(c.ctx).editUpdate(c.id, c.subId, in);
        },
        [&](const auto &) {
            const auto after = c.store().incidents.find(c.id);
            return ApiResponse::json(200, json::apiIncidentUpdate(c.store().page.get(), *after, c.subId));
        });
}

} // namespace

QList<Route> incidentRoutes()
{
    return {
        {"GET", "/v1/pages/{page_id}/incidents", listAll},
        {"POST", "/v1/pages/{page_id}/incidents", createIncident},
        {"GET", "/v1/pages/{page_id}/incidents/unresolved", listUnresolved},
        {"GET", "/v1/pages/{page_id}/incidents/scheduled", listScheduled},
        {"GET", "/v1/pages/{page_id}/incidents/upcoming", listUpcoming},
        {"GET", "/v1/pages/{page_id}/incidents/active_maintenance", listActiveMaintenance},
        {"GET", "/v1/pages/{page_id}/incidents/{id}", getIncident},
        {"PATCH", "/v1/pages/{page_id}/incidents/{id}", updateIncident},
        {"PUT", "/v1/pages/{page_id}/incidents/{id}", updateIncident},
        {"DELETE", "/v1/pages/{page_id}/incidents/{id}", deleteIncident},
        {"PATCH", "/v1/pages/{page_id}/incidents/{id}/incident_updates/{update_id}", patchIncidentUpdate},
        {"PUT", "/v1/pages/{page_id}/incidents/{id}/incident_updates/{update_id}", patchIncidentUpdate},
    };
}

} // namespace sd::api
