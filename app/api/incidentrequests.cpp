#include "app/api/incidentrequests.h"

#include "app/api/apifields.h"
#include "app/api/apirequestparser.h" // readBody
#include "models/values.h"

#include <QJsonArray>

// Each request object is read by its field table, as in apirequestparser.cpp.
namespace sd::api {
namespace {

// components: {"component id": "status", ...}.
QString readComponentMap(const Fields &f, const QString &key, IncidentInput &in)
{
    const QJsonValue v = f.value(key);
    if (v.isUndefined() || v.isNull())
        return {};
    // Clients that model components as a list (the Go SDK) send an empty one when they set none.
    if (v.isArray() && v.toArray().isEmpty())
        return {};
    if (!v.isObject())
        return wrongType(f.field(key), "an object of component id to status", v).message;
    const QJsonObject map = v.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString field = f.field(key + QLatin1Char('.') + it.key());
        if (!it.value().isString())
            return wrongType(field, "a component status string", it.value()).message;
        auto status = parseComponentStatus(it.value().toString());
        if (!status)
            return QStringLiteral("%1 \"%2\" is not valid; valid values: %3")
                .arg(field, it.value().toString(), componentStatusNames().join(QStringLiteral(", ")));
        in.components.emplace_back(it.key(), *status);
    }
    return {};
}

// Statuspage documents the same fields for creating (POST) and editing (PATCH/PUT) an incident; only a new
// one needs a name.
FieldTable<IncidentInput> incidentFields(bool create)
{
    using F = FieldsOf<IncidentInput>;
    return {
        "name, status, impact_override, scheduled_for, scheduled_until, scheduled_remind_prior, "
        "reminder_intervals, metadata, deliver_notifications, backfill_date, backfilled, body, components, "
        "component_ids, scheduled_auto_transition, scheduled_auto_in_progress, scheduled_auto_completed, "
        "auto_transition_to_maintenance_state, auto_transition_to_operational_state, "
        "auto_transition_deliver_notifications_at_start, auto_transition_deliver_notifications_at_end, "
        "auto_tweet_at_beginning, auto_tweet_on_completion, auto_tweet_on_creation, "
        "auto_tweet_one_hour_before",
        {
            F::unusedFlags({"auto_transition_to_maintenance_state", "auto_transition_to_operational_state",
                            "auto_transition_deliver_notifications_at_start",
                            "auto_transition_deliver_notifications_at_end", "auto_tweet_at_beginning",
                            "auto_tweet_on_completion", "auto_tweet_on_creation",
                            "auto_tweet_one_hour_before"}),
            F::unusedTexts({"reminder_intervals", "backfill_date"}),
            F::unusedObject("metadata"),
            F::custom("name",
                      [create](const Fields &f, const QString &key, IncidentInput &in) -> QString {
                          auto name = f.string(key);
                          if (!name)
                              return name.error();
                          in.name = name.value();
                          if (create && (!in.name || in.name->trimmed().isEmpty()))
                              return QStringLiteral("incident.name is required");
                          return {};
                      }),
            F::oneOf("status", &IncidentInput::status, parseIncidentStatus, incidentStatusNames()),
            F::text("body", &IncidentInput::body),
            F::oneOf<Impact>("impact_override", &IncidentInput::impactOverride, parseImpact, impactNames()),
            F::ids("component_ids", &IncidentInput::componentIds),
            F::custom("components", readComponentMap),
            F::flag("deliver_notifications", &IncidentInput::deliverNotifications, true),
            F::flag("backfilled", &IncidentInput::backfilled, false),
            F::time("scheduled_for", &IncidentInput::scheduledFor),
            F::time("scheduled_until", &IncidentInput::scheduledUntil),
            F::flag("scheduled_remind_prior", &IncidentInput::scheduledRemindPrior),
            F::flag("scheduled_auto_transition", &IncidentInput::scheduledAutoTransition),
            // Read into scheduled_auto_transition after the table.
            F::unusedFlags({"scheduled_auto_in_progress", "scheduled_auto_completed"}),
        }};
}

Result<IncidentInput> parseIncident(const QByteArray &body, bool create)
{
    static const FieldTable<IncidentInput> createTable = incidentFields(true);
    static const FieldTable<IncidentInput> updateTable = incidentFields(false);
    SD_TRY(inner, envelope(body, QStringLiteral("incident")));
    const Fields &f = inner.value();
    SD_TRY(read, (create ? createTable : updateTable).read(f));
    IncidentInput in = read.value();
    // Statuspage's two switches map onto our one flag (the engines' clock opens and closes a window
    // automatically, or neither): accepted when they agree with each other and with
    // scheduled_auto_transition, refused with one sentence when they do not.
    const std::optional<bool> autoStart = f.boolean(QStringLiteral("scheduled_auto_in_progress")).value();
    const std::optional<bool> autoEnd = f.boolean(QStringLiteral("scheduled_auto_completed")).value();
    if (autoStart && autoEnd && *autoStart != *autoEnd)
        return Error{QStringLiteral(
            "incident.scheduled_auto_in_progress and incident.scheduled_auto_completed must be the same: "
            "StatusDesk starts and completes a maintenance automatically together, or neither")};
    if (const std::optional<bool> both = autoStart ? autoStart : autoEnd) {
        if (in.scheduledAutoTransition && *in.scheduledAutoTransition != *both)
            return Error{QStringLiteral("incident.scheduled_auto_transition contradicts "
                                        "incident.scheduled_auto_in_progress/scheduled_auto_completed")};
        in.scheduledAutoTransition = both;
    }
    const bool postsUpdate = in.status || (in.body && !in.body->trimmed().isEmpty()) ||
                             !in.components.empty() || !in.componentIds.isEmpty();
    const bool editsWindow = in.scheduledFor.isValid() || in.scheduledUntil.isValid() ||
                             in.scheduledRemindPrior || in.scheduledAutoTransition;
    if (!create && !postsUpdate && !editsWindow && !in.name && !in.impactOverride)
        return Error{
            QStringLiteral("incident has nothing to change; send a status, a body, components, a name "
                           "or an impact_override")};
    return in;
}

const FieldTable<IncidentUpdateEditInput> &incidentUpdateFields()
{
    using F = FieldsOf<IncidentUpdateEditInput>;
    static const FieldTable<IncidentUpdateEditInput> table{
        "wants_twitter_update, body, display_at, deliver_notifications",
        {
            F::text("body", &IncidentUpdateEditInput::body),
            F::time("display_at", &IncidentUpdateEditInput::displayAt),
            F::flag("wants_twitter_update", &IncidentUpdateEditInput::wantsTwitterUpdate),
            F::flag("deliver_notifications", &IncidentUpdateEditInput::deliverNotifications),
        }};
    return table;
}

struct PostmortemDraft
{
    QString body;
};

const FieldTable<PostmortemDraft> &postmortemFields()
{
    using F = FieldsOf<PostmortemDraft>;
    static const FieldTable<PostmortemDraft> table{
        "body_draft", {F::text("body_draft", &PostmortemDraft::body, "postmortem.body_draft is required")}};
    return table;
}

struct PostmortemPublish
{
    bool notifySubscribers = false;
};

const FieldTable<PostmortemPublish> &postmortemPublishFields()
{
    // notify_subscribers sends the incident webhook with the postmortem (issue 22); the Twitter fields are
    // accepted and ignored.
    using F = FieldsOf<PostmortemPublish>;
    static const FieldTable<PostmortemPublish> table{
        "notify_twitter, notify_subscribers, custom_tweet",
        {F::unusedFlags({"notify_twitter"}),
         F::flag("notify_subscribers", &PostmortemPublish::notifySubscribers, false),
         F::unusedTexts({"custom_tweet"})}};
    return table;
}

} // namespace

Result<IncidentInput> parseIncidentCreate(const QByteArray &body)
{
    return parseIncident(body, true);
}

Result<IncidentInput> parseIncidentUpdate(const QByteArray &body)
{
    return parseIncident(body, false);
}

Result<IncidentUpdateEditInput> parseIncidentUpdateEdit(const QByteArray &body)
{
    SD_TRY(inner, envelope(body, QStringLiteral("incident_update")));
    SD_TRY(in, incidentUpdateFields().read(inner.value()));
    if (inner->isEmpty())
        return Error{QStringLiteral("incident_update has nothing to change; send body or display_at")};
    return in;
}

Result<QString> parsePostmortem(const QByteArray &body)
{
    SD_TRY(inner, envelope(body, QStringLiteral("postmortem")));
    SD_TRY(draft, postmortemFields().read(inner.value()));
    return draft->body;
}

Result<bool> parsePostmortemPublish(const QByteArray &body)
{
    SD_TRY(parsed, readBody(body));
    if (parsed->top.isEmpty())
        return false;
    SD_TRY(inner, envelope(body, QStringLiteral("postmortem")));
    SD_TRY(read, postmortemPublishFields().read(inner.value()));
    return read->notifySubscribers;
}

} // namespace sd::api
