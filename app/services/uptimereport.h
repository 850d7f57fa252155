#pragma once

#include "app/services/servicecontext.h"
#include "models/uptime.h"

#include <QDate>
#include <QPair>
#include <vector>

namespace sd {

// Reads a component's (or group's) status history and answers uptime questions in the page's days. Read
// only; the clock is injected so tests drive a known timeline.
class UptimeReporter final
{
public:
    UptimeReporter(Store &store, Clock now = systemClock)
        : m_store(store)
        , m_now(std::move(now))
    {}

    // `start` and `end` as Statuspage takes them: "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a year or month means
    // its first day for a start, its last for an end); empty: the defaults (90 days back, today).
    Result<uptime::Report> component(const QString &id, const QString &start, const QString &end);
    Result<uptime::Report> group(const QString &id, const QString &start, const QString &end);

    // The last `count` days of the page's time zone, today last (the status page's strip).
    std::vector<uptime::Day> componentDays(const Component &c, int count = 90);
    std::vector<uptime::Day> groupDays(const QString &groupId, int count = 90);
    uptime::Figures componentFigures(const Component &c, int count = 90); // over the same days
    std::vector<uptime::Day> pageDays(int count = 90);                    // the worst of every component

    QTimeZone pageZone();
    QDate today();

private:
    std::vector<uptime::Span> spansFor(const Component &c, const QDateTime &from, const QDateTime &to);
    QDateTime sinceFor(const Component &c);
    std::vector<uptime::RelatedIncident> relatedTo(const QString &componentId, const QDateTime &from,
                                                   const QDateTime &to);
    // The report's days (range_start/range_end, warnings) and the instants they begin and end at.
    Result<QPair<QDateTime, QDateTime>> instants(uptime::Report &r, const QString &start, const QString &end,
                                                 const QDate &earliest);
    Result<QPair<QDate, QDate>> range(const QString &start, const QString &end, const QDate &earliest,
                                      QStringList *warnings);

    Store &m_store;
    Clock m_now;
};

} // namespace sd
