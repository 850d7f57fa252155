#pragma once

#include "models/domain.h"

#include <QDate>
#include <QDateTime>
#include <QPair>
#include <QStringList>
#include <QTimeZone>
#include <vector>

// Component uptime as Statuspage computes it for its uptime showcase and its uptime API: from the time a
// component spent in each status (its status history), a major outage counting in full and a partial outage
// at 30 % (Statuspage: "Major outage minutes + (partial outage minutes * .3)" is the downtime); degraded
// performance and maintenance are not downtime. Days are the page's days (its IANA time zone, 23 or 25 hours
// across a DST change). Pure: the tests and every caller pass the history and the times in.
namespace sd::uptime {

constexpr double kPartialOutageWeight = 0.3;

// One stretch [start, end) in one status.
struct Span
{
    QDateTime start;
    QDateTime end;
    ComponentStatus status = ComponentStatus::Operational;
};

// The component's statuses between `from` and `to`, from its status changes (any order) and its status
// now. Before the first change the component was in that change's old status; nothing is counted before
// `since` (when the component was created or started being used).
std::vector<Span> spans(std::vector<ComponentUpdate> changes, ComponentStatus current, const QDateTime &since,
                        const QDateTime &from, const QDateTime &to);

// A group is as bad as its worst member at each instant (as its public status is).
std::vector<Span> worstOf(const std::vector<std::vector<Span>> &members);

struct Figures
{
    qint64 majorOutageSeconds = 0;
    qint64 partialOutageSeconds = 0;
    qint64 degradedSeconds = 0;
    qint64 maintenanceSeconds = 0;
    qint64 countedSeconds = 0; // the time with history (the denominator)
    ComponentStatus worst = ComponentStatus::Operational;

    double downtimeSeconds() const
    {
        return double(majorOutageSeconds) + kPartialOutageWeight * double(partialOutageSeconds);
    }
    // 100 × (1 − downtime / counted); 100 when nothing was counted.
    double percentage() const;
};

// What the spans hold between `from` and `to`.
Figures figures(const std::vector<Span> &spans, const QDateTime &from, const QDateTime &to);

struct Day
{
    QDate date;
    bool hasData = false; // false: before the component existed, or still to come
    Figures figures;
};

// One entry per day of the page's time zone from `first` to `last`, each from its local midnight to the
// next (and not past `now`).
std::vector<Day> days(const std::vector<Span> &spans, const QTimeZone &zone, const QDate &first,
                      const QDate &last, const QDateTime &now);

// The start of `date` in `zone` (local midnight; the first valid instant of the day when a DST change skips
// midnight).
QDateTime startOfDay(const QDate &date, const QTimeZone &zone);

// Incidents that touched a component within a report's range (Statuspage's related_events).
struct RelatedIncident
{
    QString id;
    QString name;
};

// Statuspage's ComponentUptime / ComponentGroupUptime, worked out from the status history.
struct Report
{
    QString id;
    QString name;
    QDate rangeStart; // the page's days actually used (see warnings when they differ from the request)
    QDate rangeEnd;
    Figures figures;
    QStringList warnings;
    std::vector<RelatedIncident> related;                                         // a component's
    std::vector<QPair<QString, std::vector<RelatedIncident>>> relatedByComponent; // a group's, per member
};

// "2 h 5 min", "45 min", "30 s": how the strip's titles and the console name a stretch of outage.
QString durationText(qint64 seconds);

} // namespace sd::uptime
