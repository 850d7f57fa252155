#pragma once

#include "app/api/apihandlers.h"
#include "models/domain.h"
#include "models/statusrules.h"
#include "models/uptime.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <optional>
#include <vector>

namespace sd {
class Store;
}

// The public Status API v2 (/api/v2/*.json), field for field as a hosted Statuspage page serves it, from the
// same roll-up the console shows. Unauthenticated, read-only, CORS open.
namespace sd::api {

// Everything the public views show, read once per request.
struct PublicSnapshot
{
    Page page;
    PageStatus status;
    std::vector<Component> components; // by group position, then position
    std::vector<ComponentGroup> groups;
    std::vector<Incident> incidents; // realtime and maintenance, newest first
    QDateTime now;
    // The last 90 days of the page's time zone from the status history (issue 22): per component with the
    // uptime showcase on, and the worst of every component for the page's own strip.
    struct History
    {
        std::vector<uptime::Day> days;
        double uptimePercentage = 100.0;
    };
    QHash<QString, History> componentHistory;
    std::vector<uptime::Day> pageDays;

    static PublicSnapshot load(Store &store, const QDateTime &now);
    QDateTime updatedAt() const; // the latest change to the page, a component or an incident
};

// Which list an incident belongs to on a Statuspage page.
bool isMaintenance(const Incident &i);
bool isUnresolvedIncident(const Incident &i);  // investigating, identified, monitoring
bool isUpcomingMaintenance(const Incident &i); // scheduled
bool isActiveMaintenance(const Incident &i);   // in_progress, verifying

namespace publicjson {
QJsonObject page(const PublicSnapshot &s);
QJsonObject status(const PublicSnapshot &s);
// Groups appear as components with "group": true and their members' ids, as Statuspage lists them.
QJsonArray components(const PublicSnapshot &s);
QJsonObject incident(const PublicSnapshot &s, const Incident &i);
} // namespace publicjson

// The answer for `request` when it is a public API path (/api/v2/...), else nullopt.
std::optional<ApiResponse> answerPublicApi(const ApiRequest &request, const PublicSnapshot &snapshot);
bool isPublicApiPath(const QString &path);
// Access-Control-Allow-Origin: * and the rest of the CORS answer, for every public API response.
void addCorsHeaders(ApiResponse &response);

} // namespace sd::api
