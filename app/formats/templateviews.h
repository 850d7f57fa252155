#pragma once

#include "models/domain.h"

#include <QJsonObject>
#include <vector>

namespace sd::json {

// Statuspage's IncidentTemplate (components as full component objects) plus StatusDesk's
// "component_statuses" ({component id: the status the template sets}).
QJsonObject incidentTemplate(const IncidentTemplate &t, const std::vector<Component> &components,
                             const QString &pageId);

} // namespace sd::json
