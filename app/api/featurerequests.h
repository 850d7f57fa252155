#pragma once

#include "app/services/templateservice.h"
#include "models/domain.h"
#include "models/result.h"

#include <QByteArray>
#include <optional>
#include <vector>

// Request bodies of the issue 22 routes (incident templates, incident subscribers), read by field tables
// as in apirequestparser.h: JSON or form bodies, documented fields accepted, anything else a 400. The
// uptime routes' query is read in apiqueryparser.cpp.
namespace sd::api {

// POST /incident_templates {"template": {...}} and StatusDesk's PATCH of one. Statuspage's component_ids are
// affected components (no status); StatusDesk's addition "components" ({id: status}) sets the status too.
Result<TemplateInput> parseTemplate(const QByteArray &body, bool create);

// POST /incidents/{id}/subscribers {"subscriber": {"endpoint", "email"}}: Statuspage documents email (and
// SMS) subscribers here; StatusDesk keeps webhook subscribers, so `endpoint` is its addition.
struct IncidentSubscriberInput
{
    QString endpoint;
    QString email;
};
Result<IncidentSubscriberInput> parseIncidentSubscriber(const QByteArray &body);

} // namespace sd::api
