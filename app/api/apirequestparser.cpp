#include "apirequestparser.h"

#include "values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSet>

namespace sd::api {
namespace {

constexpr int kMaxPage = 1000000; // keeps (page - 1) * per_page far from int overflow

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

Error wrongType(const QString &field, const char *expected, const QJsonValue &v)
{
    return Error{QStringLiteral("%1 must be %2, not %3").arg(field, QLatin1String(expected), typeName(v))};
}

// The body must be {"<key>": {...}} and nothing else, as Statuspage's API wraps every object.
Result<QJsonObject> envelope(const QByteArray &body, const QString &key)
{
    if (body.trimmed().isEmpty())
        return Error{QStringLiteral("request body is empty; expected a JSON object with \"%1\"").arg(key)};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{QStringLiteral("malformed JSON at offset %1: %2")
                         .arg(parseError.offset)
                         .arg(parseError.errorString())};
    if (!doc.isObject())
        return Error{QStringLiteral("expected a JSON object with \"%1\"").arg(key)};
    const QJsonObject top = doc.object();
    for (auto it = top.begin(); it != top.end(); ++it) {
        if (it.key() != key)
            return Error{QStringLiteral("unknown field \"%1\"; expected only \"%2\"").arg(it.key(), key)};
    }
    if (!top.contains(key))
        return Error{QStringLiteral("missing \"%1\" object").arg(key)};
    const QJsonValue inner = top.value(key);
    if (!inner.isObject())
        return wrongType(key, "an object", inner);
    return inner.toObject();
}

// Empty when every field of `o` is allowed, else the message naming the first unknown one.
QString unknownField(const QJsonObject &o, const QString &prefix, const QStringList &allowed)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!allowed.contains(it.key()))
            return QStringLiteral("unknown field \"%1.%2\"; allowed: %3")
                .arg(prefix, it.key(), allowed.join(QStringLiteral(", ")));
    }
    return {};
}

// Optional string: absent or null gives nullopt.
Result<std::optional<QString>> optString(const QJsonObject &o, const QString &prefix, const QString &key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return std::optional<QString>();
    if (!v.isString())
        return wrongType(prefix + QLatin1Char('.') + key, "a string", v);
    return std::optional<QString>(v.toString());
}

Result<bool> optBool(const QJsonObject &o, const QString &prefix, const QString &key, bool fallback)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isBool())
        return wrongType(prefix + QLatin1Char('.') + key, "a boolean", v);
    return v.toBool();
}

Result<QStringList> optStringList(const QJsonObject &o, const QString &prefix, const QString &key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return QStringList();
    if (!v.isArray())
        return wrongType(prefix + QLatin1Char('.') + key, "an array of strings", v);
    QStringList out;
    const QJsonArray array = v.toArray();
    for (const QJsonValue &item : array) {
        if (!item.isString())
            return wrongType(prefix + QLatin1Char('.') + key + QStringLiteral("[]"), "a string", item);
        out << item.toString();
    }
    return out;
}

Result<QDateTime> optTime(const QJsonObject &o, const QString &prefix, const QString &key)
{
    auto s = optString(o, prefix, key);
    if (!s)
        return Error{s.error()};
    if (!s.value())
        return QDateTime();
    const QDateTime t = QDateTime::fromString(*s.value(), Qt::ISODateWithMs);
    if (!t.isValid())
        return Error{
            QStringLiteral("%1.%2 must be an ISO 8601 time such as 2024-05-01T12:00:00Z").arg(prefix, key)};
    return t.toUTC();
}

template<typename T, typename Parse>
Result<std::optional<T>> optEnum(const QJsonObject &o, const QString &prefix, const QString &key, Parse parse,
                                 const QStringList &names)
{
    auto s = optString(o, prefix, key);
    if (!s)
        return Error{s.error()};
    if (!s.value())
        return std::optional<T>();
    if (auto v = parse(*s.value()))
        return std::optional<T>(*v);
    return Error{QStringLiteral("%1.%2 \"%3\" is not valid; valid values: %4")
                     .arg(prefix, key, *s.value(), names.join(QStringLiteral(", ")))};
}

Result<std::vector<std::pair<QString, ComponentStatus>>> componentMap(const QJsonObject &o,
                                                                      const QString &prefix)
{
    std::vector<std::pair<QString, ComponentStatus>> out;
    const QJsonValue v = o.value(QLatin1String("components"));
    if (v.isUndefined() || v.isNull())
        return out;
    if (!v.isObject())
        return wrongType(prefix + QStringLiteral(".components"), "an object of component id to status", v);
    const QJsonObject map = v.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString field = prefix + QStringLiteral(".components.") + it.key();
        if (!it.value().isString())
            return wrongType(field, "a component status string", it.value());
        auto status = parseComponentStatus(it.value().toString());
        if (!status)
            return Error{
                QStringLiteral("%1 \"%2\" is not valid; valid values: %3")
                    .arg(field, it.value().toString(), componentStatusNames().join(QStringLiteral(", ")))};
        out.emplace_back(it.key(), *status);
    }
    return out;
}

Result<IncidentInput> parseIncident(const QByteArray &body, bool create)
{
    const QString prefix = QStringLiteral("incident");
    auto inner = envelope(body, prefix);
    if (!inner)
        return Error{inner.error()};
    const QJsonObject o = inner.value();
    QStringList allowed{QStringLiteral("status"),          QStringLiteral("body"),
                        QStringLiteral("impact_override"), QStringLiteral("component_ids"),
                        QStringLiteral("components"),      QStringLiteral("deliver_notifications")};
    if (create)
        allowed << QStringLiteral("name") << QStringLiteral("backfilled") << QStringLiteral("scheduled_for")
                << QStringLiteral("scheduled_until");
    if (const QString err = unknownField(o, prefix, allowed); !err.isEmpty())
        return Error{err};

    IncidentInput in;
    auto name = optString(o, prefix, QStringLiteral("name"));
    if (!name)
        return Error{name.error()};
    in.name = name.value();
    if (create && !in.name)
        return Error{QStringLiteral("incident.name is required")};
    auto status = optEnum<IncidentStatus>(o, prefix, QStringLiteral("status"), parseIncidentStatus,
                                          incidentStatusNames());
    if (!status)
        return Error{status.error()};
    in.status = status.value();
    auto text = optString(o, prefix, QStringLiteral("body"));
    if (!text)
        return Error{text.error()};
    in.body = text.value();
    auto impact = optEnum<Impact>(o, prefix, QStringLiteral("impact_override"), parseImpact, impactNames());
    if (!impact)
        return Error{impact.error()};
    in.impactOverride = impact.value();
    auto ids = optStringList(o, prefix, QStringLiteral("component_ids"));
    if (!ids)
        return Error{ids.error()};
    in.componentIds = ids.value();
    auto components = componentMap(o, prefix);
    if (!components)
        return Error{components.error()};
    in.components = components.value();
    auto deliver = optBool(o, prefix, QStringLiteral("deliver_notifications"), true);
    if (!deliver)
        return Error{deliver.error()};
    in.deliverNotifications = deliver.value();
    auto backfilled = optBool(o, prefix, QStringLiteral("backfilled"), false);
    if (!backfilled)
        return Error{backfilled.error()};
    in.backfilled = backfilled.value();
    auto from = optTime(o, prefix, QStringLiteral("scheduled_for"));
    if (!from)
        return Error{from.error()};
    in.scheduledFor = from.value();
    auto until = optTime(o, prefix, QStringLiteral("scheduled_until"));
    if (!until)
        return Error{until.error()};
    in.scheduledUntil = until.value();
    return in;
}

} // namespace

Result<SubscriberInput> parseSubscriber(const QByteArray &body)
{
    const QString prefix = QStringLiteral("subscriber");
    auto inner = envelope(body, prefix);
    if (!inner)
        return Error{inner.error()};
    const QJsonObject o = inner.value();
    if (const QString err = unknownField(
            o, prefix,
            {QStringLiteral("endpoint"), QStringLiteral("email"), QStringLiteral("component_ids")});
        !err.isEmpty())
        return Error{err};
    SubscriberInput in;
    auto endpoint = optString(o, prefix, QStringLiteral("endpoint"));
    if (!endpoint)
        return Error{endpoint.error()};
    if (!endpoint.value())
        return Error{QStringLiteral("subscriber.endpoint is required")};
    in.endpoint = *endpoint.value();
    auto email = optString(o, prefix, QStringLiteral("email"));
    if (!email)
        return Error{email.error()};
    if (!email.value())
        return Error{QStringLiteral("subscriber.email is required (failure notices go there)")};
    in.email = *email.value();
    auto ids = optStringList(o, prefix, QStringLiteral("component_ids"));
    if (!ids)
        return Error{ids.error()};
    in.componentIds = ids.value();
    return in;
}

Result<QStringList> parseReactivate(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return Error{QStringLiteral("request body is empty; expected {\"subscribers\": \"id1,id2\"}")};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{QStringLiteral("malformed JSON at offset %1: %2")
                         .arg(parseError.offset)
                         .arg(parseError.errorString())};
    if (!doc.isObject())
        return Error{QStringLiteral("expected a JSON object with \"subscribers\"")};
    const QJsonObject o = doc.object();
    // Statuspage's reactivate also takes a subscriber type; only webhook subscribers exist here.
    if (const QString err =
            unknownField(o, QStringLiteral("body"), {QStringLiteral("subscribers"), QStringLiteral("type")});
        !err.isEmpty())
        return Error{err};
    const QJsonValue type = o.value(QLatin1String("type"));
    if (!type.isUndefined() && !type.isNull() && type != QJsonValue(QStringLiteral("webhook")))
        return Error{QStringLiteral("type must be \"webhook\" (the only subscriber type)")};
    const QJsonValue v = o.value(QLatin1String("subscribers"));
    QStringList ids;
    if (v.isString()) {
        ids = v.toString().split(QLatin1Char(','));
    } else if (v.isArray()) {
        const QJsonArray array = v.toArray();
        for (const QJsonValue &item : array) {
            if (!item.isString())
                return wrongType(QStringLiteral("subscribers[]"), "a string", item);
            ids << item.toString();
        }
    } else if (v.isUndefined()) {
        return Error{QStringLiteral("missing \"subscribers\": a comma-separated string or a list of ids")};
    } else {
        return wrongType(QStringLiteral("subscribers"), "a comma-separated string or a list of ids", v);
    }
    QStringList out;
    for (const QString &id : std::as_const(ids)) {
        const QString trimmed = id.trimmed();
        if (!trimmed.isEmpty() && !out.contains(trimmed))
            out << trimmed;
    }
    if (out.isEmpty())
        return Error{QStringLiteral("subscribers lists no ids")};
    return out;
}

Result<ComponentInput> parseComponentPatch(const QByteArray &body)
{
    const QString prefix = QStringLiteral("component");
    auto inner = envelope(body, prefix);
    if (!inner)
        return Error{inner.error()};
    const QJsonObject o = inner.value();
    if (const QString err = unknownField(
            o, prefix, {QStringLiteral("status"), QStringLiteral("name"), QStringLiteral("description")});
        !err.isEmpty())
        return Error{err};
    ComponentInput in;
    auto status = optEnum<ComponentStatus>(o, prefix, QStringLiteral("status"), parseComponentStatus,
                                           componentStatusNames());
    if (!status)
        return Error{status.error()};
    in.status = status.value();
    auto name = optString(o, prefix, QStringLiteral("name"));
    if (!name)
        return Error{name.error()};
    in.name = name.value();
    auto description = optString(o, prefix, QStringLiteral("description"));
    if (!description)
        return Error{description.error()};
    in.description = description.value();
    if (!in.status && !in.name && !in.description)
        return Error{QStringLiteral("component has nothing to change; send status, name or description")};
    return in;
}

Result<IncidentInput> parseIncidentCreate(const QByteArray &body)
{
    return parseIncident(body, true);
}

Result<IncidentInput> parseIncidentUpdate(const QByteArray &body)
{
    return parseIncident(body, false);
}

Result<ListQuery> parseSubscriberQuery(const QUrlQuery &query)
{
    ListQuery out;
    out.state = SubscriberState::Active; // Statuspage's default
    const auto items = query.queryItems(QUrl::FullyDecoded);
    QSet<QString> seen;
    for (const auto &[key, value] : items) {
        if (seen.contains(key))
            return Error{QStringLiteral("query parameter \"%1\" is given twice").arg(key)};
        seen.insert(key);
        if (key == QLatin1String("state")) {
            if (value == QLatin1String("all")) {
                out.state = std::nullopt;
            } else if (auto s = parseSubscriberState(value)) {
                out.state = *s;
            } else {
                return Error{QStringLiteral("state \"%1\" is not valid; valid values: active, quarantined, "
                                            "unsubscribed, all")
                                 .arg(value)};
            }
        } else if (key == QLatin1String("page") || key == QLatin1String("per_page")) {
            bool ok = false;
            const int n = value.toInt(&ok);
            const bool isPage = key == QLatin1String("page");
            const int max = isPage ? kMaxPage : kMaxPerPage;
            if (!ok || n < 1 || n > max)
                return Error{QStringLiteral("%1 must be an integer from 1 to %2").arg(key).arg(max)};
            (isPage ? out.page : out.perPage) = n;
        } else if (key == QLatin1String("type")) {
            if (value != QLatin1String("webhook"))
                return Error{QStringLiteral("type must be \"webhook\" (the only subscriber type)")};
        } else {
            return Error{
                QStringLiteral("unknown query parameter \"%1\"; allowed: state, page, per_page, type")
                    .arg(key)};
        }
    }
    return out;
}

QString unsubscribeToken(const QUrlQuery &query, const QByteArray &formBody)
{
    const QString fromQuery = query.queryItemValue(QStringLiteral("unsubscribe"), QUrl::FullyDecoded);
    if (!fromQuery.isEmpty())
        return fromQuery;
    // application/x-www-form-urlencoded uses '+' for spaces; tokens never contain either.
    const QUrlQuery form(QString::fromUtf8(formBody));
    return form.queryItemValue(QStringLiteral("unsubscribe"), QUrl::FullyDecoded);
}

} // namespace sd::api
