#pragma once

#include "models/result.h"
#include "models/upstream.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <vector>

// A followed page as its public Status API v2 describes it (summary.json, incidents.json,
// scheduled-maintenances.json), and what changed between two reads. Pure: no network, no database.
namespace sd::upstream {

struct SummaryComponent
{
    QString id;
    QString name;
    QString status; // as served (operational, degraded_performance, ...)
    QString groupId;
    bool group = false; // a group row: never relayed, its members are
    int position = 0;
    QString updatedAt; // as served: part of a change's key
    QJsonObject json;  // the component as served
};

struct SummaryUpdate
{
    QString id;
    QString status;
    QString body;
    QDateTime createdAt;
};

struct SummaryIncident
{
    QString id;
    QString name;
    QString status; // investigating ... resolved; scheduled ... completed
    QString impact;
    bool maintenance = false; // from scheduled_maintenances
    QDateTime scheduledFor;
    QDateTime scheduledUntil;
    std::vector<SummaryUpdate> updates; // newest first, as served
    QJsonObject json;                   // the incident as served

    QString latestUpdateId() const { return updates.empty() ? QString() : updates.front().id; }
    bool isClosed() const;
};

struct Summary
{
    QString pageId;
    QString pageName;
    QString pageUrl;
    QString timeZone;
    QDateTime updatedAt;
    QString indicator; // none, minor, major, critical, maintenance
    QString description;
    std::vector<SummaryComponent> components;
    std::vector<SummaryIncident> incidents; // unresolved incidents, then upcoming and active maintenances

    const SummaryComponent *component(const QString &id) const;
    const SummaryIncident *incident(const QString &id) const;
    int countOpenIncidents() const;
};

// summary.json; an answer that is not one gets a sentence naming what is missing.
Result<Summary> parseSummary(const QByteArray &body);
// incidents.json ("incidents") or scheduled-maintenances.json ("scheduled_maintenances").
Result<std::vector<SummaryIncident>> parseIncidentList(const QByteArray &body);

// Incidents and maintenances `before` listed that `after` does not: they were resolved, completed or removed;
// their final state is in incidents.json or scheduled-maintenances.json.
std::vector<const SummaryIncident *> vanished(const Summary &before, const Summary &after);

// One change between two reads. `key` names it the same way for every poller that sees it (a component's
// status with the time it changed, an incident's latest update and status), so it is recorded once.
struct Change
{
    UpstreamEvent::Kind kind = UpstreamEvent::Kind::Component;
    QString key;
    QString subjectId;
    QString subjectName;
    QString oldValue;
    QString newValue;
    QString text;
    QDateTime occurredAt;
    QJsonObject subject; // the component or incident as it is now (a closed one: its final state)
};

// Page status first, then components in page order, then incidents and maintenances. `closed` holds the final
// state of vanished ones where incidents.json or scheduled-maintenances.json had it; one not found there is
// reported as resolved (or completed) as it was last seen.
std::vector<Change> diff(const Summary &before, const Summary &after,
                         const std::vector<SummaryIncident> &closed);

// "Partial outage" for partial_outage; an unknown status as it came.
QString statusLabel(const QString &status);

} // namespace sd::upstream
