#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// Maps a method and a path under /v1/pages/{page_id}/ to one endpoint of the API, or says why not.
// Pure, so the routing table is tested and fuzzed without sockets.
namespace sd::api {

enum class Endpoint
{
    Pages,
    Page,
    Subscribers,
    SubscriberCount,
    UnsubscribedSubscribers,
    UnsubscribeSubscribers,
    ReactivateSubscribers,
    Subscriber,
    Components,
    Component,
    ComponentGroups,
    ComponentGroup,
    Incidents,
    IncidentsUnresolved,
    IncidentsScheduled,
    IncidentsUpcoming,
    IncidentsActiveMaintenance,
    Incident,
    IncidentUpdate,
    Postmortem,
    PostmortemPublish,
    PostmortemRevert,
};

struct RouteMatch
{
    enum class Outcome
    {
        Found,
        NotFound,
        WrongPage,
        MethodNotAllowed
    };
    Outcome outcome = Outcome::NotFound;
    Endpoint endpoint = Endpoint::Page;
    QString id;                // the first {id} segment, when the route has one
    QString subId;             // the second (incident_updates/{id})
    QByteArray allowedMethods; // for 405: "GET, POST"
};

// One row of the routing table, as docs/api.md's compatibility table lists it.
struct RouteInfo
{
    QString path; // e.g. /v1/pages/{page_id}/components/{id}
    QList<QByteArray> methods;
    QList<QByteArray> extraMethods; // accepted beyond Statuspage's (a client sends them)
    Endpoint endpoint;
};
QList<RouteInfo> routeTable();

bool isApiPath(const QString &path); // under /v1/
RouteMatch matchRoute(const QByteArray &method, const QString &path, const QString &pageId);

} // namespace sd::api
