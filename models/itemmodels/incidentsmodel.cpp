#include "models/itemmodels/incidentsmodel.h"

#include "models/itemmodels/modelroles.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <algorithm>

namespace sd {

IncidentsModel::IncidentsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

IncidentsModel::Section IncidentsModel::sectionOf(const Incident &incident)
{
    if (isScheduledMaintenance(incident.status))
        return Section::Maintenance;
    return isClosed(incident.status) ? Section::Resolved : Section::Active;
}

void IncidentsModel::setIncidents(std::vector<Incident> rows)
{
    // The repository already orders this way; the model states the rule itself so the view never depends
    // on a query's ORDER BY.
    std::stable_sort(rows.begin(), rows.end(), [](const Incident &a, const Incident &b) {
        const int sa = static_cast<int>(sectionOf(a));
        const int sb = static_cast<int>(sectionOf(b));
        if (sa != sb)
            return sa < sb;
        return a.createdAt > b.createdAt;
    });
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int IncidentsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int IncidentsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant IncidentsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Incident &i = m_rows[static_cast<size_t>(index.row())];
    const Section section = sectionOf(i);
    if (role == roles::IdRole)
        return i.id;
    if (role == roles::StatusRole)
        return static_cast<int>(i.status);
    if (role == roles::KindRole)
        return static_cast<int>(section);
    if (role != Qt::DisplayRole && role != roles::SortRole && role != Qt::ToolTipRole)
        return {};
    const bool sort = role == roles::SortRole;
    switch (index.column()) {
    case NameColumn:
        if (role == Qt::ToolTipRole)
            return i.updates.empty() ? QString() : i.updates.front().body;
        return i.name;
    case StatusColumn:
        if (role == Qt::ToolTipRole)
            return {};
        return sort ? QVariant(static_cast<int>(i.status)) : QVariant(incidentStatusLabel(i.status));
    case ImpactColumn:
        if (role == Qt::ToolTipRole)
            return i.impactOverride ? tr("Impact overridden by the operator") : QString();
        return sort ? QVariant(static_cast<int>(i.impact))
                    : QVariant(impactLabel(i.impact) + (i.impactOverride ? QStringLiteral(" *") : QString()));
    case SectionColumn:
        if (role == Qt::ToolTipRole)
            return section == Section::Maintenance && i.scheduledFor.isValid()
                       ? timefmt::isoRange(i.scheduledFor, i.scheduledUntil)
                       : QString();
        if (sort)
            return static_cast<int>(section);
        switch (section) {
        case Section::Active:
            return tr("Active");
        case Section::Resolved:
            return tr("Resolved");
        case Section::Maintenance:
            return i.scheduledFor.isValid()
                       ? tr("Maintenance %1").arg(timefmt::displayRange(i.scheduledFor, i.scheduledUntil))
                       : tr("Maintenance");
        }
        return {};
    case ComponentsColumn:
        if (role == Qt::ToolTipRole)
            return {};
        return static_cast<int>(i.componentIds.size());
    case UpdatedColumn:
        if (role == Qt::ToolTipRole)
            return timefmt::isoUtc(i.updatedAt);
        return sort ? QVariant(i.updatedAt.toMSecsSinceEpoch()) : QVariant(timefmt::display(i.updatedAt));
    default:
        return {};
    }
}

QVariant IncidentsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Incident");
    case StatusColumn:
        return tr("Status");
    case ImpactColumn:
        return tr("Impact");
    case SectionColumn:
        return tr("Section");
    case ComponentsColumn:
        return tr("Components");
    case UpdatedColumn:
        return tr("Updated");
    default:
        return {};
    }
}

const Incident *IncidentsModel::incidentAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return nullptr;
    return &m_rows[static_cast<size_t>(row)];
}

int IncidentsModel::rowOf(const QString &incidentId) const
{
    for (size_t r = 0; r < m_rows.size(); ++r) {
        if (m_rows[r].id == incidentId)
            return static_cast<int>(r);
    }
    return -1;
}

} // namespace sd
