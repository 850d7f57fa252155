#pragma once

#include "servicecontext.h"

#include <QPair>

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

// Creates incidents and posts updates. An update, the component changes it carries and every message
// they cause commit in one transaction.
class IncidentService final
{
public:
    explicit IncidentService(ServiceContext ctx) : m_ctx(std::move(ctx)) {}
    // The operator recorded for the changes made from now on (the console's name can change while it runs).
    void setActor(const QString &actor) { m_ctx.actor = actor; }
    const QString &actor() const { return m_ctx.actor; }

    Result<IncidentChange> create(const NewIncident &input);
    Result<IncidentChange> update(const QString &id, const IncidentUpdateInput &input);
    Result<Incident> setPostmortem(const QString &id, const PostmortemInput &input);
    // The exact body a subscriber would receive for this incident right now (preview before sending).
    Result<QByteArray> preview(const QString &id, const QString &subscriberId);

private:
    Result<IncidentChange> apply(Incident incident, IncidentStatus status, const QString &body,
                                 const std::vector<ComponentStatusChange> &changes, bool notify, bool isNew);
    ServiceContext m_ctx;
};

} // namespace sd
