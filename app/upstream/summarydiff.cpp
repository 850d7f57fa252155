#include "app/upstream/summarydiff.h"

#include "models/timeformat.h"
#include "models/values.h"

namespace sd::upstream {
namespace {

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
    const QString status = incidentStatusText(now.status);
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
    c.eventKey = gone ? QStringLiteral("incident:%1:gone").arg(now.id)
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
        c.eventKey = QStringLiteral("page:%1:%2:%3")
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
        c.eventKey = QStringLiteral("component:%1:%2:%3").arg(now.id, now.updatedAt, now.status);
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

} // namespace sd::upstream
