#include "app/formats/uptimeviews.h"

#include <QJsonArray>
#include <cmath>

namespace sd::json {
namespace {

QJsonArray incidents(const std::vector<uptime::RelatedIncident> &list)
{
    QJsonArray out;
    for (const auto &i : list)
        out.append(QJsonObject{{QStringLiteral("id"), i.id}, {QStringLiteral("name"), i.name}});
    return out;
}

} // namespace

QJsonObject uptimeReport(const uptime::Report &r, bool group)
{
    QJsonArray related;
    if (group) {
        for (const auto &[componentId, list] : r.relatedByComponent)
            related.append(QJsonObject{{QStringLiteral("component_id"), componentId},
                                       {QStringLiteral("incidents"), incidents(list)}});
    } else {
        related = incidents(r.related);
    }
    return QJsonObject{
        {QStringLiteral("id"), r.id},
        {QStringLiteral("name"), r.name},
        {QStringLiteral("range_start"), r.rangeStart.toString(Qt::ISODate)},
        {QStringLiteral("range_end"), r.rangeEnd.toString(Qt::ISODate)},
        // Two decimals, as Statuspage's example (96.67).
        {QStringLiteral("uptime_percentage"), std::round(r.figures.percentage() * 100.0) / 100.0},
        {QStringLiteral("major_outage"), r.figures.majorOutageSeconds},
        {QStringLiteral("partial_outage"), r.figures.partialOutageSeconds},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(r.warnings)},
        {QStringLiteral("related_events"), related},
    };
}

} // namespace sd::json
