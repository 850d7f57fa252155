#pragma once

#include "app/services/incidentinput.h"
#include "models/domain.h"
#include "models/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QStringList>
#include <optional>
#include <utility>
#include <vector>

// Request bodies of the incident routes (incidents, their updates, postmortems), read by field tables as in
// apirequestparser.h: JSON or form bodies, every documented field accepted, anything else a 400.
namespace sd::api {

// Fields shared by creating an incident and posting an update to it: the incident's own (IncidentEdit: name,
// impact override, maintenance window), then the update's. `components` sets statuses; `componentIds` names
// affected components whose status stays as it is.
struct IncidentInput : IncidentEdit
{
    std::optional<IncidentStatus> status;
    std::optional<QString> body;
    QStringList componentIds;
    std::vector<std::pair<QString, ComponentStatus>> components;
    bool deliverNotifications = true;
    bool backfilled = false;
};

Result<IncidentInput> parseIncidentCreate(const QByteArray &body);
Result<IncidentInput> parseIncidentUpdate(const QByteArray &body);
// An update's PATCH body reads straight into the service's IncidentUpdateEditInput.
Result<IncidentUpdateEditInput> parseIncidentUpdateEdit(const QByteArray &body);
Result<QString> parsePostmortem(const QByteArray &body); // body_draft
// PUT .../postmortem/publish: the body is optional; its documented fields (notify_*) are accepted. The
// answer is notify_subscribers (false when absent).
Result<bool> parsePostmortemPublish(const QByteArray &body);

} // namespace sd::api
