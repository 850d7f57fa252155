#include "apiroutes.h"

#include <QList>

namespace sd::api {
namespace {

struct Rule
{
    QStringList pattern; // segments after the page id; "{id}" captures
    Endpoint endpoint;
    QList<QByteArray> methods;
};

const QList<Rule> &rules()
{
    // Literal segments are listed before captures so "subscribers/reactivate" is never read as an id.
    static const QList<Rule> table{
        {{}, Endpoint::Page, {"GET"}},
        {{QStringLiteral("subscribers")}, Endpoint::Subscribers, {"GET", "POST"}},
        {{QStringLiteral("subscribers"), QStringLiteral("reactivate")},
         Endpoint::ReactivateSubscribers,
         {"POST"}},
        {{QStringLiteral("subscribers"), QStringLiteral("{id}")}, Endpoint::Subscriber, {"GET", "DELETE"}},
        {{QStringLiteral("components")}, Endpoint::Components, {"GET"}},
        {{QStringLiteral("components"), QStringLiteral("{id}")},
         Endpoint::Component,
         {"GET", "PATCH", "PUT"}},
        {{QStringLiteral("incidents")}, Endpoint::Incidents, {"GET", "POST"}},
        {{QStringLiteral("incidents"), QStringLiteral("{id}")}, Endpoint::Incident, {"GET", "PATCH", "PUT"}},
    };
    return table;
}

bool segmentsMatch(const QStringList &pattern, const QStringList &segments, QString *id)
{
    if (pattern.size() != segments.size())
        return false;
    for (int i = 0; i < pattern.size(); ++i) {
        if (pattern.at(i) == QLatin1String("{id}")) {
            if (segments.at(i).isEmpty())
                return false;
            *id = segments.at(i);
        } else if (pattern.at(i) != segments.at(i)) {
            return false;
        }
    }
    return true;
}

} // namespace

bool isApiPath(const QString &path)
{
    return path == QLatin1String("/v1") || path.startsWith(QLatin1String("/v1/"));
}

RouteMatch matchRoute(const QByteArray &method, const QString &path, const QString &pageId)
{
    RouteMatch out;
    static const QString prefix = QStringLiteral("/v1/pages/");
    if (!path.startsWith(prefix))
        return out;
    QString rest = path.mid(prefix.size());
    if (rest.endsWith(QLatin1Char('/')))
        rest.chop(1);
    QStringList segments = rest.split(QLatin1Char('/'));
    if (segments.isEmpty() || segments.first().isEmpty())
        return out;
    if (segments.takeFirst() != pageId) {
        out.outcome = RouteMatch::Outcome::WrongPage;
        return out;
    }
    for (const Rule &rule : rules()) {
        QString id;
        if (!segmentsMatch(rule.pattern, segments, &id))
            continue;
        out.endpoint = rule.endpoint;
        out.id = id;
        if (rule.methods.contains(method)) {
            out.outcome = RouteMatch::Outcome::Found;
        } else {
            out.outcome = RouteMatch::Outcome::MethodNotAllowed;
            for (const QByteArray &m : rule.methods)
                out.allowedMethods +=
                    (out.allowedMethods.isEmpty() ? QByteArray() : QByteArrayLiteral(", ")) + m;
        }
        return out;
    }
    return out;
}

} // namespace sd::api
