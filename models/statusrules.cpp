#include "models/statusrules.h"

#include "models/values.h"

#include <algorithm>

namespace sd {
namespace {

PageStatus make(const char *indicator, const char *description)
{
    return {QString::fromLatin1(indicator), QString::fromLatin1(description)};
}

int indicatorRank(const QString &indicator)
{
    // maintenance sits just above "none": any real outage outranks it.
    static const QStringList order{QStringLiteral("none"), QStringLiteral("maintenance"), QStringLiteral("minor"),
                                   QStringLiteral("major"), QStringLiteral("critical")};
    return static_cast<int>(order.indexOf(indicator));
}

PageStatus statusForImpact(Impact impact)
{
    switch (impact) {
    case Impact::Critical:
        return make("critical", "Major System Outage");
    case Impact::Major:
        return make("major", "Partial System Outage");
    case Impact::Minor:
        return make("minor", "Minor Service Outage");
    case Impact::Maintenance:
        return make("maintenance", "Service Under Maintenance");
    case Impact::None:
        break;
    }
    return make("none", "All Systems Operational");
}

} // namespace

int severity(ComponentStatus s)
{
    switch (s) {
    case ComponentStatus::Operational:
        return 0;
    case ComponentStatus::UnderMaintenance:
        return 1;
    case ComponentStatus::DegradedPerformance:
        return 2;
    case ComponentStatus::PartialOutage:
        return 3;
    case ComponentStatus::MajorOutage:
        return 4;
    }
    return 0;
}

PageStatus rollUpComponents(const std::vector<ComponentStatus> &statuses)
{
    if (statuses.empty())
        return make("none", "All Systems Operational");
    const ComponentStatus worst = *std::max_element(
        statuses.begin(), statuses.end(), [](ComponentStatus a, ComponentStatus b) { return severity(a) < severity(b); });
    if (worst == ComponentStatus::Operational)
        return make("none", "All Systems Operational");

    // "one component" rows: the page has a single component.
    if (statuses.size() == 1) {
        switch (worst) {
        case ComponentStatus::DegradedPerformance:
            return make("minor", "Partially Degraded Service");
        case ComponentStatus::PartialOutage:
            return make("major", "Partial System Outage");
        case ComponentStatus::MajorOutage:
            return make("critical", "Major System Outage");
        case ComponentStatus::UnderMaintenance:
            return make("maintenance", "Service Under Maintenance");
        case ComponentStatus::Operational:
            break;
        }
    }

    const bool all = std::all_of(statuses.begin(), statuses.end(), [worst](ComponentStatus s) { return s == worst; });
    switch (worst) {
    case ComponentStatus::MajorOutage:
        return all ? make("critical", "Major System Outage") : make("major", "Partial System Outage");
    case ComponentStatus::PartialOutage:
        return all ? make("major", "Partial System Outage") : make("minor", "Minor Service Outage");
    case ComponentStatus::DegradedPerformance:
        return all ? make("minor", "Degraded System Service") : make("minor", "Partially Degraded Service");
    case ComponentStatus::UnderMaintenance:
        return make("maintenance", "Service Under Maintenance");
    case ComponentStatus::Operational:
        break;
    }
    return make("none", "All Systems Operational");
}

PageStatus pageStatus(const std::vector<ComponentStatus> &statuses, const std::vector<Incident> &openIncidents)
{
    PageStatus status = rollUpComponents(statuses);
    for (const Incident &incident : openIncidents) {
        if (isClosed(incident.status))
            continue;
        Impact impact = incident.impactOverride.value_or(incident.impact);
        if (isScheduledMaintenance(incident.status)) {
            // Maintenance raises the page only while it is under way.
            if (incident.status == IncidentStatus::Scheduled)
                continue;
            impact = Impact::Maintenance;
        }
        const PageStatus raised = statusForImpact(impact);
        if (indicatorRank(raised.indicator) > indicatorRank(status.indicator))
            status = raised;
    }
    return status;
}

Impact impactForComponentStatus(ComponentStatus s)
{
    switch (s) {
    case ComponentStatus::MajorOutage:
        return Impact::Critical;
    case ComponentStatus::PartialOutage:
        return Impact::Major;
    case ComponentStatus::DegradedPerformance:
        return Impact::Minor;
    case ComponentStatus::UnderMaintenance:
        return Impact::Maintenance;
    case ComponentStatus::Operational:
        break;
    }
    return Impact::None;
}

Impact computeImpact(const std::vector<ComponentStatus> &affected, bool scheduledMaintenance)
{
    if (scheduledMaintenance)
        return Impact::Maintenance;
    Impact worst = Impact::None;
    for (ComponentStatus s : affected)
        worst = std::max(worst, impactForComponentStatus(s));
    return worst;
}

} // namespace sd
