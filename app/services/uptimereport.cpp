#include "app/services/uptimereport.h"

#include "models/validation.h"

#include <QRegularExpression>
#include <algorithm>

namespace sd {
namespace {

// "2024" -> Jan 1 (start) / Dec 31 (end); "2024-05" -> May 1 / May 31; "2024-05-03" -> that day.
std::optional<QDate> partialDate(const QString &text, bool isEnd)
{
    static const QRegularExpression shape(QStringLiteral("^(\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?$"));
    const auto m = shape.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const int y = m.captured(1).toInt();
    if (m.captured(2).isEmpty())
        return isEnd ? QDate(y, 12, 31) : QDate(y, 1, 1);
    const int mo = m.captured(2).toInt();
    if (m.captured(3).isEmpty()) {
        const QDate first(y, mo, 1);
        if (!first.isValid())
            return std::nullopt;
        return isEnd ? first.addMonths(1).addDays(-1) : first;
    }
    const QDate d(y, mo, m.captured(3).toInt());
    if (!d.isValid())
        return std::nullopt;
    return d;
}

} // namespace

QTimeZone UptimeReporter::pageZone()
{
    const QString tz = m_store.page.get().timeZone;
    QTimeZone zone(tz.toUtf8());
    return zone.isValid() ? zone : QTimeZone::utc();
}

QDate UptimeReporter::today()
{
    return m_now().toTimeZone(pageZone()).date();
}

QDateTime UptimeReporter::sinceFor(const Component &c)
{
    // The start date says since when the component is in use: its history counts from that day (in the
    // status it had before its first change), as Statuspage's uptime counts from start_date.
    if (c.startDate.isValid())
        return uptime::startOfDay(c.startDate, pageZone());
    return c.createdAt;
}

std::vector<uptime::Span> UptimeReporter::spansFor(const Component &c, const QDateTime &from,
                                                   const QDateTime &to)
{
    return uptime::spans(m_store.components.updatesFor(c.id), c.status, sinceFor(c), from,
                         std::min(to, m_now()));
}

std::vector<uptime::RelatedIncident> UptimeReporter::relatedTo(const QString &componentId,
                                                               const QDateTime &from, const QDateTime &to)
{
    std::vector<uptime::RelatedIncident> out;
    const QDateTime now = m_now();
    for (const Incident &i : m_store.incidents.all()) {
        if (!i.componentIds.contains(componentId))
            continue;
        const QDateTime a =
            i.scheduledFor.isValid() ? i.scheduledFor : (i.startedAt.isValid() ? i.startedAt : i.createdAt);
        QDateTime b = i.resolvedAt.isValid() ? i.resolvedAt : now;
        if (i.scheduledUntil.isValid() && !i.resolvedAt.isValid())
            b = std::max(i.scheduledUntil, a);
        if (a < to && b >= from)
            out.push_back({i.id, i.name});
    }
    return out;
}

Result<QPair<QDate, QDate>> UptimeReporter::range(const QString &start, const QString &end,
                                                  const QDate &earliest, QStringList *warnings)
{
    const QDate now = today();
    QDate from = now.addDays(-89);
    QDate to = now;
    if (!start.isEmpty()) {
        const auto d = partialDate(start, false);
        if (!d)
            return Error{
                QStringLiteral("start \"%1\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)").arg(start)};
        from = *d;
    } else if (earliest.isValid() && earliest > from) {
        from = earliest;
    }
    if (!end.isEmpty()) {
        const auto d = partialDate(end, true);
        if (!d)
            return Error{QStringLiteral("end \"%1\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)").arg(end)};
        to = *d;
    }
    if (from < QDate(1970, 1, 1) || to < QDate(1970, 1, 1))
        return Error{QStringLiteral("the earliest supported date is 1970-01-01")};
    if (to > now) {
        to = now;
        warnings->append(QStringLiteral(
            "End date was adjusted to today. See range_end field in response for end date used."));
    }
    if (from > to)
        return Error{QStringLiteral("the start date %1 is after the end date %2")
                         .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate))};
    if (to > from.addMonths(6).addDays(-1))
        return Error{
            QStringLiteral(
                "the date range %1 to %2 is longer than six calendar months, the most Statuspage supports")
                .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate))};
    // Days before the component was in use have no history: the range starts with it.
    if (!start.isEmpty() && earliest.isValid() && from < earliest) {
        from = std::min(earliest, to);
        warnings->append(QStringLiteral("Start date was adjusted to the start date of the component. See "
                                        "range_start field in response for start date used."));
    }
    return qMakePair(from, to);
}

Result<QPair<QDateTime, QDateTime>> UptimeReporter::instants(uptime::Report &r, const QString &start,
                                                             const QString &end, const QDate &earliest)
{
    auto days = range(start, end, earliest, &r.warnings);
    if (!days)
        return Error{days.error()};
    r.rangeStart = days->first;
    r.rangeEnd = days->second;
    return qMakePair(uptime::startOfDay(r.rangeStart, pageZone()),
                     uptime::startOfDay(r.rangeEnd.addDays(1), pageZone()));
}

Result<uptime::Report> UptimeReporter::component(const QString &id, const QString &start, const QString &end)
{
    const auto c = m_store.components.find(id);
    if (!c)
        return Error{QStringLiteral("no component with id %1").arg(id)};
    uptime::Report r;
    r.id = c->id;
    r.name = c->name;
    const QDate earliest = sinceFor(*c).toTimeZone(pageZone()).date();
    auto window = instants(r, start, end, earliest);
    if (!window)
        return Error{window.error()};
    const auto [from, to] = window.value();
    r.figures = uptime::figures(spansFor(*c, from, to), from, to);
    r.related = relatedTo(c->id, from, std::min(to, m_now()));
    return r;
}

Result<uptime::Report> UptimeReporter::group(const QString &id, const QString &start, const QString &end)
{
    const auto g = m_store.components.findGroup(id);
    if (!g || g->id != id)
        return Error{QStringLiteral("no component group with id %1").arg(id)};
    std::vector<Component> members;
    for (const Component &c : m_store.components.all())
        if (c.groupId == id)
            members.push_back(c);
    // Statuspage counts the members with the uptime showcase on; a group with none counts them all.
    std::vector<Component> shown;
    std::copy_if(members.begin(), members.end(), std::back_inserter(shown),
                 [](const Component &c) { return c.showcase; });
    if (!shown.empty())
        members = shown;
    uptime::Report r;
    r.id = g->id;
    r.name = g->name;
    QDate earliest;
    for (const Component &c : members) {
        const QDate d = sinceFor(c).toTimeZone(pageZone()).date();
        if (!earliest.isValid() || d < earliest)
            earliest = d;
    }
    auto window = instants(r, start, end, earliest);
    if (!window)
        return Error{window.error()};
    const auto [from, to] = window.value();
    std::vector<std::vector<uptime::Span>> spans;
    for (const Component &c : members) {
        spans.push_back(spansFor(c, from, to));
        r.relatedByComponent.push_back({c.id, relatedTo(c.id, from, std::min(to, m_now()))});
    }
    r.figures = uptime::figures(uptime::worstOf(spans), from, to);
    return r;
}

std::vector<uptime::Day> UptimeReporter::componentDays(const Component &c, int count)
{
    const QDate last = today();
    const QDate first = last.addDays(-(count - 1));
    const QDateTime from = uptime::startOfDay(first, pageZone());
    const QDateTime to = uptime::startOfDay(last.addDays(1), pageZone());
    return uptime::days(spansFor(c, from, to), pageZone(), first, last, m_now());
}

std::vector<uptime::Day> UptimeReporter::pageDays(int count)
{
    return groupDays(QString(), count);
}

std::vector<uptime::Day> UptimeReporter::groupDays(const QString &groupId, int count)
{
    const QDate last = today();
    const QDate first = last.addDays(-(count - 1));
    const QDateTime from = uptime::startOfDay(first, pageZone());
    const QDateTime to = uptime::startOfDay(last.addDays(1), pageZone());
    std::vector<std::vector<uptime::Span>> spans;
    for (const Component &c : m_store.components.all())
        if (groupId.isEmpty() || c.groupId == groupId) // empty: every component (the page)
            spans.push_back(spansFor(c, from, to));
    return uptime::days(uptime::worstOf(spans), pageZone(), first, last, m_now());
}

uptime::Figures UptimeReporter::componentFigures(const Component &c, int count)
{
    const QDate last = today();
    const QDateTime from = uptime::startOfDay(last.addDays(-(count - 1)), pageZone());
    const QDateTime to = uptime::startOfDay(last.addDays(1), pageZone());
    return uptime::figures(spansFor(c, from, to), from, to);
}

} // namespace sd
