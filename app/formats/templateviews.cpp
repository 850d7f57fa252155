#include "app/formats/templateviews.h"

#include "app/formats/jsonviews.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QJsonArray>

namespace sd::json {

QJsonObject incidentTemplate(const IncidentTemplate &t, const std::vector<Component> &components,
                             const QString &pageId)
{
    QJsonArray listed;
    QJsonObject statuses;
    for (const TemplateComponent &tc : t.components) {
        statuses.insert(tc.componentId, tc.status ? QJsonValue(toString(*tc.status)) : QJsonValue());
        for (const Component &c : components)
            if (c.id == tc.componentId)
                listed.append(apiComponent(c, pageId));
    }
    return QJsonObject{
        {QStringLiteral("id"), t.id},
        {QStringLiteral("components"), listed},
        {QStringLiteral("name"), t.name},
        {QStringLiteral("title"), t.title},
        {QStringLiteral("body"), t.body},
        {QStringLiteral("group_id"), t.groupId.isEmpty() ? QJsonValue() : QJsonValue(t.groupId)},
        {QStringLiteral("update_status"), toString(t.updateStatus)},
        {QStringLiteral("should_tweet"), t.shouldTweet},
        {QStringLiteral("should_send_notifications"), t.shouldSendNotifications},
        {QStringLiteral("component_statuses"), statuses},
        {QStringLiteral("created_at"), timefmt::utc(t.createdAt)},
        {QStringLiteral("updated_at"), timefmt::utc(t.updatedAt)},
    };
}

} // namespace sd::json
