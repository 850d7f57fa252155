#include "app/api/featurerequests.h"

#include "app/api/apirequestparser.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

namespace sd::api {
namespace {

// The body's one wrapped object ({"template": {...}}), with only `documented` fields in it.
Result<std::pair<QJsonObject, bool>> wrapped(const QByteArray &body, const QString &key,
                                             const QStringList &documented)
{
    auto parsed = readBody(body);
    if (!parsed)
        return Error{parsed.error()};
    const QJsonObject top = parsed->top;
    if (top.isEmpty())
        return Error{QStringLiteral("request body is empty; expected a JSON object with \"%1\"").arg(key)};
    for (auto it = top.begin(); it != top.end(); ++it)
        if (it.key() != key)
            return Error{QStringLiteral("unknown field \"%1\"; expected only \"%2\"").arg(it.key(), key)};
    if (!top.value(key).isObject())
        return Error{QStringLiteral("%1 must be an object").arg(key)};
    const QJsonObject o = top.value(key).toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!documented.contains(it.key()))
            return Error{QStringLiteral("unknown field \"%1[%2]\"; documented: %3")
                             .arg(key, it.key(), documented.join(QStringLiteral(", ")))};
    return std::make_pair(o, parsed->form);
}

Result<std::optional<QString>> text(const QJsonObject &o, const QString &key, const QString &where)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return std::optional<QString>();
    if (!v.isString())
        return Error{QStringLiteral("%1[%2] must be a string").arg(where, key)};
    return std::optional<QString>(v.toString());
}

Result<std::optional<bool>> flag(const QJsonObject &o, const QString &key, const QString &where, bool form)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return std::optional<bool>();
    if (v.isBool())
        return std::optional<bool>(v.toBool());
    const QString s = v.toString().trimmed().toLower();
    if (form && (s == QLatin1String("true") || s == QLatin1String("1")))
        return std::optional<bool>(true);
    if (form && (s == QLatin1String("false") || s == QLatin1String("0")))
        return std::optional<bool>(false);
    return Error{QStringLiteral("%1[%2] must be true or false").arg(where, key)};
}

} // namespace

Result<TemplateInput> parseTemplate(const QByteArray &body, bool create)
{
    static const QStringList documented{QStringLiteral("name"),
                                        QStringLiteral("title"),
                                        QStringLiteral("body"),
                                        QStringLiteral("group_id"),
                                        QStringLiteral("update_status"),
                                        QStringLiteral("should_tweet"),
                                        QStringLiteral("should_send_notifications"),
                                        QStringLiteral("component_ids"),
                                        QStringLiteral("components")};
    const QString key = QStringLiteral("template");
    auto w = wrapped(body, key, documented);
    if (!w)
        return Error{w.error()};
    const auto &[o, form] = w.value();
    TemplateInput out;
    for (const auto &[field, target] :
         {std::pair{QStringLiteral("name"), &out.name}, std::pair{QStringLiteral("title"), &out.title},
          std::pair{QStringLiteral("body"), &out.body},
          std::pair{QStringLiteral("group_id"), &out.groupId}}) {
        auto v = text(o, field, key);
        if (!v)
            return Error{v.error()};
        *target = v.value();
    }
    if (create && (!out.name || !out.title || !out.body))
        return Error{QStringLiteral("template[name], template[title] and template[body] are required")};
    auto status = text(o, QStringLiteral("update_status"), key);
    if (!status)
        return Error{status.error()};
    if (status.value() && !status.value()->isEmpty()) {
        const auto parsed = parseIncidentStatus(*status.value());
        if (!parsed)
            return Error{QStringLiteral("template[update_status] \"%1\" is not valid; valid values: %2")
                             .arg(*status.value(), incidentStatusNames().join(QStringLiteral(", ")))};
        out.updateStatus = *parsed;
    }
    for (const auto &[field, target] :
         {std::pair{QStringLiteral("should_tweet"), &out.shouldTweet},
          std::pair{QStringLiteral("should_send_notifications"), &out.shouldSendNotifications}}) {
        auto v = flag(o, field, key, form);
        if (!v)
            return Error{v.error()};
        *target = v.value();
    }
    // component_ids: affected components; components: {id: status}, StatusDesk's addition.
    std::vector<TemplateComponent> list;
    bool given = false;
    const QJsonValue ids = o.value(QLatin1String("component_ids"));
    if (!ids.isUndefined() && !ids.isNull()) {
        given = true;
        QStringList names;
        if (form && ids.isString())
            names = ids.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
        else if (ids.isArray())
            for (const QJsonValue &v : ids.toArray()) {
                if (!v.isString())
                    return Error{QStringLiteral("template[component_ids][] must be a string")};
                names << v.toString();
            }
        else
            return Error{QStringLiteral("template[component_ids] must be an array of strings")};
        for (const QString &id : std::as_const(names))
            list.push_back({id, std::nullopt});
    }
    const QJsonValue map = o.value(QLatin1String("components"));
    if (!map.isUndefined() && !map.isNull()) {
        given = true;
        if (!map.isObject())
            return Error{QStringLiteral("template[components] must be an object of component id to status")};
        const QJsonObject m = map.toObject();
        for (auto it = m.begin(); it != m.end(); ++it) {
            const auto st = parseComponentStatus(it.value().toString());
            if (!st)
                return Error{QStringLiteral("template[components][%1] \"%2\" is not valid; valid values: %3")
                                 .arg(it.key(), it.value().toString(),
                                      componentStatusNames().join(QStringLiteral(", ")))};
            auto same = std::find_if(list.begin(), list.end(),
                                     [&](const TemplateComponent &c) { return c.componentId == it.key(); });
            if (same != list.end())
                same->status = *st;
            else
                list.push_back({it.key(), *st});
        }
    }
    if (given)
        out.components = list;
    return out;
}

Result<UptimeQuery> parseUptimeQuery(const QUrlQuery &query)
{
    UptimeQuery out;
    const auto items = query.queryItems(QUrl::FullyDecoded);
    QStringList seen;
    for (const auto &[key, value] : items) {
        if (seen.contains(key))
            return Error{QStringLiteral("query parameter \"%1\" is given twice").arg(key)};
        seen << key;
        if (key == QLatin1String("start"))
            out.start = value.trimmed();
        else if (key == QLatin1String("end"))
            out.end = value.trimmed();
        // Other parameters are ignored, as Statuspage does.
    }
    static const QRegularExpression shape(QStringLiteral("^\\d{4}(-\\d{2}(-\\d{2})?)?$"));
    for (const auto &[name, value] : {std::pair{"start", out.start}, std::pair{"end", out.end}})
        if (!value.isEmpty() && !shape.match(value).hasMatch())
            return Error{QStringLiteral("%1 \"%2\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
                             .arg(QLatin1String(name), value)};
    return out;
}

Result<IncidentSubscriberInput> parseIncidentSubscriber(const QByteArray &body)
{
    static const QStringList documented{QStringLiteral("email"), QStringLiteral("endpoint"),
                                        QStringLiteral("phone_country"), QStringLiteral("phone_number"),
                                        QStringLiteral("skip_confirmation_notification")};
    const QString key = QStringLiteral("subscriber");
    auto w = wrapped(body, key, documented);
    if (!w)
        return Error{w.error()};
    const auto &[o, form] = w.value();
    IncidentSubscriberInput out;
    auto email = text(o, QStringLiteral("email"), key);
    auto endpoint = text(o, QStringLiteral("endpoint"), key);
    if (!email)
        return Error{email.error()};
    if (!endpoint)
        return Error{endpoint.error()};
    if (auto skip = flag(o, QStringLiteral("skip_confirmation_notification"), key, form); !skip)
        return Error{skip.error()};
    if (o.contains(QLatin1String("phone_number")) || o.contains(QLatin1String("phone_country")))
        return Error{
            QStringLiteral("StatusDesk keeps webhook subscribers only: give subscriber[endpoint] and "
                           "subscriber[email], not a phone number")};
    if (!endpoint.value() || endpoint.value()->trimmed().isEmpty())
        return Error{QStringLiteral("subscriber[endpoint] is required: StatusDesk's incident subscribers are "
                                    "webhook endpoints")};
    out.endpoint = *endpoint.value();
    out.email = email.value().value_or(QString());
    return out;
}

} // namespace sd::api
