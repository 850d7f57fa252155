#include "app/formats/postmortempayload.h"

#include <QJsonArray>

namespace sd::payload {

QJsonObject postmortemEvent(QJsonObject event, const QString &updateId, const QString &body,
                            const QJsonValue &publishedAt)
{
    QJsonObject incident = event.value(QLatin1String("incident")).toObject();
    QJsonArray updates = incident.value(QLatin1String("incident_updates")).toArray();
    // The entry takes the shape of the incident's other updates (same fields), with the postmortem's values.
    QJsonObject entry = updates.isEmpty() ? QJsonObject() : updates.first().toObject();
    entry.insert(QStringLiteral("id"), updateId);
    entry.insert(QStringLiteral("status"), QStringLiteral("postmortem"));
    entry.insert(QStringLiteral("body"), body);
    entry.insert(QStringLiteral("created_at"), publishedAt);
    entry.insert(QStringLiteral("updated_at"), publishedAt);
    entry.insert(QStringLiteral("display_at"), publishedAt);
    entry.insert(QStringLiteral("incident_id"), incident.value(QLatin1String("id")));
    entry.insert(QStringLiteral("wants_twitter_update"), false);
    entry.insert(QStringLiteral("twitter_updated_at"), QJsonValue::Null);
    if (entry.contains(QLatin1String("affected_components")))
        entry.insert(QStringLiteral("affected_components"), QJsonArray());
    updates.prepend(entry);
    incident.insert(QStringLiteral("incident_updates"), updates);
    incident.insert(QStringLiteral("status"), QStringLiteral("postmortem"));
    event.insert(QStringLiteral("incident"), incident);
    return event;
}

} // namespace sd::payload
