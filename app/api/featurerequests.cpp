#include "app/api/featurerequests.h"

#include "app/api/apifields.h"
#include "app/api/apirequestparser.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>

// The issue 22 request objects as field tables, in the manner of apirequestparser.cpp: the fields in the
// order they are checked, then what spans fields in code after the table.
namespace sd::api {
namespace {

// component_ids: affected components, their status left as it is.
QString readTemplateIds(const Fields &f, const QString &key, TemplateInput &in)
{
    auto ids = f.stringList(key);
    if (!ids)
        return ids.error();
    if (!ids.value())
        return {};
    std::vector<TemplateComponent> list = in.components.value_or(std::vector<TemplateComponent>());
    for (const QString &id : std::as_const(*ids.value()))
        list.push_back({id, std::nullopt});
    in.components = list;
    return {};
}

// components: {"component id": "status"}, StatusDesk's addition; a status given here wins over the same id
// in component_ids.
QString readTemplateStatuses(const Fields &f, const QString &key, TemplateInput &in)
{
    const QJsonValue v = f.value(key);
    if (v.isUndefined() || v.isNull())
        return {};
    if (!v.isObject())
        return wrongType(f.field(key), "an object of component id to status", v).message;
    std::vector<TemplateComponent> list = in.components.value_or(std::vector<TemplateComponent>());
    const QJsonObject map = v.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString field = f.field(key + QLatin1Char('.') + it.key());
        if (!it.value().isString())
            return wrongType(field, "a component status string", it.value()).message;
        const auto status = parseComponentStatus(it.value().toString());
        if (!status)
            return QStringLiteral("%1 \"%2\" is not valid; valid values: %3")
                .arg(field, it.value().toString(), componentStatusNames().join(QStringLiteral(", ")));
        auto same = std::find_if(list.begin(), list.end(),
                                 [&](const TemplateComponent &c) { return c.componentId == it.key(); });
        if (same != list.end())
            same->status = *status;
        else
            list.push_back({it.key(), *status});
    }
    in.components = list;
    return {};
}

// Statuspage's template fields plus `components` (StatusDesk's: the status each component is set to).
const FieldTable<TemplateInput> &templateFields()
{
    using F = FieldsOf<TemplateInput>;
    static const FieldTable<TemplateInput> table{
        "name, title, body, group_id, update_status, should_tweet, should_send_notifications, component_ids, "
        "components",
        {
            F::text("name", &TemplateInput::name),
            F::text("title", &TemplateInput::title),
            F::text("body", &TemplateInput::body),
            F::text("group_id", &TemplateInput::groupId),
            F::oneOf("update_status", &TemplateInput::updateStatus, parseIncidentStatus,
                     incidentStatusNames()),
            F::flag("should_tweet", &TemplateInput::shouldTweet),
            F::flag("should_send_notifications", &TemplateInput::shouldSendNotifications),
            F::custom("component_ids", readTemplateIds),
            F::custom("components", readTemplateStatuses),
        }};
    return table;
}

// Statuspage documents email and SMS subscribers of an incident; StatusDesk's are webhooks (`endpoint`).
const FieldTable<IncidentSubscriberInput> &incidentSubscriberFields()
{
    using F = FieldsOf<IncidentSubscriberInput>;
    static const FieldTable<IncidentSubscriberInput> table{
        "email, endpoint, phone_country, phone_number, skip_confirmation_notification",
        {
            // Webhook subscribers are never sent a confirmation, so skipping it changes nothing.
            F::unusedFlags({"skip_confirmation_notification"}),
            F::custom("phone_number",
                      [](const Fields &f, const QString &key, IncidentSubscriberInput &) -> QString {
                          auto phone = f.nonEmpty(key);
                          if (!phone)
                              return phone.error();
                          if (phone.value())
                              return QStringLiteral("subscriber.phone_number: StatusDesk keeps webhook "
                                                    "subscribers only; send endpoint and email");
                          return {};
                      }),
            F::unusedTexts({"phone_country"}),
            F::text(
                "endpoint", &IncidentSubscriberInput::endpoint,
                "subscriber.endpoint is required: StatusDesk's incident subscribers are webhook endpoints"),
            F::custom("email",
                      [](const Fields &f, const QString &key, IncidentSubscriberInput &in) -> QString {
                          auto email = f.string(key);
                          if (!email)
                              return email.error();
                          in.email = email.value().value_or(QString());
                          return {};
                      }),
        }};
    return table;
}

} // namespace

Result<TemplateInput> parseTemplate(const QByteArray &body, bool create)
{
    SD_TRY(inner, envelope(body, QStringLiteral("template")));
    SD_TRY(in, templateFields().read(inner.value()));
    if (create && (!in->name || !in->title || !in->body))
        return Error{QStringLiteral("template.name, template.title and template.body are required")};
    if (!create && inner->isEmpty())
        return Error{QStringLiteral("template has nothing to change; send one of its documented fields")};
    return in;
}

Result<IncidentSubscriberInput> parseIncidentSubscriber(const QByteArray &body)
{
    SD_TRY(inner, envelope(body, QStringLiteral("subscriber")));
    SD_TRY(in, incidentSubscriberFields().read(inner.value()));
    if (in->endpoint.trimmed().isEmpty())
        return Error{QStringLiteral(
            "subscriber.endpoint is required: StatusDesk's incident subscribers are webhook endpoints")};
    return in;
}

} // namespace sd::api
