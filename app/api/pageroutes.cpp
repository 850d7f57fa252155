#include "app/api/apiroutetable.h"
#include "app/formats/jsonviews.h"
#include "app/services/pageservice.h"

// The page: /v1/pages and /v1/pages/{page_id}.
namespace sd::api {
namespace {

QJsonObject pageJson(ApiCall &c, const Page &page)
{
    return json::apiPage(page, c.ctx.currentPageStatus());
}

ApiResponse listPages(ApiCall &c)
{
    return ApiResponse::json(200, QJsonArray{pageJson(c, c.store().page.get())});
}

ApiResponse getPage(ApiCall &c)
{
    return ApiResponse::json(200, pageJson(c, c.store().page.get()));
}

ApiResponse patchPage(ApiCall &c)
{
    return write(
        c, parsePagePatch(c.request.body),
        [&](const PageInput &in) {
            PagePatch patch;
            patch.name = in.name;
            patch.url = in.url;
            patch.timeZone = in.timeZone;
            patch.allowWebhookSubscribers = in.allowWebhookSubscribers;
            return PageService(c.ctx).update(patch);
        },
        [&](const Page &saved) { return ApiResponse::json(200, pageJson(c, saved)); });
}

} // namespace

QList<Route> pageRoutes()
{
    return {
        {"GET", "/v1/pages", listPages},
        {"GET", "/v1/pages/{page_id}", getPage},
        {"PATCH", "/v1/pages/{page_id}", patchPage},
        {"PUT", "/v1/pages/{page_id}", patchPage},
    };
}

} // namespace sd::api
