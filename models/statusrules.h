#pragma once

#include "models/domain.h"

#include <vector>

// The page status roll-up and incident impact rules (reference: statuspage-webhooks.md).
namespace sd {

struct PageStatus
{
    QString indicator;   // none, minor, major, critical, maintenance
    QString description; // "All Systems Operational", ...
    bool operator==(const PageStatus &o) const
    {
        return indicator == o.indicator && description == o.description;
    }
};

// Severity order used to find "the worst" status: operational < under_maintenance < degraded < partial < major.
int severity(ComponentStatus s);

// Roll-up over component statuses only (groups are never passed in; they do not count).
PageStatus rollUpComponents(const std::vector<ComponentStatus> &statuses);

// Full page status: the component roll-up, raised by every open incident to at least its impact.
PageStatus pageStatus(const std::vector<ComponentStatus> &statuses, const std::vector<Incident> &openIncidents);

// Impact an incident's affected component statuses imply (worst one wins).
Impact impactForComponentStatus(ComponentStatus s);
Impact computeImpact(const std::vector<ComponentStatus> &affected, bool scheduledMaintenance);

} // namespace sd
