#pragma once

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

// Fields shared by creating an incident and posting an update to it. `components` sets statuses;
// `componentIds` names affected components whose status stays as it is.
struct IncidentInput
{
    std::optional<QString> name;
    std::optional<IncidentStatus> status;
    std::optional<QString> body;
    std::optional<Impact> impactOverride;
    QStringList componentIds;
    std::vector<std::pair<QString, ComponentStatus>> components;
    bool deliverNotifications = true;
    bool backfilled = false;
    QDateTime scheduledFor;
    QDateTime scheduledUntil;
    std::optional<bool> scheduledRemindPrior;
    std::optional<bool> scheduledAutoTransition;
};

struct IncidentUpdateEdit
{
    std::optional<QString> body;
    QDateTime displayAt;
    std::optional<bool> wantsTwitterUpdate;
    std::optional<bool> deliverNotifications;
};

Result<IncidentInput> parseIncidentCreate(const QByteArray &body);
Result<IncidentInput> parseIncidentUpdate(const QByteArray &body);
Result<IncidentUpdateEdit> parseIncidentUpdateEdit(const QByteArray &body);
Result<QString> parsePostmortem(const QByteArray &body); // body_draft
// PUT .../postmortem/publish: the body is optional; its documented fields (notify_*) are accepted. The
// answer is notify_subscribers (false when absent).
Result<bool> parsePostmortemPublish(const QByteArray &body);

} // namespace sd::api
