#pragma once

#include "app/api/apicall.h"
#include "app/api/apiroutes.h"

// The API's routing table: every resource's routes in one list. A new resource adds its list here.
namespace sd::api {

QList<Route> pageRoutes();       // pageroutes.cpp
QList<Route> subscriberRoutes(); // subscriberroutes.cpp
QList<Route> componentRoutes();  // componentroutes.cpp: components and component groups
QList<Route> incidentRoutes();   // incidentroutes.cpp: incidents and their updates
QList<Route> postmortemRoutes(); // postmortemroutes.cpp
QList<Route> templateRoutes();   // templateroutes.cpp: incident templates
QList<Route> uptimeRoutes();     // uptimeroutes.cpp: component and group uptime
QList<Route> incidentSubscriberRoutes(); // incidentsubscriberroutes.cpp

const QList<Route> &apiRoutes();
QList<RouteInfo> routeTable(); // one entry per path, as docs/api.md's compatibility table lists them
// matchRoute() against apiRoutes(); RouteMatch::row indexes apiRoutes().
RouteMatch matchRoute(const QByteArray &method, const QString &path, const QString &pageId);

} // namespace sd::api
