#include "app/api/apirequestparser.h"

#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>
#include <QUrl>

// Unwraps a Result into `var` or returns its error from the enclosing function.
#define SD_TRY(var, expr)                                                                                    \
    auto var = (expr);                                                                                       \
    if (!var)                                                                                                \
        return Error{var.error()};

namespace sd::api {
namespace {

constexpr int kMaxPage = 1000000; // keeps page * per_page far from int overflow

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

// ---- form-encoded bodies: component[name]=x&component[showcase]=true&incident[component_ids][]=a ----

QString formDecode(QByteArray part)
{
    part.replace('+', ' ');
    return QUrl::fromPercentEncoding(part);
}

// "a[b][]" -> {"a", "b", ""}; empty on a malformed key.
QStringList keyPath(const QString &key)
{
    const qsizetype open = key.indexOf(QLatin1Char('['));
    if (open < 0)
        return {key};
    QStringList out{key.left(open)};
    qsizetype i = open;
    while (i < key.size()) {
        if (key.at(i) != QLatin1Char('['))
            return {};
        const qsizetype close = key.indexOf(QLatin1Char(']'), i);
        if (close < 0)
            return {};
        out << key.mid(i + 1, close - i - 1);
        i = close + 1;
    }
    if (out.first().isEmpty())
        return {};
    return out;
}

QString insertPath(QJsonObject &obj, QStringList path, const QString &value, const QString &key)
{
    const QString head = path.takeFirst();
    if (head.isEmpty())
        return QStringLiteral("form field \"%1\" has an empty name inside its brackets").arg(key);
    if (path.isEmpty()) {
        if (obj.contains(head))
            return QStringLiteral("form field \"%1\" is given twice").arg(key);
        obj.insert(head, value);
        return {};
    }
    if (path.size() == 1 && path.first().isEmpty()) { // a[] = one item of a list
        const QJsonValue existing = obj.value(head);
        if (!existing.isUndefined() && !existing.isArray())
            return QStringLiteral("form field \"%1\" mixes a list and a single value").arg(key);
        QJsonArray list = existing.toArray();
        list.append(value);
        obj.insert(head, list);
        return {};
    }
    const QJsonValue existing = obj.value(head);
    if (!existing.isUndefined() && !existing.isObject())
        return QStringLiteral("form field \"%1\" mixes an object and a single value").arg(key);
    QJsonObject inner = existing.toObject();
    const QString err = insertPath(inner, path, value, key);
    obj.insert(head, inner);
    return err;
}

Result<QJsonObject> parseForm(const QByteArray &body)
{
    QJsonObject out;
    const QList<QByteArray> pairs = body.trimmed().split('&');
    for (const QByteArray &pair : pairs) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const QString key = formDecode(eq < 0 ? pair : pair.left(eq));
        const QString value = eq < 0 ? QString() : formDecode(pair.mid(eq + 1));
        const QStringList path = keyPath(key);
        if (path.isEmpty())
            return Error{
                QStringLiteral("form field \"%1\" is malformed; write it as object[field]=value").arg(key)};
        if (const QString err = insertPath(out, path, value, key); !err.isEmpty())
            return Error{err};
    }
    return out;
}

// ---- reading the fields of one object ----

// One request object (e.g. the "component" inside the body) and how to read its fields.
class Fields
{
public:
    Fields(QJsonObject o, QString prefix, bool form)
        : m_o(std::move(o))
        , m_prefix(std::move(prefix))
        , m_form(form)
    {}

    bool has(const QString &key) const { return m_o.contains(key); }
    bool isEmpty() const { return m_o.isEmpty(); }
    QString field(const QString &key) const
    {
        return m_prefix.isEmpty() ? key : m_prefix + QLatin1Char('.') + key;
    }

    // Empty when every field is documented, else the message naming the first that is not.
    QString unknown(const QStringList &documented) const
    {
        for (auto it = m_o.begin(); it != m_o.end(); ++it) {
            if (!documented.contains(it.key()))
                return QStringLiteral("unknown field \"%1\"; Statuspage documents: %2")
                    .arg(field(it.key()), documented.join(QStringLiteral(", ")));
        }
        return {};
    }

    // Absent or null: nullopt.
    Result<std::optional<QString>> string(const QString &key) const
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || v.isNull())
            return std::optional<QString>();
        if (!v.isString())
            return wrongType(field(key), "a string", v);
        return std::optional<QString>(v.toString());
    }

    // As string(), but an empty string is absent too (optional enums, times and dates).
    Result<std::optional<QString>> nonEmpty(const QString &key) const
    {
        SD_TRY(s, string(key));
        if (s.value() && s.value()->trimmed().isEmpty())
            return std::optional<QString>();
        return s.value();
    }

    Result<std::optional<bool>> boolean(const QString &key) const
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || v.isNull())
            return std::optional<bool>();
        if (v.isBool())
            return std::optional<bool>(v.toBool());
        if (m_form && v.isString()) { // form values are text
            const QString s = v.toString().trimmed().toLower();
            if (s.isEmpty())
                return std::optional<bool>();
            if (s == QLatin1String("true") || s == QLatin1String("1"))
                return std::optional<bool>(true);
            if (s == QLatin1String("false") || s == QLatin1String("0"))
                return std::optional<bool>(false);
            return Error{
                QStringLiteral("%1 must be true or false, not \"%2\"").arg(field(key), v.toString())};
        }
        return wrongType(field(key), "a boolean", v);
    }

    Result<std::optional<QStringList>> stringList(const QString &key) const
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || v.isNull())
            return std::optional<QStringList>();
        if (m_form && v.isString()) // component_ids=a,b
            return std::optional<QStringList>(v.toString().split(QLatin1Char(','), Qt::SkipEmptyParts));
        if (!v.isArray())
            return wrongType(field(key), "an array of strings", v);
        QStringList out;
        const QJsonArray array = v.toArray();
        for (const QJsonValue &item : array) {
            if (!item.isString())
                return wrongType(field(key) + QStringLiteral("[]"), "a string", item);
            out << item.toString();
        }
        return std::optional<QStringList>(out);
    }

    Result<QDateTime> time(const QString &key) const
    {
        SD_TRY(s, nonEmpty(key));
        if (!s.value())
            return QDateTime();
        const QDateTime t = QDateTime::fromString(s.value()->trimmed(), Qt::ISODateWithMs);
        if (!t.isValid())
            return Error{
                QStringLiteral("%1 must be an ISO 8601 time such as 2024-05-01T12:00:00Z").arg(field(key))};
        return t.toUTC();
    }

    Result<std::optional<QDate>> date(const QString &key) const
    {
        SD_TRY(s, nonEmpty(key));
        if (!s.value())
            return std::optional<QDate>();
        const QDate d = QDate::fromString(s.value()->trimmed(), Qt::ISODate);
        if (!d.isValid())
            return Error{QStringLiteral("%1 must be a date such as 2024-05-01").arg(field(key))};
        return std::optional<QDate>(d);
    }

    template<typename T, typename Parse>
    Result<std::optional<T>> enumeration(const QString &key, Parse parse, const QStringList &names) const
    {
        SD_TRY(s, nonEmpty(key));
        if (!s.value())
            return std::optional<T>();
        if (auto v = parse(*s.value()))
            return std::optional<T>(*v);
        return Error{QStringLiteral("%1 \"%2\" is not valid; valid values: %3")
                         .arg(field(key), *s.value(), names.join(QStringLiteral(", ")))};
    }

    // Documented fields StatusDesk does not use: accepted, but still of their documented type.
    QString checkIgnored(const QStringList &booleans, const QStringList &strings,
                         const QStringList &objects = {}) const
    {
        for (const QString &k : booleans) {
            if (auto r = boolean(k); !r)
                return r.error();
        }
        for (const QString &k : strings) {
            if (auto r = string(k); !r)
                return r.error();
        }
        for (const QString &k : objects) {
            const QJsonValue v = m_o.value(k);
            if (!v.isUndefined() && !v.isNull() && !v.isObject())
                return wrongType(field(k), "an object", v).message;
        }
        return {};
    }

    QJsonValue value(const QString &key) const { return m_o.value(key); }

private:
    QJsonObject m_o;
    QString m_prefix;
    bool m_form;
};

// The body must be {"<key>": {...}} (plus the documented top-level `extra` fields), as Statuspage's API wraps
// every object. The top level is returned in `top` when asked for.
Result<Fields> envelope(const QByteArray &body, const QString &key, const QStringList &extra = {},
                        Fields *top = nullptr)
{
    SD_TRY(parsed, readBody(body));
    if (parsed->top.isEmpty())
        return Error{QStringLiteral("request body is empty; expected a JSON object with \"%1\"").arg(key)};
    const QJsonObject o = parsed->top;
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.key() != key && !extra.contains(it.key()))
            return Error{QStringLiteral("unknown field \"%1\"; expected only \"%2\"")
                             .arg(it.key(), (QStringList{key} + extra).join(QStringLiteral("\", \"")))};
    }
    if (top)
        *top = Fields(o, QString(), parsed->form);
    if (!o.contains(key))
        return Error{QStringLiteral("missing \"%1\" object").arg(key)};
    const QJsonValue inner = o.value(key);
    if (!inner.isObject())
        return wrongType(key, "an object", inner);
    return Fields(inner.toObject(), key, parsed->form);
}

Result<std::vector<std::pair<QString, ComponentStatus>>> componentMap(const Fields &f)
{
    std::vector<std::pair<QString, ComponentStatus>> out;
    const QJsonValue v = f.value(QStringLiteral("components"));
    if (v.isUndefined() || v.isNull())
        return out;
    // Clients that model components as a list (the Go SDK) send an empty one when they set none.
    if (v.isArray() && v.toArray().isEmpty())
        return out;
    if (!v.isObject())
        return wrongType(f.field(QStringLiteral("components")), "an object of component id to status", v);
    const QJsonObject map = v.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString field = f.field(QStringLiteral("components.") + it.key());
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

const QStringList &incidentIgnoredBooleans()
{
    static const QStringList list{
        QStringLiteral("auto_transition_to_maintenance_state"),
        QStringLiteral("auto_transition_to_operational_state"),
        QStringLiteral("auto_transition_deliver_notifications_at_start"),
        QStringLiteral("auto_transition_deliver_notifications_at_end"),
        QStringLiteral("auto_tweet_at_beginning"),
        QStringLiteral("auto_tweet_on_completion"),
        QStringLiteral("auto_tweet_on_creation"),
        QStringLiteral("auto_tweet_one_hour_before"),
    };
    return list;
}

Result<IncidentInput> parseIncident(const QByteArray &body, bool create)
{
    SD_TRY(inner, envelope(body, QStringLiteral("incident")));
    const Fields &f = inner.value();
    // Statuspage documents the same fields for creating (POST) and editing (PATCH/PUT) an incident.
    QStringList documented{QStringLiteral("name"),
                           QStringLiteral("status"),
                           QStringLiteral("impact_override"),
                           QStringLiteral("scheduled_for"),
                           QStringLiteral("scheduled_until"),
                           QStringLiteral("scheduled_remind_prior"),
                           QStringLiteral("reminder_intervals"),
                           QStringLiteral("metadata"),
                           QStringLiteral("deliver_notifications"),
                           QStringLiteral("backfill_date"),
                           QStringLiteral("backfilled"),
                           QStringLiteral("body"),
                           QStringLiteral("components"),
                           QStringLiteral("component_ids"),
                           QStringLiteral("scheduled_auto_transition"),
                           QStringLiteral("scheduled_auto_in_progress"),
                           QStringLiteral("scheduled_auto_completed")};
    documented << incidentIgnoredBooleans();
    if (const QString err = f.unknown(documented); !err.isEmpty())
        return Error{err};
    if (const QString err =
            f.checkIgnored(incidentIgnoredBooleans(),
                           {QStringLiteral("reminder_intervals"), QStringLiteral("backfill_date")},
                           {QStringLiteral("metadata")});
        !err.isEmpty())
        return Error{err};

    IncidentInput in;
    SD_TRY(name, f.string(QStringLiteral("name")));
    in.name = name.value();
    if (create && (!in.name || in.name->trimmed().isEmpty()))
        return Error{QStringLiteral("incident.name is required")};
    SD_TRY(status, f.enumeration<IncidentStatus>(QStringLiteral("status"), parseIncidentStatus,
                                                 incidentStatusNames()));
    in.status = status.value();
    SD_TRY(text, f.string(QStringLiteral("body")));
    in.body = text.value();
    SD_TRY(impact, f.enumeration<Impact>(QStringLiteral("impact_override"), parseImpact, impactNames()));
    in.impactOverride = impact.value();
    SD_TRY(ids, f.stringList(QStringLiteral("component_ids")));
    in.componentIds = ids.value().value_or(QStringList());
    SD_TRY(components, componentMap(f));
    in.components = components.value();
    SD_TRY(deliver, f.boolean(QStringLiteral("deliver_notifications")));
    in.deliverNotifications = deliver.value().value_or(true);
    SD_TRY(backfilled, f.boolean(QStringLiteral("backfilled")));
    in.backfilled = backfilled.value().value_or(false);
    SD_TRY(from, f.time(QStringLiteral("scheduled_for")));
    in.scheduledFor = from.value();
    SD_TRY(until, f.time(QStringLiteral("scheduled_until")));
    in.scheduledUntil = until.value();
    SD_TRY(remind, f.boolean(QStringLiteral("scheduled_remind_prior")));
    in.scheduledRemindPrior = remind.value();
    SD_TRY(autoTransition, f.boolean(QStringLiteral("scheduled_auto_transition")));
    in.scheduledAutoTransition = autoTransition.value();
    // Statuspage's two switches map onto our one flag (the engines' clock opens and closes a window
    // automatically, or neither): accepted when they agree with each other and with
    // scheduled_auto_transition, refused with one sentence when they do not.
    SD_TRY(autoStart, f.boolean(QStringLiteral("scheduled_auto_in_progress")));
    SD_TRY(autoEnd, f.boolean(QStringLiteral("scheduled_auto_completed")));
    if (autoStart.value() && autoEnd.value() && *autoStart.value() != *autoEnd.value())
        return Error{QStringLiteral(
            "incident.scheduled_auto_in_progress and incident.scheduled_auto_completed must be the same: "
            "StatusDesk starts and completes a maintenance automatically together, or neither")};
    if (const std::optional<bool> both = autoStart.value() ? autoStart.value() : autoEnd.value()) {
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
        return Error{QStringLiteral("incident has nothing to change; send a status, a body, components, a name "
                                    "or an impact_override")};
    return in;
}

Result<ComponentInput> parseComponent(const QByteArray &body, bool create)
{
    SD_TRY(inner, envelope(body, QStringLiteral("component")));
    const Fields &f = inner.value();
    if (const QString err =
            f.unknown({QStringLiteral("description"), QStringLiteral("status"), QStringLiteral("name"),
                       QStringLiteral("only_show_if_degraded"), QStringLiteral("group_id"),
                       QStringLiteral("showcase"), QStringLiteral("start_date")});
        !err.isEmpty())
        return Error{err};
    ComponentInput in;
    SD_TRY(status, f.enumeration<ComponentStatus>(QStringLiteral("status"), parseComponentStatus,
                                                  componentStatusNames()));
    in.status = status.value();
    SD_TRY(name, f.string(QStringLiteral("name")));
    in.name = name.value();
    SD_TRY(description, f.string(QStringLiteral("description")));
    in.description = description.value();
    if (f.has(QStringLiteral("group_id"))) {
        SD_TRY(group, f.string(QStringLiteral("group_id")));
        in.groupId = group.value().value_or(QString()).trimmed(); // null or "": out of its group
    }
    SD_TRY(showcase, f.boolean(QStringLiteral("showcase")));
    in.showcase = showcase.value();
    SD_TRY(degraded, f.boolean(QStringLiteral("only_show_if_degraded")));
    in.onlyShowIfDegraded = degraded.value();
    SD_TRY(start, f.date(QStringLiteral("start_date")));
    in.startDate = start.value();
    if (create && (!in.name || in.name->trimmed().isEmpty()))
        return Error{QStringLiteral("component.name is required")};
    if (!create && f.isEmpty())
        return Error{QStringLiteral("component has nothing to change; send one of its documented fields")};
    return in;
}

// "n" as an integer in [min, max]; empty is absent.
Result<std::optional<int>> intParam(const QString &key, const QString &value, int min, int max)
{
    if (value.trimmed().isEmpty())
        return std::optional<int>();
    bool ok = false;
    const int n = value.trimmed().toInt(&ok);
    if (!ok || n < min || n > max)
        return Error{QStringLiteral("%1 must be an integer from %2 to %3").arg(key).arg(min).arg(max)};
    return std::optional<int>(n);
}

// Each parameter once: two values for one name is ambiguous, so it is refused rather than guessed.
Result<QHash<QString, QString>> queryMap(const QUrlQuery &query)
{
    QHash<QString, QString> out;
    const auto items = query.queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (out.contains(key))
            return Error{QStringLiteral("query parameter \"%1\" is given twice").arg(key)};
        out.insert(key, value);
    }
    return out;
}

} // namespace

Result<RequestBody> readBody(const QByteArray &body)
{
    RequestBody out;
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty())
        return out;
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
        // Statuspage takes application/x-www-form-urlencoded bodies too; a JSON body always starts with '{'.
        SD_TRY(form, parseForm(trimmed));
        out.top = form.value();
        out.form = true;
        return out;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{QStringLiteral("malformed JSON at offset %1: %2")
                         .arg(parseError.offset)
                         .arg(parseError.errorString())};
    if (!doc.isObject())
        return Error{QStringLiteral("expected a JSON object")};
    out.top = doc.object();
    return out;
}

Result<SubscriberInput> parseSubscriber(const QByteArray &body)
{
    SD_TRY(inner, envelope(body, QStringLiteral("subscriber")));
    const Fields &f = inner.value();
    if (const QString err =
            f.unknown({QStringLiteral("email"), QStringLiteral("endpoint"), QStringLiteral("phone_country"),
                       QStringLiteral("phone_number"), QStringLiteral("skip_confirmation_notification"),
                       QStringLiteral("page_access_user"), QStringLiteral("component_ids")});
        !err.isEmpty())
        return Error{err};
    // Webhook subscribers are never sent a confirmation, so skipping it changes nothing.
    if (const QString err =
            f.checkIgnored({QStringLiteral("skip_confirmation_notification")},
                           {QStringLiteral("page_access_user"), QStringLiteral("phone_country")});
        !err.isEmpty())
        return Error{err};
    SD_TRY(phone, f.nonEmpty(QStringLiteral("phone_number")));
    if (phone.value())
        return Error{QStringLiteral("subscriber.phone_number: StatusDesk has webhook subscribers only; send "
                                    "endpoint and email")};
    SubscriberInput in;
    SD_TRY(endpoint, f.string(QStringLiteral("endpoint")));
    if (!endpoint.value())
        return Error{QStringLiteral("subscriber.endpoint is required")};
    in.endpoint = *endpoint.value();
    SD_TRY(email, f.string(QStringLiteral("email")));
    if (!email.value())
        return Error{QStringLiteral("subscriber.email is required (failure notices go there)")};
    in.email = *email.value();
    SD_TRY(ids, f.stringList(QStringLiteral("component_ids")));
    in.componentIds = ids.value().value_or(QStringList());
    return in;
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
    if (const QString err = f.unknown({QStringLiteral("component_ids")}); !err.isEmpty())
        return Error{err};
    SD_TRY(ids, f.stringList(QStringLiteral("component_ids")));
    if (!ids.value())
        return Error{QStringLiteral("component_ids is required: the components this subscriber hears about "
                                    "([] for all)")};
    SubscriberPatchInput in;
    in.componentIds = ids.value();
    return in;
}

Result<BulkSubscribers> parseBulkSubscribers(const QByteArray &body, bool unsubscribe)
{
    SD_TRY(parsed, readBody(body));
    if (parsed->top.isEmpty())
        return Error{QStringLiteral("request body is empty; expected {\"subscribers\": \"id1,id2\"} or "
                                    "{\"subscribers\": \"all\"}")};
    const Fields f(parsed->top, QString(), parsed->form);
    QStringList documented{QStringLiteral("subscribers"), QStringLiteral("type")};
    if (unsubscribe)
        documented << QStringLiteral("state") << QStringLiteral("skip_unsubscription_notification");
    if (const QString err = f.unknown(documented); !err.isEmpty())
        return Error{err};
    SD_TRY(type, f.nonEmpty(QStringLiteral("type")));
    if (type.value() && *type.value() != QLatin1String("webhook"))
        return Error{QStringLiteral("type must be \"webhook\" (the only subscriber type)")};
    // Nobody is told of an unsubscription made through the API: skipping the notice changes nothing.
    if (const QString err = f.checkIgnored({QStringLiteral("skip_unsubscription_notification")}, {});
        !err.isEmpty())
        return Error{err};
    BulkSubscribers out;
    if (unsubscribe) {
        SD_TRY(state, f.nonEmpty(QStringLiteral("state")));
        if (state.value() && *state.value() != QLatin1String("all")) {
            auto s = parseSubscriberState(*state.value());
            if (!s || *s == SubscriberState::Unsubscribed)
                return Error{
                    QStringLiteral("state \"%1\" is not valid; valid values: active, quarantined, all")
                        .arg(*state.value())};
            out.state = *s;
        }
    }
    const QJsonValue v = f.value(QStringLiteral("subscribers"));
    QStringList ids;
    if (v.isString()) {
        if (v.toString().trimmed() == QLatin1String("all")) {
            out.all = true;
            return out;
        }
        ids = v.toString().split(QLatin1Char(','));
    } else if (v.isArray()) {
        const QJsonArray array = v.toArray();
        for (const QJsonValue &item : array) {
            if (!item.isString())
                return wrongType(QStringLiteral("subscribers[]"), "a string", item);
            ids << item.toString();
        }
    } else if (v.isUndefined()) {
        return Error{
            QStringLiteral("missing \"subscribers\": a comma-separated string, a list of ids or \"all\"")};
    } else {
        return wrongType(QStringLiteral("subscribers"), "a comma-separated string, a list of ids or \"all\"",
                         v);
    }
    for (const QString &id : std::as_const(ids)) {
        const QString trimmed = id.trimmed();
        if (!trimmed.isEmpty() && !out.ids.contains(trimmed))
            out.ids << trimmed;
    }
    if (out.ids.isEmpty())
        return Error{QStringLiteral("subscribers lists no ids")};
    if (out.ids.size() > kMaxPerPage)
        return Error{QStringLiteral("subscribers lists %1 ids; at most %2 at a time (or \"all\")")
                         .arg(out.ids.size())
                         .arg(kMaxPerPage)};
    return out;
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
    const Fields &f = inner.value();
    static const QStringList booleans{
        QStringLiteral("hidden_from_search"),      QStringLiteral("viewers_must_be_team_members"),
        QStringLiteral("allow_page_subscribers"),  QStringLiteral("allow_incident_subscribers"),
        QStringLiteral("allow_email_subscribers"), QStringLiteral("allow_sms_subscribers"),
        QStringLiteral("allow_rss_atom_feeds")};
    static const QStringList strings{QStringLiteral("domain"),
                                     QStringLiteral("subdomain"),
                                     QStringLiteral("branding"),
                                     QStringLiteral("css_body_background_color"),
                                     QStringLiteral("css_font_color"),
                                     QStringLiteral("css_light_font_color"),
                                     QStringLiteral("css_greens"),
                                     QStringLiteral("css_yellows"),
                                     QStringLiteral("css_oranges"),
                                     QStringLiteral("css_reds"),
                                     QStringLiteral("css_blues"),
                                     QStringLiteral("css_border_color"),
                                     QStringLiteral("css_graph_color"),
                                     QStringLiteral("css_link_color"),
                                     QStringLiteral("css_no_data"),
                                     QStringLiteral("notifications_from_email"),
                                     QStringLiteral("notifications_email_footer")};
    QStringList documented{QStringLiteral("name"), QStringLiteral("url"), QStringLiteral("time_zone"),
                           QStringLiteral("allow_webhook_subscribers")};
    documented << booleans << strings;
    if (const QString err = f.unknown(documented); !err.isEmpty())
        return Error{err};
    if (const QString err = f.checkIgnored(booleans, strings); !err.isEmpty())
        return Error{err};
    PageInput in;
    SD_TRY(name, f.string(QStringLiteral("name")));
    in.name = name.value();
    SD_TRY(url, f.string(QStringLiteral("url")));
    in.url = url.value();
    SD_TRY(tz, f.nonEmpty(QStringLiteral("time_zone")));
    in.timeZone = tz.value();
    SD_TRY(allowWebhooks, f.boolean(QStringLiteral("allow_webhook_subscribers")));
    in.allowWebhookSubscribers = allowWebhooks.value();
    return in;
}

Result<ComponentInput> parseComponentCreate(const QByteArray &body)
{
    return parseComponent(body, true);
}

Result<ComponentInput> parseComponentPatch(const QByteArray &body)
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
    const Fields &f = inner.value();
    // The spec puts description beside component_group; the Go SDK sends it inside. Both are read.
    if (const QString err =
            f.unknown({QStringLiteral("components"), QStringLiteral("name"), QStringLiteral("description")});
        !err.isEmpty())
        return Error{err};
    GroupInput in;
    SD_TRY(description, top.string(QStringLiteral("description")));
    in.description = description.value();
    SD_TRY(innerDescription, f.string(QStringLiteral("description")));
    if (innerDescription.value())
        in.description = innerDescription.value();
    SD_TRY(name, f.string(QStringLiteral("name")));
    in.name = name.value();
    SD_TRY(components, f.stringList(QStringLiteral("components")));
    in.components = components.value();
    if (create && (!in.name || in.name->trimmed().isEmpty()))
        return Error{QStringLiteral("component_group.name is required")};
    if (create && (!in.components || in.components->isEmpty()))
        return Error{QStringLiteral("component_group.components is required: the ids of its components")};
    if (in.components && in.components->isEmpty())
        return Error{
            QStringLiteral("component_group.components is empty; a group holds at least one component")};
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

Result<IncidentUpdateEdit> parseIncidentUpdateEdit(const QByteArray &body)
{
    SD_TRY(inner, envelope(body, QStringLiteral("incident_update")));
    const Fields &f = inner.value();
    if (const QString err =
            f.unknown({QStringLiteral("wants_twitter_update"), QStringLiteral("body"),
                       QStringLiteral("display_at"), QStringLiteral("deliver_notifications")});
        !err.isEmpty())
        return Error{err};
    IncidentUpdateEdit in;
    SD_TRY(text, f.string(QStringLiteral("body")));
    in.body = text.value();
    SD_TRY(displayAt, f.time(QStringLiteral("display_at")));
    in.displayAt = displayAt.value();
    SD_TRY(twitter, f.boolean(QStringLiteral("wants_twitter_update")));
    in.wantsTwitterUpdate = twitter.value();
    SD_TRY(deliver, f.boolean(QStringLiteral("deliver_notifications")));
    in.deliverNotifications = deliver.value();
    if (f.isEmpty())
        return Error{QStringLiteral("incident_update has nothing to change; send body or display_at")};
    return in;
}

Result<QString> parsePostmortem(const QByteArray &body)
{
    SD_TRY(inner, envelope(body, QStringLiteral("postmortem")));
    const Fields &f = inner.value();
    if (const QString err = f.unknown({QStringLiteral("body_draft")}); !err.isEmpty())
        return Error{err};
    SD_TRY(draft, f.string(QStringLiteral("body_draft")));
    if (!draft.value())
        return Error{QStringLiteral("postmortem.body_draft is required")};
    return *draft.value();
}

Result<bool> parsePostmortemPublish(const QByteArray &body)
{
    SD_TRY(parsed, readBody(body));
    if (parsed->top.isEmpty())
        return true;
    SD_TRY(inner, envelope(body, QStringLiteral("postmortem")));
    const Fields &f = inner.value();
    if (const QString err = f.unknown({QStringLiteral("notify_twitter"), QStringLiteral("notify_subscribers"),
                                       QStringLiteral("custom_tweet")});
        !err.isEmpty())
        return Error{err};
    // StatusDesk notifies webhook subscribers of incidents, not of postmortems; these are accepted and
    // ignored.
    if (const QString err =
            f.checkIgnored({QStringLiteral("notify_twitter"), QStringLiteral("notify_subscribers")},
                           {QStringLiteral("custom_tweet")});
        !err.isEmpty())
        return Error{err};
    return true;
}

Result<ListQuery> parseSubscriberQuery(const QUrlQuery &query)
{
    SD_TRY(params, queryMap(query));
    ListQuery out;
    out.state = SubscriberState::Active; // Statuspage's default
    // Parameters Statuspage does not document here are ignored, as it does.
    for (auto it = params->begin(); it != params->end(); ++it) {
        const QString &key = it.key();
        const QString value = it.value().trimmed();
        if (value.isEmpty())
            continue; // an empty parameter is an absent one
        if (key == QLatin1String("state")) {
            if (value == QLatin1String("all")) {
                out.state = std::nullopt;
            } else if (value == QLatin1String("unconfirmed")) {
                out.unconfirmed = true;
            } else if (auto s = parseSubscriberState(value)) {
                out.state = *s;
            } else {
                return Error{QStringLiteral("state \"%1\" is not valid; valid values: active, unconfirmed, "
                                            "quarantined, unsubscribed, all")
                                 .arg(value)};
            }
        } else if (key == QLatin1String("page")) {
            SD_TRY(n, intParam(key, value, 0, kMaxPage));
            out.page = *n.value();
        } else if (key == QLatin1String("limit") || key == QLatin1String("per_page")) {
            SD_TRY(n, intParam(key, value, 1, kMaxPerPage));
            out.perPage = *n.value();
        } else if (key == QLatin1String("type")) {
            static const QStringList types{QStringLiteral("email"),   QStringLiteral("sms"),
                                           QStringLiteral("webhook"), QStringLiteral("slack"),
                                           QStringLiteral("teams"),   QStringLiteral("integration_partner")};
            if (!types.contains(value))
                return Error{QStringLiteral("type \"%1\" is not valid; valid values: %2")
                                 .arg(value, types.join(QStringLiteral(", ")))};
            if (value != QLatin1String("webhook"))
                out.unconfirmed = true; // no subscriber of another type exists: an empty list
        } else if (key == QLatin1String("q")) {
            out.q = value;
        } else if (key == QLatin1String("sort_field")) {
            static const QStringList fields{QStringLiteral("primary"), QStringLiteral("created_at"),
                                            QStringLiteral("quarantined_at"), QStringLiteral("relevance")};
            if (!fields.contains(value))
                return Error{QStringLiteral("sort_field \"%1\" is not valid; valid values: %2")
                                 .arg(value, fields.join(QStringLiteral(", ")))};
            out.byCreatedAt = value != QLatin1String("primary");
        } else if (key == QLatin1String("sort_direction")) {
            if (value != QLatin1String("asc") && value != QLatin1String("desc"))
                return Error{
                    QStringLiteral("sort_direction \"%1\" is not valid; valid values: asc, desc").arg(value)};
            out.newestFirst = value == QLatin1String("desc");
        }
    }
    return out;
}

Result<Paging> parsePaging(const QUrlQuery &query, bool withSearch)
{
    SD_TRY(params, queryMap(query));
    Paging out;
    for (auto it = params->begin(); it != params->end(); ++it) {
        const QString &key = it.key();
        const QString value = it.value().trimmed();
        if (value.isEmpty())
            continue;
        if (key == QLatin1String("page")) {
            SD_TRY(n, intParam(key, value, 1, kMaxPage));
            out.page = *n.value();
        } else if (key == QLatin1String("per_page") || (withSearch && key == QLatin1String("limit"))) {
            SD_TRY(n, intParam(key, value, 1, kMaxPerPage));
            out.perPage = *n.value();
        } else if (withSearch && key == QLatin1String("q")) {
            out.q = value;
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
