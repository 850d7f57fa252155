#include "jsonviews.h"

#include "endpointurl.h"
#include "timeformat.h"
#include "values.h"
#include "webhookpayload.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace sd::json {
namespace {
QJsonValue orNull(const QString &s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }
} // namespace

QJsonObject page(const Page &p, const PageStatus &status)
{
    return {{QStringLiteral("id"), p.id},
            {QStringLiteral("name"), p.name},
            {QStringLiteral("url"), p.url},
            {QStringLiteral("time_zone"), p.timeZone},
            {QStringLiteral("documentation"), p.documentationUrl},
            {QStringLiteral("allow_webhook_subscribers"), p.allowWebhookSubscribers},
            {QStringLiteral("status_indicator"), status.indicator},
            {QStringLiteral("status_description"), status.description},
            {QStringLiteral("created_at"), timefmt::utc(p.createdAt)},
            {QStringLiteral("updated_at"), timefmt::utc(p.updatedAt)}};
}

QJsonObject component(const Component &c, const QString &pageId, const QString &groupName)
{
    QJsonObject o = payload::componentObject(c, pageId);
    o.insert(QStringLiteral("group_name"), orNull(groupName));
    return o;
}

QJsonObject subscriber(const Subscriber &s, bool includeSecret)
{
    QJsonObject o{{QStringLiteral("id"), s.id},
                  {QStringLiteral("mode"), QStringLiteral("webhook")},
                  {QStringLiteral("endpoint"), endpointurl::redacted(s.endpoint)},
                  {QStringLiteral("email"), s.email},
                  {QStringLiteral("components"), QJsonArray::fromStringList(s.componentIds)},
                  {QStringLiteral("state"), toString(s.state)},
                  {QStringLiteral("signed"), !s.secret.isEmpty()},
                  {QStringLiteral("created_at"), timefmt::utc(s.createdAt)},
                  {QStringLiteral("quarantined_at"), timefmt::utc(s.quarantinedAt)},
                  {QStringLiteral("purge_at"), timefmt::utc(s.purgeAt)}};
    if (includeSecret)
        o.insert(QStringLiteral("secret"), orNull(s.secret));
    return o;
}

QJsonObject incident(const Page &page, const Incident &i, const std::vector<Component> &components)
{
    return payload::incidentObject(page, i, components);
}

QJsonObject incidentWithActors(const Page &page, const Incident &i, const std::vector<Component> &components)
{
    QJsonObject o = incident(page, i, components);
    QHash<QString, QString> actors;
    for (const IncidentUpdate &u : i.updates)
        actors.insert(u.id, u.actor);
    QJsonArray updates = o.value(QLatin1String("incident_updates")).toArray();
    for (qsizetype n = 0; n < updates.size(); ++n) {
        QJsonObject u = updates.at(n).toObject();
        u.insert(QStringLiteral("actor"), orNull(actors.value(u.value(QLatin1String("id")).toString())));
        updates.replace(n, u);
    }
    o.insert(QStringLiteral("incident_updates"), updates);
    return o;
}

QJsonObject message(const Message &m)
{
    return {{QStringLiteral("id"), m.id},
            {QStringLiteral("subscriber_id"), m.subscriberId},
            {QStringLiteral("endpoint"), endpointurl::redacted(m.endpoint)},
            {QStringLiteral("event"), toString(m.kind)},
            {QStringLiteral("subject_id"), m.subjectId},
            {QStringLiteral("subject_name"), m.subjectName},
            {QStringLiteral("event_id"), m.eventId},
            {QStringLiteral("state"), toString(m.state)},
            {QStringLiteral("attempts"), m.attempts},
            {QStringLiteral("created_at"), timefmt::utc(m.createdAt)},
            {QStringLiteral("next_attempt_at"), timefmt::utc(m.nextAttemptAt)},
            {QStringLiteral("last_http_status"), m.lastHttpStatus},
            {QStringLiteral("last_error_class"), orNull(m.lastErrorClass)},
            {QStringLiteral("last_error"), orNull(m.lastError)},
            {QStringLiteral("last_duration_ms"),
             m.lastDurationMs < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(m.lastDurationMs)}};
}

QJsonObject attempt(const Attempt &a)
{
    return {{QStringLiteral("id"), a.id},
            {QStringLiteral("message_id"), a.messageId},
            {QStringLiteral("subscriber_id"), a.subscriberId},
            {QStringLiteral("endpoint"), endpointurl::redacted(a.endpoint)},
            {QStringLiteral("attempt"), a.attemptNumber},
            {QStringLiteral("trigger"), toString(a.trigger)},
            {QStringLiteral("started_at"), timefmt::utc(a.startedAt)},
            {QStringLiteral("ended_at"), timefmt::utc(a.endedAt)},
            {QStringLiteral("duration_ms"), a.durationMs},
            {QStringLiteral("http_status"), a.httpStatus},
            {QStringLiteral("error_class"), orNull(a.errorClass)},
            {QStringLiteral("error"), orNull(a.errorText)},
            {QStringLiteral("request_headers"), QJsonDocument::fromJson(a.requestHeaders).object()},
            {QStringLiteral("response_headers"), QJsonDocument::fromJson(a.responseHeaders).object()},
            {QStringLiteral("response_body"), QString::fromUtf8(a.responseBody)},
            {QStringLiteral("next_attempt_at"), timefmt::utc(a.nextAttemptAt)},
            {QStringLiteral("actor"), orNull(a.actor)}};
}

QJsonObject auditEntry(const AuditEntry &e)
{
    return {{QStringLiteral("id"), e.id},
            {QStringLiteral("at"), timefmt::utc(e.at)},
            {QStringLiteral("actor"), e.actor},
            {QStringLiteral("action"), e.action},
            {QStringLiteral("subject_kind"), e.subjectKind},
            {QStringLiteral("subject_id"), orNull(e.subjectId)},
            {QStringLiteral("detail"), e.detail}};
}

} // namespace sd::json
