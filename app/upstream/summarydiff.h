#pragma once

#include "models/upstream.h"
#include "models/upstreamsummary.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <vector>

// What changed on a followed page between two reads. Pure: no network, no database.
namespace sd::upstream {

// Incidents and maintenances `before` listed that `after` does not: they were resolved, completed or removed;
// their final state is in incidents.json or scheduled-maintenances.json.
std::vector<const SummaryIncident *> vanished(const Summary &before, const Summary &after);

// One change between two reads. `eventKey` names it the same way for every poller that sees it (a component's
// status with the time it changed, an incident's latest update and status), so it is recorded once.
struct Change : UpstreamChange
{
    QJsonObject subject; // the component or incident as it is now (a closed one: its final state)
};

// Page status first, then components in page order, then incidents and maintenances. `closed` holds the final
// state of vanished ones where incidents.json or scheduled-maintenances.json had it; one not found there is
// reported as resolved (or completed) as it was last seen.
std::vector<Change> diff(const Summary &before, const Summary &after,
                         const std::vector<SummaryIncident> &closed);

} // namespace sd::upstream
