#include "app/api/apiroutetable.h"
#include "app/api/incidentrequests.h"
#include "app/formats/jsonviews.h"
#include "app/services/incidentservice.h"

// An incident's postmortem: /v1/pages/{page_id}/incidents/{id}/postmortem[/publish|/revert].
namespace sd::api {
namespace {

// Every postmortem route answers 404 for an unknown incident first, then runs `then` with it.
template<typename Then> ApiResponse withIncident(ApiCall &c, Then &&then)
{
    const auto incident = c.store().incidents.find(c.id);
    if (!incident)
        return notFound(QStringLiteral("incident"), c.id);
    return then(*incident);
}

ApiResponse answer(ApiCall &c, const Incident &i)
{
    return ApiResponse::json(200, json::apiPostmortem(c.store().page.get(), i));
}

ApiResponse getPostmortem(ApiCall &c)
{
    return withIncident(c, [&](const Incident &i) { return answer(c, i); });
}

ApiResponse putPostmortem(ApiCall &c) // the draft
{
    return withIncident(c, [&](const Incident &) {
        return write(
            c, parsePostmortem(c.request.body),
            [&](const QString &draft) {
                return IncidentService(c.ctx).setPostmortem(c.id, {draft, false});
            },
            [&](const Incident &done) { return answer(c, done); });
    });
}

ApiResponse deletePostmortem(ApiCall &c)
{
    return withIncident(c, [&](const Incident &) {
        return write(
            c, [&] { return IncidentService(c.ctx).postmortem(c.id, PostmortemAction::Delete); },
            [](const Incident &) { return ApiResponse::noContent(); });
    });
}

ApiResponse publishPostmortem(ApiCall &c)
{
    return withIncident(c, [&](const Incident &) {
        return write(
            c, parsePostmortemPublish(c.request.body),
            [&](bool notify) { return IncidentService(c.ctx).publishPostmortem(c.id, notify); },
            [&](const IncidentChange &done) {
                return queued(answer(c, done.incident), done.incidentMessages);
            });
    });
}

ApiResponse revertPostmortem(ApiCall &c)
{
    return withIncident(c, [&](const Incident &) {
        return write(
            c, [&] { return IncidentService(c.ctx).postmortem(c.id, PostmortemAction::Revert); },
            [&](const Incident &done) { return answer(c, done); });
    });
}

} // namespace

// atlassian-python-api sends POST where Statuspage documents PUT for the postmortem calls.
QList<Route> postmortemRoutes()
{
    return {
        {"GET", "/v1/pages/{page_id}/incidents/{id}/postmortem", getPostmortem},
        {"PUT", "/v1/pages/{page_id}/incidents/{id}/postmortem", putPostmortem},
        {"DELETE", "/v1/pages/{page_id}/incidents/{id}/postmortem", deletePostmortem},
        {"POST", "/v1/pages/{page_id}/incidents/{id}/postmortem", putPostmortem, true},
        {"PUT", "/v1/pages/{page_id}/incidents/{id}/postmortem/publish", publishPostmortem},
        {"POST", "/v1/pages/{page_id}/incidents/{id}/postmortem/publish", publishPostmortem, true},
        {"PUT", "/v1/pages/{page_id}/incidents/{id}/postmortem/revert", revertPostmortem},
        {"POST", "/v1/pages/{page_id}/incidents/{id}/postmortem/revert", revertPostmortem, true},
    };
}

} // namespace sd::api
