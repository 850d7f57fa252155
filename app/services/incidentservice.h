#pragma once

#include "app/services/servicecontext.h"

#include <QPair>
#include <functional>
#include <optional>
#include <vector>

namespace sd {

struct ComponentStatusChange
{
    QString componentId;
    ComponentStatus status = ComponentStatus::Operational;
};

struct NewIncident
{
    QString name;
    IncidentStatus status = IncidentStatus::Investigating;
    QString body;
    std::optional<Impact> impactOverride;
    std::vector<ComponentStatusChange> components;
    bool notify = true;
    bool backfilled = false;
    QDateTime scheduledFor;
    QDateTime scheduledUntil;
    bool scheduledRemindPrior = false;
    bool scheduledAutoTransition = false;
};

struct IncidentUpdateInput
{
    IncidentStatus status = IncidentStatus::Investigating;
    QString body;
    std::vector<ComponentStatusChange> components;
    std::optional<Impact> impactOverride;
    bool notify = true;
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

// Creates incidents and posts updates. An update, the component changes it carries and every message
// they cause commit in one transaction.
class IncidentService final
{
public:
    explicit IncidentService(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}
    // The operator recorded for the changes made from now on (the console's name can change while it runs).
    void setActor(const QString &actor) { m_ctx.actor = actor; }
    const QString &actor() const { return m_ctx.actor; }

    Result<IncidentChange> create(const NewIncident &input);
    Result<IncidentChange> update(const QString &id, const IncidentUpdateInput &input);
    Result<Incident> setPostmortem(const QString &id, const PostmortemInput &input);
    Result<Incident> postmortem(const QString &id, PostmortemAction action);
    Result<Incident> edit(const QString &id, const IncidentEdit &input);
    // Corrects a posted update's text or display time; its webhooks already went out and are not resent.
    Result<IncidentUpdate> editUpdate(const QString &incidentId, const QString &updateId,
                                      const IncidentUpdateEditInput &input);
    // Deletes the incident and its updates (Statuspage's DELETE); webhooks already queued still go out.
    Result<Incident> remove(const QString &id);
    // Before sending: the audience and the incident webhook's body, from the change made and rolled back.
    Result<SendPreview> previewCreate(const NewIncident &input);
    Result<SendPreview> previewUpdate(const QString &id, const IncidentUpdateInput &input);
    // The exact body a subscriber would receive for this incident right now (preview before sending).
    Result<QByteArray> preview(const QString &id, const QString &subscriberId);

    // Posts an update to an existing incident inside the CALLER's transaction (transactions do not nest):
    // the maintenance clock moves the row, then posts the automatic update in the same transaction.
    Result<IncidentChange> postWithinTransaction(const Incident &incident, IncidentStatus status,
                                                 const QString &body,
                                                 const std::vector<ComponentStatusChange> &changes,
                                                 bool notify)
    {
        return apply(incident, status, body, changes, notify, false);
    }

private:
    static QString checkNew(const NewIncident &input);
    static QString checkUpdate(const IncidentUpdateInput &input);
    // The change without a transaction of its own (the caller holds one).
    Result<IncidentChange> createWithin(const NewIncident &input);
    Result<IncidentChange> updateWithin(const QString &id, const IncidentUpdateInput &input);
    Result<SendPreview> rehearse(const std::function<Result<IncidentChange>()> &change, bool notify);
    Result<IncidentChange> apply(Incident incident, IncidentStatus status, const QString &body,
                                 const std::vector<ComponentStatusChange> &changes, bool notify, bool isNew);
    ServiceContext m_ctx;
};

} // namespace sd
