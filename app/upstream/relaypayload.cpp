#include "app/upstream/relaypayload.h"

#include "models/timeformat.h"

#include <QJsonArray>

namespace sd::upstream {
namespace {

QJsonObject meta(const Upstream &u, const QString &documentationUrl, const QDateTime &generatedAt)
{
    return {{QStringLiteral("unsubscribe"), QJsonValue::Null},
            {QStringLiteral("documentation"),
             documentationUrl.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(documentationUrl)},
            {QStringLiteral("generated_at"), timefmt::utc(generatedAt)},
            {QStringLiteral("source"), u.summaryUrl()}};
}

QJsonObject page(const Upstream &u, const Summary &s)
{
    return {{QStringLiteral("id"), s.pageId},
            {QStringLiteral("status_indicator"), s.indicator},
            {QStringLiteral("status_description"), s.description},
            {QStringLiteral("name"), u.name},
            {QStringLiteral("url"), u.url}};
}

// Keys a Statuspage webhook's incident always carries; the public API leaves most of them out.
void fillIncident(QJsonObject &incident, const Summary &s)
{
    const std::pair<const char *, QJsonValue> defaults[] = {
        {"backfilled", false},
        {"impact_override", QJsonValue::Null},
        {"monitoring_at", QJsonValue::Null},
        {"postmortem_body", QJsonValue::Null},
        {"postmortem_body_last_updated_at", QJsonValue::Null},
        {"postmortem_ignored", false},
        {"postmortem_notified_subscribers", false},
        {"postmortem_notified_twitter", false},
        {"postmortem_published_at", QJsonValue::Null},
        {"resolved_at", QJsonValue::Null},
        {"scheduled_auto_transition", false},
        {"scheduled_for", QJsonValue::Null},
        {"scheduled_remind_prior", false},
        {"scheduled_reminded_at", QJsonValue::Null},
        {"scheduled_until", QJsonValue::Null},
        {"shortlink", QJsonValue::Null},
        {"started_at", QJsonValue::Null},
        {"organization_id", s.pageId},
        {"page_id", s.pageId},
        {"components", QJsonArray()},
    };
    for (const auto &[key, value] : defaults) {
        const QString k = QString::fromLatin1(key);
        if (!incident.contains(k))
            incident.insert(k, value);
    }
    QJsonArray updates;
    for (const QJsonValue &v : incident.value(QLatin1String("incident_updates")).toArray()) {
        QJsonObject u = v.toObject();
        const std::pair<const char *, QJsonValue> updateDefaults[] = {
            {"twitter_updated_at", QJsonValue::Null},
            {"wants_twitter_update", false},
            {"affected_components", QJsonValue::Null},
            {"deliver_notifications", true},
        };
        for (const auto &[key, value] : updateDefaults) {
            const QString k = QString::fromLatin1(key);
            if (!u.contains(k))
                u.insert(k, value);
        }
        updates.append(u);
    }
    incident.insert(QStringLiteral("incident_updates"), updates);
}

} // namespace

QJsonObject componentRelay(const Upstream &upstream, const Summary &summary, const Change &change,
                           const QString &eventId, const QString &documentationUrl,
                           const QDateTime &generatedAt)
{
    const QJsonObject update{{QStringLiteral("created_at"), change.occurredAt.isValid()
                                                                ? timefmt::utc(change.occurredAt)
                                                                : timefmt::utc(generatedAt)},
                             {QStringLiteral("new_status"), change.newValue},
                             {QStringLiteral("old_status"), change.oldValue},
                             {QStringLiteral("id"), eventId},
                             {QStringLiteral("component_id"), change.subjectId},
                             {QStringLiteral("component_type"), QStringLiteral("Component")}};
    return {{QStringLiteral("meta"), meta(upstream, documentationUrl, generatedAt)},
            {QStringLiteral("page"), page(upstream, summary)},
            {QStringLiteral("component_update"), update},
            {QStringLiteral("component"), change.subject}};
}

QJsonObject incidentRelay(const Upstream &upstream, const Summary &summary, const Change &change,
                          const QString &documentationUrl, const QDateTime &generatedAt)
{
    QJsonObject incident = change.subject;
    fillIncident(incident, summary);
    return {{QStringLiteral("meta"), meta(upstream, documentationUrl, generatedAt)},
            {QStringLiteral("page"), page(upstream, summary)},
            {QStringLiteral("incident"), incident}};
}

} // namespace sd::upstream
