#include "app/api/apiroutetable.h"

namespace sd::api {
namespace {

const QList<RouteSpec> &specs()
{
    static const QList<RouteSpec> table = [] {
        QList<RouteSpec> out;
        for (const Route &r : apiRoutes())
            out.append({QByteArray(r.method), QString::fromLatin1(r.path), r.extra});
        return out;
    }();
    return table;
}

} // namespace

const QList<Route> &apiRoutes()
{
    static const QList<Route> all = pageRoutes() + subscriberRoutes() + componentRoutes() + incidentRoutes() +
                                    postmortemRoutes() + templateRoutes() + uptimeRoutes() +
                                    incidentSubscriberRoutes();
    return all;
}

QList<RouteInfo> routeTable()
{
    return routeInfo(specs());
}

RouteMatch matchRoute(const QByteArray &method, const QString &path, const QString &pageId)
{
    return matchRoute(specs(), method, path, pageId);
}

} // namespace sd::api
