#include "app/formats/jsonviews.h"

#include "app/formats/webhookpayload.h"
#include "models/endpointurl.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace sd::json {
namespace {
QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}
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

QJsonObject apiPage(const Page &p, const PageStatus &status)
{
    QJsonObject o = page(p, status);
    static const char *const unheldStrings[] = {"page_description",
                                                "headline",
                                                "subdomain",
                                                "domain",
                                                "support_url",
                                                "notifications_from_email",
                                                "notifications_email_footer",
                                                "twitter_username",
                                                "ip_restrictions",
                                                "city",
                                                "state",
                                                "country",
                                                "css_body_background_color",
                                                "css_font_color",
                                                "css_light_font_color",
                                                "css_greens",
                                                "css_yellows",
                                                "css_oranges",
                                                "css_blues",
                                                "css_reds",
                                                "css_border_color",
                                                "css_graph_color",
                                                "css_link_color",
                                                "css_no_data",
                                                "favicon_logo",
                                                "transactional_logo",
                                                "hero_cover",
                                                "email_logo",
                                                "twitter_logo"};
    for (const char *key : unheldStrings)
        o.insert(QLatin1String(key), QJsonValue::Null);
    // What StatusDesk is: a public page with webhook subscribers only.
    o.insert(QStringLiteral("branding"), QStringLiteral("basic"));
    o.insert(QStringLiteral("hidden_from_search"), false);
    o.insert(QStringLiteral("viewers_must_be_team_members"), false);
    o.insert(QStringLiteral("allow_page_subscribers"), true);
    o.insert(QStringLiteral("allow_incident_subscribers"), false);
    o.insert(QStringLiteral("allow_email_subscribers"), false);
    o.insert(QStringLiteral("allow_sms_subscribers"), false);
    o.insert(QStringLiteral("allow_rss_atom_feeds"), QJsonValue::Null);
    o.insert(QStringLiteral("activity_score"), 0);
    return o;
}

QJsonObject apiComponent(const Component &c, const QString &pageId, const QString &groupName)
{
    QJsonObject o = component(c, pageId, groupName);
    o.insert(QStringLiteral("only_show_if_degraded"), c.onlyShowIfDegraded);
    o.insert(QStringLiteral("start_date"), c.startDate.isValid()
                                               ? QJsonValue(c.startDate.toString(Qt::ISODate))
                                               : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("automation_email"), QJsonValue::Null);
    return o;
}

QJsonObject apiComponentGroup(const ComponentGroup &g, const QString &pageId, const QStringList &componentIds)
{
    return {{QStringLiteral("id"), g.id},
            {QStringLiteral("page_id"), pageId},
            {QStringLiteral("name"), g.name},
            {QStringLiteral("description"), orNull(g.description)},
            {QStringLiteral("components"), QJsonArray::fromStringList(componentIds)},
            {QStringLiteral("position"), g.position},
            {QStringLiteral("created_at"), timefmt::utc(g.createdAt)},
            {QStringLiteral("updated_at"), timefmt::utc(g.updatedAt)}};
}

QJsonObject apiIncident(const Page &page, const Incident &i, const std::vector<Component> &components)
{
    QJsonObject o = incident(page, i, components);
    QJsonArray list;
    for (const Component &c : components) {
        if (i.componentIds.contains(c.id))
            list.append(apiComponent(c, page.id));
    }
    o.insert(QStringLiteral("components"), list);
    o.insert(QStringLiteral("metadata"), QJsonObject());
    o.insert(QStringLiteral("reminder_intervals"), QJsonValue::Null);
    o.insert(QStringLiteral("scheduled_auto_in_progress"), i.scheduledAutoTransition);
    o.insert(QStringLiteral("scheduled_auto_completed"), i.scheduledAutoTransition);
    o.insert(QStringLiteral("auto_transition_to_maintenance_state"), false);
    o.insert(QStringLiteral("auto_transition_to_operational_state"), false);
    o.insert(QStringLiteral("auto_transition_deliver_notifications_at_start"), false);
    o.insert(QStringLiteral("auto_transition_deliver_notifications_at_end"), false);
    QJsonArray updates = o.value(QLatin1String("incident_updates")).toArray();
    for (qsizetype n = 0; n < updates.size(); ++n) {
        QJsonObject u = updates.at(n).toObject();
        u.insert(QStringLiteral("custom_tweet"), QJsonValue::Null);
        u.insert(QStringLiteral("tweet_id"), QJsonValue::Null);
        updates.replace(n, u);
    }
    o.insert(QStringLiteral("incident_updates"), updates);
    return o;
}

QJsonObject apiIncidentUpdate(const Page &page, const Incident &i, const QString &updateId)
{
    const QJsonArray updates = apiIncident(page, i, {}).value(QLatin1String("incident_updates")).toArray();
    for (const QJsonValue &u : updates) {
        if (u.toObject().value(QLatin1String("id")).toString() == updateId)
            return u.toObject();
    }
    return {};
}

QJsonObject apiPostmortem(const Page &page, const Incident &i)
{
    const QString &tz = page.timeZone;
    const bool published = i.postmortemPublishedAt.isValid();
    const QJsonValue updated = timefmt::inZone(i.postmortemBodyLastUpdatedAt, tz);
    return {{QStringLiteral("preview_key"), QJsonValue::Null},
            {QStringLiteral("body"), published ? orNull(i.postmortemBody) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("body_updated_at"), published ? updated : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("body_draft"), orNull(i.postmortemBody)},
            {QStringLiteral("body_draft_updated_at"), updated},
            {QStringLiteral("published_at"), timefmt::inZone(i.postmortemPublishedAt, tz)},
            {QStringLiteral("notify_subscribers"), i.postmortemNotifiedSubscribers},
            {QStringLiteral("notify_twitter"), i.postmortemNotifiedTwitter},
            {QStringLiteral("custom_tweet"), QJsonValue::Null},
            {QStringLiteral("created_at"), timefmt::inZone(i.postmortemBodyLastUpdatedAt, tz)},
            {QStringLiteral("updated_at"), updated}};
}

QJsonObject apiSubscriber(const Subscriber &s)
{
    QJsonObject o = subscriber(s);
    // Webhook subscribers are never asked to confirm.
    o.insert(QStringLiteral("skip_confirmation_notification"), true);
    static const char *const unheld[] = {"phone_number",         "phone_country",
                                         "display_phone_number", "obfuscated_channel_name",
                                         "workspace_name",       "page_access_user_id"};
    for (const char *key : unheld)
        o.insert(QLatin1String(key), QJsonValue::Null);
    return o;
}

} // namespace sd::json
