#include "app/api/apiroutetable.h"
#include "app/api/featurerequests.h"
#include "app/formats/templateviews.h"
#include "app/services/templateservice.h"

// Incident templates: /v1/pages/{page_id}/incident_templates (GET and POST as Statuspage documents them;
// PATCH, PUT and DELETE of one template are StatusDesk's additions in the same shape).
namespace sd::api {
namespace {

QJsonObject templateJson(ApiCall &c, const IncidentTemplate &t)
{
    return json::incidentTemplate(t, c.store().components.all(), c.store().page.get().id);
}

// {id} is an id here (the service also takes a name).
std::optional<IncidentTemplate> byId(ApiCall &c)
{
    auto t = c.store().templates.find(c.id);
    if (t && t->id != c.id)
        return std::nullopt;
    return t;
}

ApiResponse listTemplates(ApiCall &c)
{
    return listed(parsePaging(c.request.query), c.store().templates.all(),
                  [&](const IncidentTemplate &t) { return templateJson(c, t); });
}

ApiResponse createTemplate(ApiCall &c)
{
    return write(
        c, parseTemplate(c.request.body, true),
        [&](const TemplateInput &in) { return TemplateService(c.ctx).add(in); },
        [&](const IncidentTemplate &t) { return ApiResponse::json(201, templateJson(c, t)); });
}

ApiResponse getTemplate(ApiCall &c)
{
    return found(byId(c), QStringLiteral("incident template"), c.id,
                 [&](const IncidentTemplate &t) { return templateJson(c, t); });
}

ApiResponse patchTemplate(ApiCall &c)
{
    if (!byId(c))
        return notFound(QStringLiteral("incident template"), c.id);
    return write(
        c, parseTemplate(c.request.body, false),
        [&](const TemplateInput &in) { return TemplateService(c.ctx).edit(c.id, in); },
        [&](const IncidentTemplate &t) { return ApiResponse::json(200, templateJson(c, t)); });
}

ApiResponse deleteTemplate(ApiCall &c)
{
    if (!byId(c))
        return notFound(QStringLiteral("incident template"), c.id);
    return write(
        c, [&] { return TemplateService(c.ctx).remove(c.id); },
        [&](const IncidentTemplate &t) { return ApiResponse::json(200, templateJson(c, t)); });
}

} // namespace

QList<Route> templateRoutes()
{
    return {
        {"GET", "/v1/pages/{page_id}/incident_templates", listTemplates},
        {"POST", "/v1/pages/{page_id}/incident_templates", createTemplate},
        {"GET", "/v1/pages/{page_id}/incident_templates/{id}", getTemplate, true},
        {"PATCH", "/v1/pages/{page_id}/incident_templates/{id}", patchTemplate, true},
        {"PUT", "/v1/pages/{page_id}/incident_templates/{id}", patchTemplate, true},
        {"DELETE", "/v1/pages/{page_id}/incident_templates/{id}", deleteTemplate, true},
    };
}

} // namespace sd::api
