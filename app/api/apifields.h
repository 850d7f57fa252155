#pragma once

#include "models/result.h"

#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <functional>
#include <optional>

// Unwraps a Result into `var` or returns its error from the enclosing function.
#define SD_TRY(var, expr)                                                                                    \
    auto var = (expr);                                                                                       \
    if (!var)                                                                                                \
        return Error{var.error()};

// How the request parser reads one request object: a Fields view of it (typed reads with the messages the
// API answers) and declarative field tables, one line per field naming its JSON key, how it is read and the
// member it lands in. Internal to app/api's parser (apirequestparser.cpp, apirequestbody.cpp).
namespace sd::api {

QString typeName(const QJsonValue &v);
Error wrongType(const QString &field, const char *expected, const QJsonValue &v);

// One request object (e.g. the "component" inside the body) and how to read its fields. Each read returns
// the value (nullopt when absent or null) or the one sentence naming the field and what is wrong.
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
    QJsonValue value(const QString &key) const { return m_o.value(key); }
    const QJsonObject &object() const { return m_o; }
    QString field(const QString &key) const; // "component.name"

    // Empty when every field is one of `keys`, else the message naming the first that is not and listing
    // `documented` (Statuspage's names, in its order).
    QString unknown(const QStringList &keys, const QString &documented) const;

    Result<std::optional<QString>> string(const QString &key) const;
    // As string(), but an empty string is absent too (optional enums, times and dates).
    Result<std::optional<QString>> nonEmpty(const QString &key) const;
    Result<std::optional<bool>> boolean(const QString &key) const;           // form bodies: true/false/1/0
    Result<std::optional<QStringList>> stringList(const QString &key) const; // form bodies: a,b
    Result<QDateTime> time(const QString &key) const; // ISO 8601, in UTC; unset if absent
    Result<std::optional<QDate>> date(const QString &key) const;
    template<typename T, typename Parse>
    Result<std::optional<T>> enumeration(const QString &key, Parse parse, const QStringList &names) const
    {
        auto s = nonEmpty(key);
        if (!s)
            return Error{s.error()};
        if (!s.value())
            return std::optional<T>();
        if (auto v = parse(*s.value()))
            return std::optional<T>(*v);
        return invalid(key, *s.value(), names);
    }

private:
    Error invalid(const QString &key, const QString &value, const QStringList &names) const;

    QJsonObject m_o;
    QString m_prefix;
    bool m_form;
};

// The body must be {"<key>": {...}} (plus the documented top-level `extra` fields), as Statuspage's API wraps
// every object; the inner object is returned. The top level is returned in `top` when asked for.
Result<Fields> envelope(const QByteArray &body, const QString &key, const QStringList &extra = {},
                        Fields *top = nullptr);

// One line of a field table: the JSON key and how it is read into an `In` ("" when fine, else the message).
template<typename In> struct Field
{
    QString key;
    std::function<QString(const Fields &, In &)> read;
};

// One field, or several read alike (the documented fields StatusDesk only checks the type of), as a table
// lists them.
template<typename In> struct FieldGroup
{
    FieldGroup(Field<In> field) // NOLINT(google-explicit-constructor): a table line is a field or a group
        : fields{std::move(field)}
    {}
    explicit FieldGroup(QList<Field<In>> list)
        : fields(std::move(list))
    {}
    QList<Field<In>> fields;
};

// The fields of one request object, in the order they are checked (the first wrong one is answered), and
// `documented`: the names as Statuspage lists them, which the message for an unknown field quotes. The two
// name the same fields (checked when the table is built).
template<typename In> class FieldTable
{
public:
    FieldTable(const char *documented, std::initializer_list<FieldGroup<In>> groups)
        : m_documented(QLatin1String(documented))
    {
        for (const FieldGroup<In> &g : groups)
            m_fields << g.fields;
        for (const Field<In> &f : std::as_const(m_fields))
            m_keys << f.key;
        QStringList listed = m_documented.split(QStringLiteral(", "));
        QStringList keys = m_keys;
        listed.sort();
        keys.sort();
        if (listed != keys) // a table and its documented names drifted apart: a programming error
            qFatal("field table: documented names \"%s\" differ from the table's fields", documented);
    }

    // Every field of `f` known, then each read in the table's order into `in`.
    Result<In> read(const Fields &f, In in = {}) const
    {
        if (const QString err = unknownIn(f); !err.isEmpty())
            return Error{err};
        return fill(f, std::move(in));
    }
    QString unknownIn(const Fields &f) const { return f.unknown(m_keys, m_documented); }
    Result<In> fill(const Fields &f, In in) const
    {
        for (const Field<In> &field : m_fields) {
            if (const QString err = field.read(f, in); !err.isEmpty())
                return Error{err};
        }
        return in;
    }

private:
    QString m_documented;
    QList<Field<In>> m_fields;
    QStringList m_keys;
};

// The kinds of field, for tables of `In`: each names the key and the member it fills.
template<typename In> struct FieldsOf
{
    using F = Field<In>;

    // A string; absent or null leaves the member unset. With `required`, absent is that message.
    static F text(const char *key, std::optional<QString> In::*m) { return read(key, m, &Fields::string); }
    static F text(const char *key, QString In::*m, const char *required)
    {
        return {QLatin1String(key), [=](const Fields &f, In &in) -> QString {
                    auto v = f.string(QLatin1String(key));
                    if (!v)
                        return v.error();
                    if (!v.value())
                        return QLatin1String(required);
                    in.*m = *v.value();
                    return {};
                }};
    }
    // A string where "" is absent too (time zones, enums).
    static F optionalText(const char *key, std::optional<QString> In::*m)
    {
        return read(key, m, &Fields::nonEmpty);
    }
    static F flag(const char *key, std::optional<bool> In::*m) { return read(key, m, &Fields::boolean); }
    static F flag(const char *key, bool In::*m, bool byDefault)
    {
        return {QLatin1String(key), [=](const Fields &f, In &in) -> QString {
                    auto v = f.boolean(QLatin1String(key));
                    if (!v)
                        return v.error();
                    in.*m = v.value().value_or(byDefault);
                    return {};
                }};
    }
    static F ids(const char *key, std::optional<QStringList> In::*m)
    {
        return read(key, m, &Fields::stringList);
    }
    static F ids(const char *key, QStringList In::*m)
    {
        return {QLatin1String(key), [=](const Fields &f, In &in) -> QString {
                    auto v = f.stringList(QLatin1String(key));
                    if (!v)
                        return v.error();
                    in.*m = v.value().value_or(QStringList());
                    return {};
                }};
    }
    static F time(const char *key, QDateTime In::*m) { return read(key, m, &Fields::time); }
    static F date(const char *key, std::optional<QDate> In::*m) { return read(key, m, &Fields::date); }
    template<typename E, typename Parse>
    static F oneOf(const char *key, std::optional<E> In::*m, Parse parse, const QStringList &names)
    {
        return {QLatin1String(key), [=](const Fields &f, In &in) -> QString {
                    auto v = f.enumeration<E>(QLatin1String(key), parse, names);
                    if (!v)
                        return v.error();
                    in.*m = v.value();
                    return {};
                }};
    }
    // Documented fields StatusDesk has no use for: accepted, but still of their documented type.
    static FieldGroup<In> unusedFlags(std::initializer_list<const char *> keys)
    {
        return unused(keys, &Fields::boolean);
    }
    static FieldGroup<In> unusedTexts(std::initializer_list<const char *> keys)
    {
        return unused(keys, &Fields::string);
    }
    static F unusedObject(const char *key)
    {
        return {QLatin1String(key), [=](const Fields &f, In &) -> QString {
                    const QJsonValue v = f.value(QLatin1String(key));
                    if (!v.isUndefined() && !v.isNull() && !v.isObject())
                        return wrongType(f.field(QLatin1String(key)), "an object", v).message;
                    return {};
                }};
    }
    // Anything else: `read` checks the field and fills `in` itself.
    static F custom(const char *key, std::function<QString(const Fields &, const QString &key, In &)> read)
    {
        return {QLatin1String(key), [=](const Fields &f, In &in) { return read(f, QLatin1String(key), in); }};
    }

private:
    template<typename T, typename R>
    static F read(const char *key, T In::*m, Result<R> (Fields::*reader)(const QString &) const)
    {
        return {QLatin1String(key), [=](const Fields &f, In &in) -> QString {
                    auto v = (f.*reader)(QLatin1String(key));
                    if (!v)
                        return v.error();
                    in.*m = v.value();
                    return {};
                }};
    }
    template<typename R>
    static FieldGroup<In> unused(std::initializer_list<const char *> keys,
                                 Result<R> (Fields::*reader)(const QString &) const)
    {
        QList<F> list;
        for (const char *key : keys) {
            list.push_back({QLatin1String(key), [=](const Fields &f, In &) -> QString {
                                auto v = (f.*reader)(QLatin1String(key));
                                return v ? QString() : v.error();
                            }});
        }
        return FieldGroup<In>(std::move(list));
    }
};

} // namespace sd::api
