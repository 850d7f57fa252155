#pragma once

#include "models/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <vector>

// A followed page as its public Status API v2 describes it (summary.json, incidents.json,
// scheduled-maintenances.json): what the console shows and what the next read is compared with. Pure.
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

// "Partial outage" for partial_outage, "In progress" for in_progress; an unknown status as it came.
QString statusLabel(const QString &status);
QString incidentStatusText(const QString &status);

} // namespace sd::upstream
