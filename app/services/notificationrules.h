#pragma once

#include "models/domain.h"

#include <vector>

// Who hears about a change (reference: statuspage-webhooks.md, "Who is notified").
namespace sd::notify {

// Only active subscribers hear anything; a component filter narrows what they hear.
bool hearsAboutComponent(const Subscriber &s, const QString &componentId);
bool hearsAboutIncident(const Subscriber &s, const QStringList &incidentComponentIds);

std::vector<Subscriber> forComponent(const std::vector<Subscriber> &subscribers, const QString &componentId);
std::vector<Subscriber> forIncident(const std::vector<Subscriber> &subscribers, const QStringList &componentIds);

} // namespace sd::notify
