#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

// Maps a method and a path under /v1/pages/{page_id}/ to one endpoint of the API, or says why not.
// Pure, so the routing table is tested and fuzzed without sockets.
namespace sd::api {

enum class Endpoint
{
    Page,
    Subscribers,
    ReactivateSubscribers,
    Subscriber,
    Components,
    Component,
    Incidents,
    Incident,
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
    QString id;                // the {id} segment, when the route has one
    QByteArray allowedMethods; // for 405: "GET, POST"
};

bool isApiPath(const QString &path); // under /v1/
RouteMatch matchRoute(const QByteArray &method, const QString &path, const QString &pageId);

} // namespace sd::api
