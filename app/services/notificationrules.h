#pragma once

#include "models/domain.h"

#include <vector>

// Who hears about a change (reference: statuspage-webhooks.md, "Who is notified").
namespace sd::notify {

// Only active subscribers hear anything; a component filter narrows what they hear.
bool hearsAboutComponent(const Subscriber &s, const QString &componentId);
bool hearsAboutIncident(const Subscriber &s, const QStringList &incidentComponentIds);

std::vector<Subscriber> forComponent(const std::vector<Subscriber> &subscribers, const QString &componentId);
std::vector<Subscriber> forIncident(const std::vector<Subscriber> &subscribers,
                                    const QStringList &componentIds);

// Who hears an update of `incident`: the page's subscribers as above, plus the subscribers of that one
// incident (Statuspage's incident subscribers) while it was still open before this update, so they hear it
// up to and including the update that resolves it, and nothing of any other incident or of components.
std::vector<Subscriber> forIncidentUpdate(const std::vector<Subscriber> &subscribers,
                                          const QString &incidentId, const QStringList &componentIds,
                                          bool openBefore);

} // namespace sd::notify
