#include "app/api/apiroutes.h"

namespace sd::api {
namespace {

struct Rule
{
    QStringList pattern; // segments after the page id; "{id}" captures
    Endpoint endpoint;
    QList<QByteArray> methods;
    QList<QByteArray> extraMethods = {};
};

QStringList seg(std::initializer_list<const char *> parts)
{
    QStringList out;
    for (const char *p : parts)
        out << QString::fromLatin1(p);
    return out;
}

const QList<Rule> &rules()
{
    // Literal segments are listed before captures so "subscribers/reactivate" is never read as an id.
    static const QList<Rule> table{
        {{}, Endpoint::Page, {"GET", "PATCH", "PUT"}},
        {seg({"subscribers"}), Endpoint::Subscribers, {"GET", "POST"}},
        {seg({"subscribers", "count"}), Endpoint::SubscriberCount, {"GET"}},
        {seg({"subscribers", "unsubscribed"}), Endpoint::UnsubscribedSubscribers, {"GET"}},
        {seg({"subscribers", "unsubscribe"}), Endpoint::UnsubscribeSubscribers, {"POST"}},
        {seg({"subscribers", "reactivate"}), Endpoint::ReactivateSubscribers, {"POST"}},
        {seg({"subscribers", "{id}"}), Endpoint::Subscriber, {"GET", "PATCH", "DELETE"}},
        {seg({"components"}), Endpoint::Components, {"GET", "POST"}},
        {seg({"components", "{id}"}), Endpoint::Component, {"GET", "PATCH", "PUT", "DELETE"}},
        {seg({"component-groups"}), Endpoint::ComponentGroups, {"GET", "POST"}},
        {seg({"component-groups", "{id}"}), Endpoint::ComponentGroup, {"GET", "PATCH", "PUT", "DELETE"}},
        {seg({"incidents"}), Endpoint::Incidents, {"GET", "POST"}},
        {seg({"incidents", "unresolved"}), Endpoint::IncidentsUnresolved, {"GET"}},
        {seg({"incidents", "scheduled"}), Endpoint::IncidentsScheduled, {"GET"}},
        {seg({"incidents", "upcoming"}), Endpoint::IncidentsUpcoming, {"GET"}},
        {seg({"incidents", "active_maintenance"}), Endpoint::IncidentsActiveMaintenance, {"GET"}},
        {seg({"incidents", "{id}"}), Endpoint::Incident, {"GET", "PATCH", "PUT", "DELETE"}},
        {seg({"incidents", "{id}", "incident_updates", "{id}"}), Endpoint::IncidentUpdate, {"PATCH", "PUT"}},
        // atlassian-python-api sends POST where Statuspage documents PUT for the postmortem calls.
        {seg({"incidents", "{id}", "postmortem"}), Endpoint::Postmortem, {"GET", "PUT", "DELETE"}, {"POST"}},
        {seg({"incidents", "{id}", "postmortem", "publish"}), Endpoint::PostmortemPublish, {"PUT"}, {"POST"}},
        {seg({"incidents", "{id}", "postmortem", "revert"}), Endpoint::PostmortemRevert, {"PUT"}, {"POST"}},
    };
    return table;
}

bool segmentsMatch(const QStringList &pattern, const QStringList &segments, QStringList *ids)
{
    if (pattern.size() != segments.size())
        return false;
    QStringList captured;
    for (int i = 0; i < pattern.size(); ++i) {
        if (pattern.at(i) == QLatin1String("{id}")) {
            if (segments.at(i).isEmpty())
                return false;
            captured << segments.at(i);
        } else if (pattern.at(i) != segments.at(i)) {
            return false;
        }
    }
    *ids = captured;
    return true;
}

QByteArray joined(const QList<QByteArray> &methods)
{
    QByteArray out;
    for (const QByteArray &m : methods)
        out += (out.isEmpty() ? QByteArray() : QByteArrayLiteral(", ")) + m;
    return out;
}

void decide(RouteMatch &out, const QByteArray &method, const QList<QByteArray> &methods,
            const QList<QByteArray> &extra)
{
    if (methods.contains(method) || extra.contains(method)) {
        out.outcome = RouteMatch::Outcome::Found;
        return;
    }
    out.outcome = RouteMatch::Outcome::MethodNotAllowed;
    out.allowedMethods = joined(methods + extra);
}

} // namespace

QList<RouteInfo> routeTable()
{
    QList<RouteInfo> out{{QStringLiteral("/v1/pages"), {"GET"}, {}, Endpoint::Pages}};
    for (const Rule &rule : rules()) {
        QStringList parts{QStringLiteral("/v1/pages/{page_id}")};
        int captures = 0;
        for (const QString &s : rule.pattern)
            parts << (s == QLatin1String("{id}")
                          ? (captures++ == 0 ? QStringLiteral("{id}") : QStringLiteral("{update_id}"))
                          : s);
        out.append({parts.join(QLatin1Char('/')), rule.methods, rule.extraMethods, rule.endpoint});
    }
    return out;
}

bool isApiPath(const QString &path)
{
    return path == QLatin1String("/v1") || path.startsWith(QLatin1String("/v1/"));
}

RouteMatch matchRoute(const QByteArray &method, const QString &path, const QString &pageId)
{
    RouteMatch out;
    QString rest = path;
    // Statuspage answers every path with a ".json" suffix too (/v1/pages/{page_id}/components.json).
    if (rest.endsWith(QLatin1String(".json")))
        rest.chop(5);
    if (rest.endsWith(QLatin1Char('/')))
        rest.chop(1);
    if (rest == QLatin1String("/v1/pages")) {
        out.endpoint = Endpoint::Pages;
        decide(out, method, {"GET"}, {});
        return out;
    }
    static const QString prefix = QStringLiteral("/v1/pages/");
    if (!rest.startsWith(prefix))
        return out;
    rest = rest.mid(prefix.size());
    QStringList segments = rest.split(QLatin1Char('/'));
    if (segments.isEmpty() || segments.first().isEmpty())
        return out;
    if (segments.takeFirst() != pageId) {
        out.outcome = RouteMatch::Outcome::WrongPage;
        return out;
    }
    for (const Rule &rule : rules()) {
        QStringList ids;
        if (!segmentsMatch(rule.pattern, segments, &ids))
            continue;
        out.endpoint = rule.endpoint;
        out.id = ids.value(0);
        out.subId = ids.value(1);
        decide(out, method, rule.methods, rule.extraMethods);
        return out;
    }
    return out;
}

} // namespace sd::api
