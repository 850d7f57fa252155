#include "app/api/apirequestparser.h"
#include "models/values.h"

#include <QHash>
#include <QRegularExpression>
#include <QUrl>

// Query strings of the API's listings (page, per_page, limit, q, state, sort_*), the uptime range and the
// unsubscribe token.
namespace sd::api {
namespace {

constexpr int kMaxPage = 1000000; // keeps page * per_page far from int overflow

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

// `value` one of `names`, else the sentence naming the parameter and listing them.
QString oneOf(const QString &key, const QString &value, const QStringList &names)
{
    if (names.contains(value))
        return {};
    return QStringLiteral("%1 \"%2\" is not valid; valid values: %3")
        .arg(key, value, names.join(QStringLiteral(", ")));
}

} // namespace

Result<ListQuery> parseSubscriberQuery(const QUrlQuery &query)
{
    auto params = queryMap(query);
    if (!params)
        return Error{params.error()};
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
            auto n = intParam(key, value, 0, kMaxPage);
            if (!n)
                return Error{n.error()};
            out.page = *n.value();
        } else if (key == QLatin1String("limit") || key == QLatin1String("per_page")) {
            auto n = intParam(key, value, 1, kMaxPerPage);
            if (!n)
                return Error{n.error()};
            out.perPage = *n.value();
        } else if (key == QLatin1String("type")) {
            static const QStringList types{QStringLiteral("email"),   QStringLiteral("sms"),
                                           QStringLiteral("webhook"), QStringLiteral("slack"),
                                           QStringLiteral("teams"),   QStringLiteral("integration_partner")};
            if (const QString err = oneOf(key, value, types); !err.isEmpty())
                return Error{err};
            if (value != QLatin1String("webhook"))
                out.unconfirmed = true; // no subscriber of another type exists: an empty list
        } else if (key == QLatin1String("q")) {
            out.q = value;
        } else if (key == QLatin1String("sort_field")) {
            static const QStringList fields{QStringLiteral("primary"), QStringLiteral("created_at"),
                                            QStringLiteral("quarantined_at"), QStringLiteral("relevance")};
            if (const QString err = oneOf(key, value, fields); !err.isEmpty())
                return Error{err};
            out.sort = static_cast<ListQuery::Sort>(fields.indexOf(value)); // listed in the enum's order
        } else if (key == QLatin1String("sort_direction")) {
            if (const QString err = oneOf(key, value, {QStringLiteral("asc"), QStringLiteral("desc")});
                !err.isEmpty())
                return Error{err};
            out.newestFirst = value == QLatin1String("desc");
        }
    }
    // Statuspage: relevance is not valid without search text.
    if (out.sort == ListQuery::Sort::Relevance && out.q.isEmpty())
        return Error{
            QStringLiteral("sort_field relevance needs search text in q (Statuspage: not valid without it)")};
    return out;
}

Result<Paging> parsePaging(const QUrlQuery &query, bool withSearch)
{
    auto params = queryMap(query);
    if (!params)
        return Error{params.error()};
    Paging out;
    for (auto it = params->begin(); it != params->end(); ++it) {
        const QString &key = it.key();
        const QString value = it.value().trimmed();
        if (value.isEmpty())
            continue;
        if (key == QLatin1String("page")) {
            auto n = intParam(key, value, 1, kMaxPage);
            if (!n)
                return Error{n.error()};
            out.page = *n.value();
        } else if (key == QLatin1String("per_page") || (withSearch && key == QLatin1String("limit"))) {
            auto n = intParam(key, value, 1, kMaxPerPage);
            if (!n)
                return Error{n.error()};
            out.perPage = *n.value();
        } else if (withSearch && key == QLatin1String("q")) {
            out.q = value;
        }
    }
    return out;
}

Result<UptimeQuery> parseUptimeQuery(const QUrlQuery &query)
{
    auto params = queryMap(query);
    if (!params)
        return Error{params.error()};
    // Other parameters are ignored, as Statuspage does.
    UptimeQuery out{params->value(QStringLiteral("start")).trimmed(),
                    params->value(QStringLiteral("end")).trimmed()};
    static const QRegularExpression shape(QStringLiteral("^\\d{4}(-\\d{2}(-\\d{2})?)?$"));
    for (const auto &[key, value] : {std::pair{"start", out.start}, std::pair{"end", out.end}}) {
        if (!value.isEmpty() && !shape.match(value).hasMatch())
            return Error{QStringLiteral("%1 \"%2\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
                             .arg(QLatin1String(key), value)};
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
