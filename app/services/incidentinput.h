#pragma once

#include "models/domain.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <optional>
#include <vector>

namespace sd {

// What IncidentService takes and gives back: an operator's new incident, update, edit or postmortem, and
// the change (or the preview of one) that came of it.
struct ComponentStatusChange
{
    QString componentId;
    ComponentStatus status = ComponentStatus::Operational;
};

// What every posted update carries, the first one (NewIncident) as well as later ones (IncidentUpdateInput).
struct IncidentPost
{
    IncidentStatus status = IncidentStatus::Investigating;
    QString body;
    std::vector<ComponentStatusChange> components;
    std::optional<Impact> impactOverride;
    bool notify = true;
};

struct NewIncident : IncidentPost
{
    QString name;
    bool backfilled = false;
    QDateTime scheduledFor;
    QDateTime scheduledUntil;
    bool scheduledRemindPrior = false;
    bool scheduledAutoTransition = false;
    QString fromTemplate; // the template it was started from (named in the audit row)
};

struct IncidentUpdateInput : IncidentPost
{
    // The API's PATCH: a status change may come without a body (Statuspage's status-only update).
    bool allowEmptyBody = false;
    std::optional<QString> name; // renamed in the same transaction
};

// Fields of an incident that change without posting an update (nobody is notified).
struct IncidentEdit
{
    std::optional<QString> name;
    std::optional<Impact> impactOverride;
    QDateTime scheduledFor; // unset: unchanged
    QDateTime scheduledUntil;
    std::optional<bool> scheduledRemindPrior;
    std::optional<bool> scheduledAutoTransition;
};

struct IncidentUpdateEditInput
{
    std::optional<QString> body;
    QDateTime displayAt; // unset: unchanged
    std::optional<bool> wantsTwitterUpdate;
    std::optional<bool> deliverNotifications;
};

enum class PostmortemAction
{
    Publish,
    Revert, // back to a draft
    Delete, // body and publication gone
};

struct PostmortemInput
{
    QString body;
    bool publish = false;
};

struct IncidentChange
{
    Incident incident;
    int incidentMessages = 0;
    int componentMessages = 0;
};

// What sending a change would do, worked out before it is sent (the dialog's "before you send").
struct SendPreview
{
    int incidentWebhooks = 0;  // subscribers who get the incident webhook
    int componentWebhooks = 0; // component webhooks, one per listening subscriber per changed component
    int subscribers = 0;       // distinct subscribers who hear anything
    // Incident updates go out as webhooks only: the email on file hears of quarantines, not incidents.
    int emails = 0;
    QByteArray incidentBody; // the incident webhook as its first recipient would get it (ids of a new
                             // incident are made again when it is sent)
    QString sampleEndpoint;  // that recipient; empty: a placeholder unsubscribe token
};

} // namespace sd
