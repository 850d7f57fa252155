#include "app/upstream/statuspagesummary.h"

#include "models/timeformat.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

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

Result<SummaryIncident> readIncident(const QJsonValue &value, bool maintenance)
{
    if (!value.isObject())
        return Error{QStringLiteral("an incident is not a JSON object")};
    const QJsonObject o = value.toObject();
    SummaryIncident i;
    i.id = text(o, QLatin1String("id"));
    i.name = text(o, QLatin1String("name"));
    i.status = text(o, QLatin1String("status"));
    if (i.id.isEmpty() || i.status.isEmpty())
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

QString incidentLabel(const QString &status)
{
    if (const auto s = parseIncidentStatus(status))
        return incidentStatusLabel(*s);
    return status;
}

QString firstLine(const QString &body)
{
    QString line = body.simplified();
    if (line.size() > 140)
        line = line.left(139) + QChar(0x2026);
    return line;
}

// What one incident's change reads as in the timeline.
QString incidentText(const SummaryIncident *before, const SummaryIncident &now, bool gone)
{
    const QString status = incidentLabel(now.status);
    const QString latest =
        now.updates.empty() ? QString() : QStringLiteral(": ") + firstLine(now.updates.front().body);
    if (gone)
        return (now.maintenance ? QStringLiteral("Maintenance no longer listed (completed or removed): %1")
                                : QStringLiteral("Incident no longer listed (resolved or removed): %1"))
            .arg(now.name);
    if (!now.maintenance) {
        if (!before)
            return QStringLiteral("New incident: %1 (%2)%3").arg(now.name, status, latest);
        return QStringLiteral("%1 — %2%3").arg(now.name, status, latest);
    }
    if (!before)
        return QStringLiteral("Maintenance %1: %2%3").arg(status.toLower(), now.name, latest);
    if (before->status != now.status)
        return QStringLiteral("Maintenance %1: %2%3").arg(status.toLower(), now.name, latest);
    return QStringLiteral("Maintenance update: %1 (%2)%3").arg(now.name, status, latest);
}

Change incidentChange(const SummaryIncident *before, const SummaryIncident &now, bool gone)
{
    Change c;
    c.kind = now.maintenance ? UpstreamEvent::Kind::Maintenance : UpstreamEvent::Kind::Incident;
    c.key = gone ? QStringLiteral("incident:%1:gone").arg(now.id)
                 : QStringLiteral("incident:%1:%2:%3").arg(now.id, now.latestUpdateId(), now.status);
    c.subjectId = now.id;
    c.subjectName = now.name;
    c.oldValue = before ? before->status : QString();
    c.newValue = now.status;
    c.text = incidentText(before, now, gone);
    c.occurredAt = now.updates.empty() ? QDateTime() : now.updates.front().createdAt;
    c.subject = now.json;
    return c;
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
        c.id = text(o, QLatin1String("id"));
        c.name = text(o, QLatin1String("name"));
        c.status = text(o, QLatin1String("status"));
        if (c.id.isEmpty() || c.status.isEmpty())
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

std::vector<const SummaryIncident *> vanished(const Summary &before, const Summary &after)
{
    std::vector<const SummaryIncident *> out;
    for (const SummaryIncident &i : before.incidents) {
        if (!after.incident(i.id))
            out.push_back(&i);
    }
    return out;
}

std::vector<Change> diff(const Summary &before, const Summary &after,
                         const std::vector<SummaryIncident> &closed)
{
    std::vector<Change> out;
    if (before.indicator != after.indicator) {
        Change c;
        c.kind = UpstreamEvent::Kind::PageStatus;
        c.key = QStringLiteral("page:%1:%2:%3")
                    .arg(timefmt::isoUtc(after.updatedAt), before.indicator, after.indicator);
        c.subjectId = after.pageId;
        c.subjectName = after.pageName;
        c.oldValue = before.indicator;
        c.newValue = after.indicator;
        c.text = QStringLiteral("Page status: %1 → %2").arg(before.description, after.description);
        c.occurredAt = after.updatedAt;
        out.push_back(c);
    }
    for (const SummaryComponent &now : after.components) {
        const SummaryComponent *was = before.component(now.id);
        if (now.group || !was || was->status == now.status)
            continue;
        Change c;
        c.kind = UpstreamEvent::Kind::Component;
        c.key = QStringLiteral("component:%1:%2:%3").arg(now.id, now.updatedAt, now.status);
        c.subjectId = now.id;
        c.subjectName = now.name;
        c.oldValue = was->status;
        c.newValue = now.status;
        c.text =
            QStringLiteral("%1: %2 → %3").arg(now.name, statusLabel(was->status), statusLabel(now.status));
        c.occurredAt = timefmt::parseIso(now.updatedAt);
        c.subject = now.json;
        out.push_back(c);
    }
    for (const SummaryIncident &now : after.incidents) {
        const SummaryIncident *was = before.incident(now.id);
        if (was && was->latestUpdateId() == now.latestUpdateId() && was->status == now.status)
            continue;
        out.push_back(incidentChange(was, now, false));
    }
    for (const SummaryIncident *was : vanished(before, after)) {
        const SummaryIncident *found = nullptr;
        for (const SummaryIncident &c : closed) {
            if (c.id == was->id)
                found = &c;
        }
        if (found && (found->latestUpdateId() != was->latestUpdateId() || found->status != was->status)) {
            SummaryIncident known = *found;
            known.maintenance = was->maintenance;
            out.push_back(incidentChange(was, known, false));
            continue;
        }
        // Not in the lists (older than their last 50) or unchanged there (removed): closed as last seen.
        SummaryIncident last = *was;
        last.status = was->maintenance ? QStringLiteral("completed") : QStringLiteral("resolved");
        last.json.insert(QStringLiteral("status"), last.status);
        out.push_back(incidentChange(was, last, true));
    }
    return out;
}

QString statusLabel(const QString &status)
{
    if (const auto s = parseComponentStatus(status))
        return componentStatusLabel(*s);
    return status;
}

} // namespace sd::upstream
