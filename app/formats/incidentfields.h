#pragma once

#include "models/domain.h"

#include <QDateTime>

// An incident's times and flags by the names Statuspage gives them, in one place: the webhook body writes
// them from this table and the Statuspage import reads them back with it, so the two cannot disagree.
namespace sd::incidentfields {

struct Field
{
    const char *name;
    QDateTime Incident::*time = nullptr; // one of the two is set
    bool Incident::*flag = nullptr;
};

constexpr Field time(const char *name, QDateTime Incident::*m)
{
    return {name, m, nullptr};
}
constexpr Field flag(const char *name, bool Incident::*m)
{
    return {name, nullptr, m};
}

inline constexpr Field kAll[] = {
    time("created_at", &Incident::createdAt),
    time("updated_at", &Incident::updatedAt),
    time("started_at", &Incident::startedAt),
    time("monitoring_at", &Incident::monitoringAt),
    time("resolved_at", &Incident::resolvedAt),
    time("scheduled_for", &Incident::scheduledFor),
    time("scheduled_until", &Incident::scheduledUntil),
    time("scheduled_reminded_at", &Incident::scheduledRemindedAt),
    time("postmortem_body_last_updated_at", &Incident::postmortemBodyLastUpdatedAt),
    time("postmortem_published_at", &Incident::postmortemPublishedAt),
    flag("backfilled", &Incident::backfilled),
    flag("scheduled_remind_prior", &Incident::scheduledRemindPrior),
    flag("scheduled_auto_transition", &Incident::scheduledAutoTransition),
    flag("postmortem_ignored", &Incident::postmortemIgnored),
    flag("postmortem_notified_subscribers", &Incident::postmortemNotifiedSubscribers),
    flag("postmortem_notified_twitter", &Incident::postmortemNotifiedTwitter),
};

} // namespace sd::incidentfields
