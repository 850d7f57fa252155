#include "models/uptime.h"

#include "models/statusrules.h"

#include <algorithm>

namespace sd::uptime {

std::vector<Span> spans(std::vector<ComponentUpdate> changes, ComponentStatus current, const QDateTime &since,
                        const QDateTime &from, const QDateTime &to)
{
    std::vector<Span> out;
    const QDateTime begin = since.isValid() && since > from ? since : from;
    if (!begin.isValid() || !to.isValid() || begin >= to)
        return out;
    std::stable_sort(changes.begin(), changes.end(), [](const ComponentUpdate &a, const ComponentUpdate &b) {
        return a.createdAt < b.createdAt;
    });
    // The status at `begin`: the new status of the last change at or before it, else the first change's old
    // one.
    ComponentStatus status = changes.empty() ? current : changes.front().oldStatus;
    QDateTime cursor = begin;
    for (const ComponentUpdate &c : changes) {
        if (c.createdAt <= begin) {
            status = c.newStatus;
            continue;
        }
        if (c.createdAt >= to)
            break;
        out.push_back({cursor, c.createdAt, status});
        cursor = c.createdAt;
        status = c.newStatus;
    }
    out.push_back({cursor, to, status});
    return out;
}

std::vector<Span> worstOf(const std::vector<std::vector<Span>> &members)
{
    std::vector<QDateTime> edges;
    for (const auto &m : members)
        for (const Span &s : m) {
            edges.push_back(s.start);
            edges.push_back(s.end);
        }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    std::vector<Span> out;
    for (size_t i = 0; i + 1 < edges.size(); ++i) {
        bool covered = false;
        ComponentStatus worst = ComponentStatus::Operational;
        for (const auto &m : members)
            for (const Span &s : m)
                if (s.start <= edges[i] && edges[i] < s.end) {
                    covered = true;
                    if (severity(s.status) > severity(worst))
                        worst = s.status;
                }
        if (!covered)
            continue;
        if (!out.empty() && out.back().status == worst && out.back().end == edges[i])
            out.back().end = edges[i + 1];
        else
            out.push_back({edges[i], edges[i + 1], worst});
    }
    return out;
}

double Figures::percentage() const
{
    if (countedSeconds <= 0)
        return 100.0;
    return std::clamp(100.0 * (1.0 - downtimeSeconds() / double(countedSeconds)), 0.0, 100.0);
}

Figures figures(const std::vector<Span> &spans, const QDateTime &from, const QDateTime &to)
{
    Figures f;
    for (const Span &s : spans) {
        const QDateTime a = std::max(s.start, from);
        const QDateTime b = std::min(s.end, to);
        if (a >= b)
            continue;
        const qint64 secs = a.secsTo(b);
        f.countedSeconds += secs;
        switch (s.status) {
        case ComponentStatus::MajorOutage:
            f.majorOutageSeconds += secs;
            break;
        case ComponentStatus::PartialOutage:
            f.partialOutageSeconds += secs;
            break;
        case ComponentStatus::DegradedPerformance:
            f.degradedSeconds += secs;
            break;
        case ComponentStatus::UnderMaintenance:
            f.maintenanceSeconds += secs;
            break;
        case ComponentStatus::Operational:
            break;
        }
        if (severity(s.status) > severity(f.worst))
            f.worst = s.status;
    }
    return f;
}

QDateTime startOfDay(const QDate &date, const QTimeZone &zone)
{
    return date.startOfDay(zone).toUTC();
}

std::vector<Day> days(const std::vector<Span> &spans, const QTimeZone &zone, const QDate &first,
                      const QDate &last, const QDateTime &now)
{
    std::vector<Day> out;
    for (QDate d = first; d.isValid() && d <= last; d = d.addDays(1)) {
        Day day;
        day.date = d;
        const QDateTime a = startOfDay(d, zone);
        const QDateTime b = std::min(startOfDay(d.addDays(1), zone), now);
        if (a < b) {
            day.figures = figures(spans, a, b);
            day.hasData = day.figures.countedSeconds > 0;
        }
        out.push_back(day);
    }
    return out;
}

QString durationText(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return QStringLiteral("%1 min").arg(minutes);
    if (minutes % 60 == 0)
        return QStringLiteral("%1 h").arg(minutes / 60);
    return QStringLiteral("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

} // namespace sd::uptime
