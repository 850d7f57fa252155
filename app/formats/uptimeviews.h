#pragma once

#include "models/uptime.h"

#include <QJsonObject>

namespace sd::json {

// Statuspage's ComponentUptime (group = false) and ComponentGroupUptime. related_events is a list: the
// spec's one object with one incident "id" cannot hold the several incidents its description names.
QJsonObject uptimeReport(const uptime::Report &r, bool group);

} // namespace sd::json
