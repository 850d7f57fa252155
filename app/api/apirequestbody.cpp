#include "app/api/apifields.h"
#include "app/api/apirequestparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrl>

// Request bodies as JSON objects (JSON or form-encoded) and the typed reads of their fields.
namespace sd::api {
namespace {

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

} // namespace

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

Result<RequestBody> readBody(const QByteArray &body)
{
    RequestBody out;
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty())
        return out;
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
        // Statuspage takes application/x-www-form-urlencoded bodies too; a JSON body always starts with '{'.
        auto form = parseForm(trimmed);
        if (!form)
            return Error{form.error()};
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

Result<Fields> envelope(const QByteArray &body, const QString &key, const QStringList &extra, Fields *top)
{
    auto parsed = readBody(body);
    if (!parsed)
        return Error{parsed.error()};
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

QString Fields::field(const QString &key) const
{
    return m_prefix.isEmpty() ? key : m_prefix + QLatin1Char('.') + key;
}

QString Fields::unknown(const QStringList &keys, const QString &documented) const
{
    for (auto it = m_o.begin(); it != m_o.end(); ++it) {
        if (!keys.contains(it.key()))
            return QStringLiteral("unknown field \"%1\"; Statuspage documents: %2")
                .arg(field(it.key()), documented);
    }
    return {};
}

Result<std::optional<QString>> Fields::string(const QString &key) const
{
    const QJsonValue v = m_o.value(key);
    if (v.isUndefined() || v.isNull())
        return std::optional<QString>();
    if (!v.isString())
        return wrongType(field(key), "a string", v);
    return std::optional<QString>(v.toString());
}

Result<std::optional<QString>> Fields::nonEmpty(const QString &key) const
{
    auto s = string(key);
    if (s && s.value() && s.value()->trimmed().isEmpty())
        return std::optional<QString>();
    return s;
}

Result<std::optional<bool>> Fields::boolean(const QString &key) const
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
        return Error{QStringLiteral("%1 must be true or false, not \"%2\"").arg(field(key), v.toString())};
    }
    return wrongType(field(key), "a boolean", v);
}

Result<std::optional<QStringList>> Fields::stringList(const QString &key) const
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

Result<QDateTime> Fields::time(const QString &key) const
{
    auto s = nonEmpty(key);
    if (!s)
        return Error{s.error()};
    if (!s.value())
        return QDateTime();
    const QDateTime t = QDateTime::fromString(s.value()->trimmed(), Qt::ISODateWithMs);
    if (!t.isValid())
        return Error{
            QStringLiteral("%1 must be an ISO 8601 time such as 2024-05-01T12:00:00Z").arg(field(key))};
    return t.toUTC();
}

Result<std::optional<QDate>> Fields::date(const QString &key) const
{
    auto s = nonEmpty(key);
    if (!s)
        return Error{s.error()};
    if (!s.value())
        return std::optional<QDate>();
    const QDate d = QDate::fromString(s.value()->trimmed(), Qt::ISODate);
    if (!d.isValid())
        return Error{QStringLiteral("%1 must be a date such as 2024-05-01").arg(field(key))};
    return std::optional<QDate>(d);
}

Error Fields::invalid(const QString &key, const QString &value, const QStringList &names) const
{
    return Error{QStringLiteral("%1 \"%2\" is not valid; valid values: %3")
                     .arg(field(key), value, names.join(QStringLiteral(", ")))};
}

} // namespace sd::api
