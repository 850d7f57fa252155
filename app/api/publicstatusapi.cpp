#include "app/api/publicstatusapi.h"

#include "app/formats/jsonviews.h"
#include "app/formats/webhookpayload.h"
#include "app/services/uptimereport.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QHash>
#include <algorithm>

namespace sd::api {
namespace {

constexpr int kRecentLimit = 50; // "the 50 most recent", as Statuspage's incidents.json says

// Keeps only `keys` of `from`, in Statuspage's public shape; a key `from` lacks is null.
QJsonObject pick(const QJsonObject &from, std::initializer_list<QLatin1String> keys)
{
    QJsonObject out;
    for (const QLatin1String key : keys)
        out.insert(key, from.value(key).isUndefined() ? QJsonValue(QJsonValue::Null) : from.value(key));
    return out;
}

QJsonObject publicComponent(const QJsonObject &full)
{
    return pick(full, {QLatin1String("id"), QLatin1String("name"), QLatin1String("status"),
                       QLatin1String("created_at"), QLatin1String("updated_at"), QLatin1String("position"),
                       QLatin1String("description"), QLatin1String("showcase"), QLatin1String("start_date"),
                       QLatin1String("group_id"), QLatin1String("page_id"), QLatin1String("group"),
                       QLatin1String("only_show_if_degraded")});
}

QDateTime later(const QDateTime &a, const QDateTime &b)
{
    if (!a.isValid())
        return b;
    if (!b.isValid())
        return a;
    return std::max(a, b);
}

} // namespace

PublicSnapshot PublicSnapshot::load(Store &store, const QDateTime &now)
{
    PublicSnapshot s;
    s.now = now;
    s.page = store.page.get();
    s.components = store.components.all();
    s.groups = store.components.groups();
    s.incidents = store.incidents.all();
    // The roll-up the console's status bar shows (ServiceContext::currentPageStatus), from the rows above.
    std::vector<ComponentStatus> statuses;
    for (const Component &c : s.components)
        statuses.push_back(c.status);
    std::vector<Incident> open;
    for (const Incident &i : s.incidents) {
        if (i.status != IncidentStatus::Resolved && i.status != IncidentStatus::Completed)
            open.push_back(i);
    }
    s.status = pageStatus(statuses, open);
    std::stable_sort(s.incidents.begin(), s.incidents.end(),
                     [](const Incident &a, const Incident &b) { return a.createdAt > b.createdAt; });
    UptimeReporter history(store, [now]() { return now; });
    for (const Component &c : s.components) {
        if (c.showcase)
            s.componentHistory.insert(c.id,
                                      {history.componentDays(c), history.componentFigures(c).percentage()});
    }
    s.pageDays = history.pageDays();
    return s;
}

QDateTime PublicSnapshot::updatedAt() const
{
    QDateTime t = page.updatedAt;
    for (const Component &c : components)
        t = later(t, c.updatedAt);
    for (const Incident &i : incidents)
        t = later(t, i.updatedAt);
    return t;
}

bool isMaintenance(const Incident &i)
{
    return isScheduledMaintenance(i.status);
}

bool isUnresolvedIncident(const Incident &i)
{
    return i.status == IncidentStatus::Investigating || i.status == IncidentStatus::Identified ||
           i.status == IncidentStatus::Monitoring;
}

bool isUpcomingMaintenance(const Incident &i)
{
    return i.status == IncidentStatus::Scheduled;
}

bool isActiveMaintenance(const Incident &i)
{
    return i.status == IncidentStatus::InProgress || i.status == IncidentStatus::Verifying;
}

namespace publicjson {

QJsonObject page(const PublicSnapshot &s)
{
    return {{QStringLiteral("id"), s.page.id},
            {QStringLiteral("name"), s.page.name},
            {QStringLiteral("url"), s.page.url},
            {QStringLiteral("time_zone"), s.page.timeZone},
            {QStringLiteral("updated_at"), timefmt::inZone(s.updatedAt(), s.page.timeZone)}};
}

QJsonObject status(const PublicSnapshot &s)
{
    return {{QStringLiteral("indicator"), s.status.indicator},
            {QStringLiteral("description"), s.status.description}};
}

QJsonArray components(const PublicSnapshot &s)
{
    QHash<QString, std::vector<const Component *>> members;
    for (const Component &c : s.components) {
        if (!c.groupId.isEmpty())
            members[c.groupId].push_back(&c);
    }
    QJsonArray out;
    QSet<QString> groupsDone;
    for (const Component &c : s.components) {
        if (!c.groupId.isEmpty() && !groupsDone.contains(c.groupId)) {
            groupsDone.insert(c.groupId);
            const auto g = std::find_if(s.groups.begin(), s.groups.end(),
                                        [&](const ComponentGroup &x) { return x.id == c.groupId; });
            // A group's row: the worst status of its members, the span of their timestamps.
            const auto &list = members.value(c.groupId);
            ComponentStatus worst = ComponentStatus::Operational;
            // Groups made before schema v6 have no timestamps of their own: the span of their members'.
            QDateTime created = g != s.groups.end() ? g->createdAt : QDateTime();
            QDateTime updated = g != s.groups.end() ? g->updatedAt : QDateTime();
            QJsonArray ids;
            for (const Component *m : list) {
                if (severity(m->status) > severity(worst))
                    worst = m->status;
                created = !created.isValid() ? m->createdAt : std::min(created, m->createdAt);
                updated = later(updated, m->updatedAt);
                ids.append(m->id);
            }
            out.append(
                QJsonObject{{QStringLiteral("id"), c.groupId},
                            {QStringLiteral("name"), g != s.groups.end() ? g->name : c.groupId},
                            {QStringLiteral("status"), toString(worst)},
                            {QStringLiteral("created_at"), timefmt::inZone(created, s.page.timeZone)},
                            {QStringLiteral("updated_at"), timefmt::inZone(updated, s.page.timeZone)},
                            {QStringLiteral("position"), g != s.groups.end() ? g->position : 0},
                            {QStringLiteral("description"), g != s.groups.end() && !g->description.isEmpty()
                                                                ? QJsonValue(g->description)
                                                                : QJsonValue(QJsonValue::Null)},
                            {QStringLiteral("showcase"), false},
                            {QStringLiteral("start_date"), QJsonValue(QJsonValue::Null)},
                            {QStringLiteral("group_id"), QJsonValue(QJsonValue::Null)},
                            {QStringLiteral("page_id"), s.page.id},
                            {QStringLiteral("group"), true},
                            {QStringLiteral("only_show_if_degraded"), false},
                            {QStringLiteral("components"), ids}});
        }
        out.append(publicComponent(json::apiComponent(c, s.page.id)));
    }
    return out;
}

QJsonObject incident(const PublicSnapshot &s, const Incident &i)
{
    const QJsonObject full = payload::incidentObject(s.page, i, s.components);
    QJsonArray updates;
    for (const QJsonValue &u : full.value(QLatin1String("incident_updates")).toArray()) {
        updates.append(
            pick(u.toObject(), {QLatin1String("id"), QLatin1String("status"), QLatin1String("body"),
                                QLatin1String("incident_id"), QLatin1String("created_at"),
                                QLatin1String("updated_at"), QLatin1String("display_at"),
                                QLatin1String("affected_components"), QLatin1String("deliver_notifications"),
                                QLatin1String("custom_tweet"), QLatin1String("tweet_id")}));
    }
    QJsonArray components;
    for (const Component &c : s.components) {
        if (i.componentIds.contains(c.id))
            components.append(publicComponent(json::apiComponent(c, s.page.id)));
    }
    QJsonObject out =
        pick(full, {QLatin1String("id"), QLatin1String("name"), QLatin1String("status"),
                    QLatin1String("created_at"), QLatin1String("updated_at"), QLatin1String("monitoring_at"),
                    QLatin1String("resolved_at"), QLatin1String("impact"), QLatin1String("shortlink"),
                    QLatin1String("started_at"), QLatin1String("page_id")});
    out.insert(QStringLiteral("incident_updates"), updates);
    out.insert(QStringLiteral("components"), components);
    if (isMaintenance(i)) {
        out.insert(QStringLiteral("scheduled_for"), full.value(QLatin1String("scheduled_for")));
        out.insert(QStringLiteral("scheduled_until"), full.value(QLatin1String("scheduled_until")));
    }
    return out;
}

} // namespace publicjson

namespace {

template<typename Pred> QJsonArray incidents(const PublicSnapshot &s, Pred keep, int limit = -1)
{
    QJsonArray out;
    for (const Incident &i : s.incidents) {
        if (limit >= 0 && out.size() >= limit)
            break;
        if (keep(i))
            out.append(publicjson::incident(s, i));
    }
    return out;
}

// Maintenances by their window, the latest first (created_at ties when several are scheduled at once).
PublicSnapshot bySchedule(PublicSnapshot s)
{
    std::stable_sort(s.incidents.begin(), s.incidents.end(),
                     [](const Incident &a, const Incident &b) { return a.scheduledFor > b.scheduledFor; });
    return s;
}

ApiResponse ok(const PublicSnapshot &s, std::initializer_list<std::pair<QString, QJsonValue>> fields)
{
    QJsonObject body{{QStringLiteral("page"), publicjson::page(s)}};
    for (const auto &[key, value] : fields)
        body.insert(key, value);
    ApiResponse r = ApiResponse::json(200, body);
    r.contentType = QByteArrayLiteral("application/json; charset=utf-8");
    return r;
}

} // namespace

bool isPublicApiPath(const QString &path)
{
    return path == QLatin1String("/api/v2") || path.startsWith(QLatin1String("/api/v2/"));
}

void addCorsHeaders(ApiResponse &response)
{
    // Read-only public data, meant to be embedded on any site (the status widget fetches it cross-origin).
    response.headers.append({QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*")});
    response.headers.append(
        {QByteArrayLiteral("Access-Control-Allow-Methods"), QByteArrayLiteral("GET, HEAD, OPTIONS")});
    response.headers.append({QByteArrayLiteral("Access-Control-Allow-Headers"),
                             QByteArrayLiteral("Content-Type, Accept, Cache-Control, If-None-Match")});
    response.headers.append({QByteArrayLiteral("Access-Control-Max-Age"), QByteArrayLiteral("86400")});
    response.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")});
    response.headers.append({QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")});
}

std::optional<ApiResponse> answerPublicApi(const ApiRequest &request, const PublicSnapshot &s)
{
    if (!isPublicApiPath(request.path))
        return std::nullopt;
    QString name = request.path.mid(static_cast<qsizetype>(sizeof("/api/v2/") - 1));
    if (name.endsWith(QLatin1String(".json")))
        name.chop(5);
    static const QStringList known{
        QStringLiteral("summary"),
        QStringLiteral("status"),
        QStringLiteral("components"),
        QStringLiteral("incidents"),
        QStringLiteral("incidents/unresolved"),
        QStringLiteral("scheduled-maintenances"),
        QStringLiteral("scheduled-maintenances/upcoming"),
        QStringLiteral("scheduled-maintenances/active"),
    };
    ApiResponse r;
    if (!known.contains(name)) {
        r = ApiResponse::error(
            404, QStringLiteral("no such public API path: %1; see /api/v2/summary.json").arg(request.path));
    } else if (request.method == "OPTIONS") {
        r.status = 204;
        r.contentType = QByteArrayLiteral("text/plain");
    } else if (request.method != "GET" && request.method != "HEAD") {
        r = ApiResponse::error(405,
                               QStringLiteral("method %1 is not allowed here; the public API is read-only "
                                              "(GET, HEAD, OPTIONS)")
                                   .arg(QString::fromLatin1(request.method)));
        r.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD, OPTIONS")});
    } else if (name == QLatin1String("summary")) {
        r = ok(s, {{QStringLiteral("components"), publicjson::components(s)},
                   {QStringLiteral("incidents"), incidents(s, isUnresolvedIncident)},
                   {QStringLiteral("scheduled_maintenances"), incidents(s,
                                                                        [](const Incident &i) {
                                                                            return isUpcomingMaintenance(i) ||
                                                                                   isActiveMaintenance(i);
                                                                        })},
                   {QStringLiteral("status"), publicjson::status(s)}});
    } else if (name == QLatin1String("status")) {
        r = ok(s, {{QStringLiteral("status"), publicjson::status(s)}});
    } else if (name == QLatin1String("components")) {
        r = ok(s, {{QStringLiteral("components"), publicjson::components(s)}});
    } else if (name == QLatin1String("incidents")) {
        r = ok(s, {{QStringLiteral("incidents"),
                    incidents(
                        s, [](const Incident &i) { return !isMaintenance(i); }, kRecentLimit)}});
    } else if (name == QLatin1String("incidents/unresolved")) {
        r = ok(s, {{QStringLiteral("incidents"), incidents(s, isUnresolvedIncident)}});
    } else if (name == QLatin1String("scheduled-maintenances")) {
        r = ok(s, {{QStringLiteral("scheduled_maintenances"),
                    incidents(bySchedule(s), isMaintenance, kRecentLimit)}});
    } else if (name == QLatin1String("scheduled-maintenances/upcoming")) {
        r = ok(s, {{QStringLiteral("scheduled_maintenances"), incidents(s, isUpcomingMaintenance)}});
    } else {
        r = ok(s, {{QStringLiteral("scheduled_maintenances"), incidents(s, isActiveMaintenance)}});
    }
    addCorsHeaders(r);
    return r;
}

} // namespace sd::api
