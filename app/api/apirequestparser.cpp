#include "app/api/apirequestparser.h"

#include "app/api/apifields.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>

// Each request object is read by its field table: the fields in the order they are checked, then what
// spans fields (required ones, "nothing to change") in code after it. The documented list is Statuspage's
// order, which the message for an unknown field quotes.
namespace sd::api {
namespace {

// ---- subscribers ----

const FieldTable<SubscriberInput> &subscriberFields()
{
    using F = FieldsOf<SubscriberInput>;
    static const FieldTable<SubscriberInput> table{
        "email, endpoint, phone_country, phone_number, skip_confirmation_notification, page_access_user, "
        "component_ids",
        {
            // Webhook subscribers are never sent a confirmation, so skipping it changes nothing.
            F::unusedFlags({"skip_confirmation_notification"}),
            F::unusedTexts({"page_access_user", "phone_country"}),
            F::custom("phone_number",
                      [](const Fields &f, const QString &key, SubscriberInput &) -> QString {
                          auto phone = f.nonEmpty(key);
                          if (!phone)
                              return phone.error();
                          if (phone.value())
                              return QStringLiteral(
                                  "subscriber.phone_number: StatusDesk has webhook subscribers "
                                  "only; send endpoint and email");
                          return {};
                      }),
            F::text("endpoint", &SubscriberInput::endpoint, "subscriber.endpoint is required"),
            F::text("email", &SubscriberInput::email,
                    "subscriber.email is required (failure notices go there)"),
            F::ids("component_ids", &SubscriberInput::componentIds),
        }};
    return table;
}

const FieldTable<SubscriberPatchInput> &subscriberPatchFields()
{
    using F = FieldsOf<SubscriberPatchInput>;
    static const FieldTable<SubscriberPatchInput> table{
        "component_ids", {F::ids("component_ids", &SubscriberPatchInput::componentIds)}};
    return table;
}

// "subscribers": a comma-separated string, a list of ids or "all"; each id trimmed and kept once.
QString readBulkIds(const Fields &f, const QString &key, BulkSubscribers &out)
{
    const QJsonValue v = f.value(key);
    QStringList ids;
    if (v.isString()) {
        if (v.toString().trimmed() == QLatin1String("all")) {
            out.all = true;
            return {};
        }
        ids = v.toString().split(QLatin1Char(','));
    } else if (v.isArray()) {
        const QJsonArray array = v.toArray();
        for (const QJsonValue &item : array) {
            if (!item.isString())
                return wrongType(QStringLiteral("subscribers[]"), "a string", item).message;
            ids << item.toString();
        }
    } else if (v.isUndefined()) {
        return QStringLiteral("missing \"subscribers\": a comma-separated string, a list of ids or \"all\"");
    } else {
        return wrongType(key, "a comma-separated string, a list of ids or \"all\"", v).message;
    }
    for (const QString &id : std::as_const(ids)) {
        const QString trimmed = id.trimmed();
        if (!trimmed.isEmpty() && !out.ids.contains(trimmed))
            out.ids << trimmed;
    }
    if (out.ids.isEmpty())
        return QStringLiteral("subscribers lists no ids");
    if (out.ids.size() > kMaxPerPage)
        return QStringLiteral("subscribers lists %1 ids; at most %2 at a time (or \"all\")")
            .arg(out.ids.size())
            .arg(kMaxPerPage);
    return {};
}

QString readBulkType(const Fields &f, const QString &key, BulkSubscribers &)
{
    auto type = f.nonEmpty(key);
    if (!type)
        return type.error();
    if (type.value() && *type.value() != QLatin1String("webhook"))
        return QStringLiteral("type must be \"webhook\" (the only subscriber type)");
    return {};
}

// unsubscribe's "state" filter with "all": active, quarantined or all (nullopt: every live one).
QString readBulkState(const Fields &f, const QString &key, BulkSubscribers &out)
{
    auto state = f.nonEmpty(key);
    if (!state)
        return state.error();
    if (!state.value() || *state.value() == QLatin1String("all"))
        return {};
    auto s = parseSubscriberState(*state.value());
    if (!s || *s == SubscriberState::Unsubscribed)
        return QStringLiteral("state \"%1\" is not valid; valid values: active, quarantined, all")
            .arg(*state.value());
    out.state = *s;
    return {};
}

const FieldTable<BulkSubscribers> &bulkFields(bool unsubscribe)
{
    using F = FieldsOf<BulkSubscribers>;
    static const FieldTable<BulkSubscribers> reactivate{
        "subscribers, type", {F::custom("type", readBulkType), F::custom("subscribers", readBulkIds)}};
    static const FieldTable<BulkSubscribers> unsubscribeTable{
        "subscribers, type, state, skip_unsubscription_notification",
        {
            F::custom("type", readBulkType),
            // Nobody is told of an unsubscription made through the API: skipping the notice changes nothing.
            F::unusedFlags({"skip_unsubscription_notification"}),
            F::custom("state", readBulkState),
            F::custom("subscribers", readBulkIds),
        }};
    return unsubscribe ? unsubscribeTable : reactivate;
}

// ---- the page ----

const FieldTable<PageInput> &pageFields()
{
    using F = FieldsOf<PageInput>;
    static const FieldTable<PageInput> table{
        "name, url, time_zone, allow_webhook_subscribers, hidden_from_search, viewers_must_be_team_members, "
        "allow_page_subscribers, allow_incident_subscribers, allow_email_subscribers, allow_sms_subscribers, "
        "allow_rss_atom_feeds, domain, subdomain, branding, css_body_background_color, css_font_color, "
        "css_light_font_color, css_greens, css_yellows, css_oranges, css_reds, css_blues, css_border_color, "
        "css_graph_color, css_link_color, css_no_data, notifications_from_email, notifications_email_footer",
        {
            F::unusedFlags({"hidden_from_search", "viewers_must_be_team_members", "allow_page_subscribers",
                            "allow_incident_subscribers", "allow_email_subscribers", "allow_sms_subscribers",
                            "allow_rss_atom_feeds"}),
            F::unusedTexts({"domain", "subdomain", "branding", "css_body_background_color", "css_font_color",
                            "css_light_font_color", "css_greens", "css_yellows", "css_oranges", "css_reds",
                            "css_blues", "css_border_color", "css_graph_color", "css_link_color",
                            "css_no_data", "notifications_from_email", "notifications_email_footer"}),
            F::text("name", &PageInput::name),
            F::text("url", &PageInput::url),
            F::optionalText("time_zone", &PageInput::timeZone),
            F::flag("allow_webhook_subscribers", &PageInput::allowWebhookSubscribers),
        }};
    return table;
}

// ---- components and groups ----

const FieldTable<ComponentPatch> &componentFields()
{
    using F = FieldsOf<ComponentPatch>;
    static const FieldTable<ComponentPatch> table{
        "description, status, name, only_show_if_degraded, group_id, showcase, start_date",
        {
            F::oneOf("status", &ComponentPatch::status, parseComponentStatus, componentStatusNames()),
            F::text("name", &ComponentPatch::name),
            F::text("description", &ComponentPatch::description),
            F::custom("group_id",
                      [](const Fields &f, const QString &key, ComponentPatch &in) -> QString {
                          if (!f.has(key))
                              return {};
                          auto group = f.string(key);
                          if (!group)
                              return group.error();
                          in.group =
                              group.value().value_or(QString()).trimmed(); // null or "": out of its group
                          return {};
                      }),
            F::flag("showcase", &ComponentPatch::showcase),
            F::flag("only_show_if_degraded", &ComponentPatch::onlyShowIfDegraded),
            F::date("start_date", &ComponentPatch::startDate),
        }};
    return table;
}

Result<ComponentPatch> parseComponent(const QByteArray &body, bool create)
{
    SD_TRY(inner, envelope(body, QStringLiteral("component")));
    SD_TRY(in, componentFields().read(inner.value()));
    if (create && (!in->name || in->name->trimmed().isEmpty()))
        return Error{QStringLiteral("component.name is required")};
    if (!create && inner->isEmpty())
        return Error{QStringLiteral("component has nothing to change; send one of its documented fields")};
    return in;
}

const FieldTable<GroupInput> &groupFields()
{
    using F = FieldsOf<GroupInput>;
    static const FieldTable<GroupInput> table{
        "components, name, description",
        {
            // The spec puts description beside component_group; the Go SDK sends it inside. Inside wins.
            F::custom("description",
                      [](const Fields &f, const QString &key, GroupInput &in) -> QString {
                          auto inside = f.string(key);
                          if (!inside)
                              return inside.error();
                          if (inside.value())
                              in.description = inside.value();
                          return {};
                      }),
            F::text("name", &GroupInput::name),
            F::ids("components", &GroupInput::components),
        }};
    return table;
}

} // namespace

Result<SubscriberInput> parseSubscriber(const QByteArray &body)
{
    SD_TRY(inner, envelope(body, QStringLiteral("subscriber")));
    return subscriberFields().read(inner.value());
}

Result<SubscriberPatchInput> parseSubscriberPatch(const QByteArray &body)
{
    SD_TRY(parsed, readBody(body));
    Fields f(parsed->top, QString(), parsed->form);
    // Documented at the top level; {"subscriber": {"component_ids": [...]}} as the other endpoints is read
    // too.
    if (parsed->top.contains(QLatin1String("subscriber"))) {
        SD_TRY(inner, envelope(body, QStringLiteral("subscriber")));
        f = inner.value();
    }
    SD_TRY(in, subscriberPatchFields().read(f));
    if (!in->componentIds)
        return Error{QStringLiteral("component_ids is required: the components this subscriber hears about "
                                    "([] for all)")};
    return in;
}

Result<BulkSubscribers> parseBulkSubscribers(const QByteArray &body, bool unsubscribe)
{
    SD_TRY(parsed, readBody(body));
    if (parsed->top.isEmpty())
        return Error{QStringLiteral("request body is empty; expected {\"subscribers\": \"id1,id2\"} or "
                                    "{\"subscribers\": \"all\"}")};
    return bulkFields(unsubscribe).read(Fields(parsed->top, QString(), parsed->form));
}

Result<QStringList> parseReactivate(const QByteArray &body)
{
    SD_TRY(bulk, parseBulkSubscribers(body, false));
    if (bulk->all)
        return QStringList{QStringLiteral("all")};
    return bulk->ids;
}

Result<PageInput> parsePagePatch(const QByteArray &body)
{
    SD_TRY(inner, envelope(body, QStringLiteral("page")));
    return pageFields().read(inner.value());
}

Result<ComponentPatch> parseComponentCreate(const QByteArray &body)
{
    return parseComponent(body, true);
}

Result<ComponentPatch> parseComponentPatch(const QByteArray &body)
{
    return parseComponent(body, false);
}

Result<GroupInput> parseGroup(const QByteArray &body, bool create)
{
    Fields top({}, QString(), false);
    // An edit may change the top-level description alone.
    SD_TRY(parsed, readBody(body));
    const bool descriptionOnly = !create && parsed->top.contains(QLatin1String("description")) &&
                                 !parsed->top.contains(QLatin1String("component_group"));
    QByteArray wrapped = body;
    if (descriptionOnly) {
        QJsonObject o = parsed->top;
        o.insert(QStringLiteral("component_group"), QJsonObject());
        wrapped = QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
    SD_TRY(inner,
           envelope(wrapped, QStringLiteral("component_group"), {QStringLiteral("description")}, &top));
    if (const QString err = groupFields().unknownIn(inner.value()); !err.isEmpty())
        return Error{err};
    GroupInput beside;
    SD_TRY(description, top.string(QStringLiteral("description")));
    beside.description = description.value();
    SD_TRY(in, groupFields().fill(inner.value(), beside));
    if (create && (!in->name || in->name->trimmed().isEmpty()))
        return Error{QStringLiteral("component_group.name is required")};
    if (create && (!in->components || in->components->isEmpty()))
        return Error{QStringLiteral("component_group.components is required: the ids of its components")};
    if (in->components && in->components->isEmpty())
        return Error{
            QStringLiteral("component_group.components is empty; a group holds at least one component")};
    return in;
}

} // namespace sd::api
