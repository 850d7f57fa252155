#include "models/upstreamsummary.h"

#include "models/timeformat.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sd::upstream {
namespace {

QString text(const QJsonObject &o, QLatin1String key)
{
    return o.value(key).toString();
}

QDateTime time(const QJsonObject &o, QLatin1String key)
{
    const QString s = o.value(key).toString();
    return s.isEmpty() ? QDateTime() : timefmt::parseIso(s);
}

// The id, name and status that components and incidents alike have; false when the id or status is missing.
template<class Row> bool readIdentity(const QJsonObject &o, Row &row)
{
    row.id = text(o, QLatin1String("id"));
    row.name = text(o, QLatin1String("name"));
    row.status = text(o, QLatin1String("status"));
    return !row.id.isEmpty() && !row.status.isEmpty();
}

Result<SummaryIncident> readIncident(const QJsonValue &value, bool maintenance)
{
    if (!value.isObject())
        return Error{QStringLiteral("an incident is not a JSON object")};
    const QJsonObject o = value.toObject();
    SummaryIncident i;
    if (!readIdentity(o, i))
        return Error{QStringLiteral("an incident has no id or status")};
    i.impact = text(o, QLatin1String("impact"));
    i.maintenance = maintenance || o.contains(QLatin1String("scheduled_for")) ||
                    (parseIncidentStatus(i.status) && isScheduledMaintenance(*parseIncidentStatus(i.status)));
    i.scheduledFor = time(o, QLatin1String("scheduled_for"));
    i.scheduledUntil = time(o, QLatin1String("scheduled_until"));
    for (const QJsonValue &u : o.value(QLatin1String("incident_updates")).toArray()) {
        const QJsonObject uo = u.toObject();
        SummaryUpdate update;
        update.id = text(uo, QLatin1String("id"));
        update.status = text(uo, QLatin1String("status"));
        update.body = text(uo, QLatin1String("body"));
        update.createdAt = time(uo, QLatin1String("created_at"));
        i.updates.push_back(update);
    }
    i.json = o;
    return i;
}

Result<std::vector<SummaryIncident>> readIncidents(const QJsonObject &root, QLatin1String key,
                                                   bool maintenance)
{
    std::vector<SummaryIncident> out;
    const QJsonValue list = root.value(key);
    if (list.isUndefined() || list.isNull())
        return out;
    if (!list.isArray())
        return Error{QStringLiteral("\"%1\" is not a list").arg(key)};
    for (const QJsonValue &v : list.toArray()) {
        auto i = readIncident(v, maintenance);
        if (!i)
            return Error{i.error()};
        out.push_back(i.value());
    }
    return out;
}

Result<QJsonObject> rootObject(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return Error{QStringLiteral("the answer is not a Statuspage summary (not a JSON object%1)")
                         .arg(error.error != QJsonParseError::NoError
                                  ? QStringLiteral(": ") + error.errorString()
                                  : QString())};
    return doc.object();
}

} // namespace

bool SummaryIncident::isClosed() const
{
    return status == QLatin1String("resolved") || status == QLatin1String("completed");
}

const SummaryComponent *Summary::component(const QString &id) const
{
    for (const SummaryComponent &c : components) {
        if (c.id == id)
            return &c;
    }
    return nullptr;
}

const SummaryIncident *Summary::incident(const QString &id) const
{
    for (const SummaryIncident &i : incidents) {
        if (i.id == id)
            return &i;
    }
    return nullptr;
}

int Summary::countOpenIncidents() const
{
    int n = 0;
    for (const SummaryIncident &i : incidents)
        n += i.maintenance ? 0 : 1;
    return n;
}

Result<Summary> parseSummary(const QByteArray &body)
{
    auto root = rootObject(body);
    if (!root)
        return Error{root.error()};
    const QJsonObject page = root.value().value(QLatin1String("page")).toObject();
    const QJsonObject status = root.value().value(QLatin1String("status")).toObject();
    const QJsonValue components = root.value().value(QLatin1String("components"));
    if (text(page, QLatin1String("id")).isEmpty() || !components.isArray())
        return Error{
            QStringLiteral("the answer is not a Statuspage summary (it has no \"page\" with an id, or no "
                           "\"components\" list)")};
    Summary s;
    s.pageId = text(page, QLatin1String("id"));
    s.pageName = text(page, QLatin1String("name"));
    s.pageUrl = text(page, QLatin1String("url"));
    s.timeZone = text(page, QLatin1String("time_zone"));
    s.updatedAt = time(page, QLatin1String("updated_at"));
    s.indicator = text(status, QLatin1String("indicator"));
    s.description = text(status, QLatin1String("description"));
    for (const QJsonValue &v : components.toArray()) {
        const QJsonObject o = v.toObject();
        SummaryComponent c;
        if (!readIdentity(o, c))
            return Error{
                QStringLiteral("the answer is not a Statuspage summary (a component has no id or status)")};
        c.groupId = text(o, QLatin1String("group_id"));
        c.group = o.value(QLatin1String("group")).toBool();
        c.position = o.value(QLatin1String("position")).toInt();
        c.updatedAt = text(o, QLatin1String("updated_at"));
        c.json = o;
        s.components.push_back(c);
    }
    auto incidents = readIncidents(root.value(), QLatin1String("incidents"), false);
    if (!incidents)
        return Error{QStringLiteral("the answer is not a Statuspage summary (%1)").arg(incidents.error())};
    auto maintenances = readIncidents(root.value(), QLatin1String("scheduled_maintenances"), true);
    if (!maintenances)
        return Error{QStringLiteral("the answer is not a Statuspage summary (%1)").arg(maintenances.error())};
    s.incidents = std::move(incidents.value());
    for (SummaryIncident &m : maintenances.value())
        s.incidents.push_back(std::move(m));
    return s;
}

Result<std::vector<SummaryIncident>> parseIncidentList(const QByteArray &body)
{
    auto root = rootObject(body);
    if (!root)
        return Error{root.error()};
    if (root.value().contains(QLatin1String("scheduled_maintenances")))
        return readIncidents(root.value(), QLatin1String("scheduled_maintenances"), true);
    if (root.value().value(QLatin1String("incidents")).isArray())
        return readIncidents(root.value(), QLatin1String("incidents"), false);
    return Error{QStringLiteral("the answer has no \"incidents\" or \"scheduled_maintenances\" list")};
}

QString statusLabel(const QString &status)
{
    if (const auto s = parseComponentStatus(status))
        return componentStatusLabel(*s);
    return status;
}

QString incidentStatusText(const QString &status)
{
    if (const auto s = parseIncidentStatus(status))
        return incidentStatusLabel(*s);
    return status;
}

} // namespace sd::upstream
