#pragma once

#include "app/services/incidentinput.h"
#include "app/services/servicecontext.h"

#include <functional>
#include <vector>

namespace sd {

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
    // Publishes the postmortem; with `notifySubscribers` (Statuspage's notify_subscribers) every subscriber
    // who hears this incident gets the incident webhook with the postmortem as its newest update.
    Result<IncidentChange> publishPostmortem(const QString &id, bool notifySubscribers);
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
    // One incident changed without an update (nobody notified): `change` edits it and returns the audit
    // line, or an error and nothing is written; the incident is stamped, stored and audited as `action`.
    Result<Incident>
    changeQuietly(const QString &id, const QString &action,
                  const std::function<Result<QString>(Incident &, const QDateTime &now)> &change);
    Result<IncidentChange> apply(Incident incident, IncidentStatus status, const QString &body,
                                 const std::vector<ComponentStatusChange> &changes, bool notify, bool isNew);
    ServiceContext m_ctx;
    QString m_fromTemplate; // of the incident being created, for its audit row
};

} // namespace sd
