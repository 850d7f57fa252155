#include "app/api/apiroutetable.h"
#include "app/api/featurerequests.h"
#include "app/formats/uptimeviews.h"
#include "app/services/uptimereport.h"

// Uptime from the status history: /v1/pages/{page_id}/components/{id}/uptime and
// /v1/pages/{page_id}/component-groups/{id}/uptime, computed as Statuspage documents (see models/uptime.h).
namespace sd::api {
namespace {

template<typename Report> ApiResponse answer(ApiCall &c, bool group, Report &&report)
{
    const auto query = parseUptimeQuery(c.request.query);
    if (!query)
        return ApiResponse::error(400, query.error());
    UptimeReporter reporter(c.store(), c.ctx.now);
    const auto r = report(reporter, query.value());
    if (!r)
        return ApiResponse::error(422, r.error());
    return ApiResponse::json(200, json::uptimeReport(r.value(), group));
}

ApiResponse componentUptime(ApiCall &c)
{
    if (!c.store().components.find(c.id))
        return notFound(QStringLiteral("component"), c.id);
    return answer(c, false,
                  [&](UptimeReporter &r, const UptimeQuery &q) { return r.component(c.id, q.start, q.end); });
}

ApiResponse groupUptime(ApiCall &c)
{
    const auto g = c.store().components.findGroup(c.id);
    if (!g || g->id != c.id)
        return notFound(QStringLiteral("component group"), c.id);
    return answer(c, true,
                  [&](UptimeReporter &r, const UptimeQuery &q) { return r.group(c.id, q.start, q.end); });
}

} // namespace

QList<Route> uptimeRoutes()
{
    return {
        {"GET", "/v1/pages/{page_id}/components/{id}/uptime", componentUptime},
        {"GET", "/v1/pages/{page_id}/component-groups/{id}/uptime", groupUptime},
    };
}

} // namespace sd::api
