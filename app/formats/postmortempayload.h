#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

// The incident webhook Statuspage sends when a postmortem is published with "notify subscribers" (its
// support team's answer, community.atlassian.com, "Webhook body when post mortems are created?", 2024-05-31):
// the incident body as for an update, its "status" "postmortem", and the postmortem's text as the newest
// entry of incident_updates, whose status is "postmortem" too.
namespace sd::payload {

QJsonObject postmortemEvent(QJsonObject incidentEvent, const QString &updateId, const QString &body,
                            const QJsonValue &publishedAt);

} // namespace sd::payload
