#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

// Maps a method and a path to one row of a routing table, or says why none serves it. Pure (no handlers, no
// store), so the matching is tested and fuzzed without sockets; the table itself is apiRoutes()
// (app/api/apiroutetable.h).
namespace sd::api {

// One row of a routing table as the matcher sees it.
struct RouteSpec
{
    QByteArray method; // GET, POST, ...
    // The documented path, e.g. /v1/pages/{page_id}/components/{id}: a {name} segment captures one
    // segment; {page_id} must be the served page's id.
    QString path;
    bool extra = false; // accepted beyond Statuspage's documented methods (a client sends it)
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
    qsizetype row = -1;        // Found: the row of the table that serves the request
    QString pattern;           // Found or MethodNotAllowed: the matched path (RouteSpec::path)
    QString id;                // the first captured segment after the page ({id}), when the route has one
    QString subId;             // the second ({update_id})
    QByteArray allowedMethods; // for 405: "GET, POST" (documented methods first, then the extra ones)
};

// One path of the routing table with its methods, as docs/api.md's compatibility table lists it.
struct RouteInfo
{
    QString path; // e.g. /v1/pages/{page_id}/components/{id}
    QList<QByteArray> methods;
    QList<QByteArray> extraMethods; // accepted beyond Statuspage's (a client sends them)
};
QList<RouteInfo> routeInfo(const QList<RouteSpec> &table); // one entry per path, in the table's order

bool isApiPath(const QString &path); // under /v1/
// Where several paths match, literal segments win over captures (subscribers/count is never a subscriber
// id), whatever the order of the rows.
RouteMatch matchRoute(const QList<RouteSpec> &table, const QByteArray &method, const QString &path,
                      const QString &pageId);

} // namespace sd::api
