#include "models/itemmodels/componentsmodel.h"

#include "models/itemmodels/modelroles.h"
#include "models/statusrules.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QHash>

namespace sd {

ComponentsModel::ComponentsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ComponentsModel::setComponents(std::vector<ComponentGroup> groups, std::vector<Component> components)
{
    QHash<QString, ComponentGroup> groupById;
    for (const ComponentGroup &g : groups)
        groupById.insert(g.id, g);
    beginResetModel();
    m_rows.clear();
    for (const Component &c : components) {
        if (c.groupId.isEmpty() || !groupById.contains(c.groupId))
            m_rows.push_back(Row{RowKind::Component, {}, c});
    }
    for (const ComponentGroup &g : groups) {
        m_rows.push_back(Row{RowKind::Group, g, {}});
        for (const Component &c : components) {
            if (c.groupId == g.id)
                m_rows.push_back(Row{RowKind::Component, g, c});
        }
    }
    endResetModel();
}

void ComponentsModel::updateComponent(const Component &component)
{
    const int row = rowOfComponent(component.id);
    if (row < 0)
        return; // reloaded without it meanwhile
    Component &shown = m_rows[static_cast<size_t>(row)].component;
    // From the first column that changed to Updated, in one signal.
    const int first = shown.name != component.name                 ? NameColumn
                      : shown.status != component.status           ? StatusColumn
                      : shown.description != component.description ? DescriptionColumn
                                                                   : UpdatedColumn;
    shown = component;
    Q_EMIT dataChanged(index(row, first), index(row, UpdatedColumn),
                       {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, roles::SortRole, roles::StatusRole});
}

int ComponentsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ComponentsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ComponentsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[static_cast<size_t>(index.row())];
    if (role == roles::KindRole)
        return static_cast<int>(r.kind);
    if (r.kind == RowKind::Group) {
        if (role == roles::IdRole)
            return r.group.id;
        if (role == roles::SortRole)
            return index.column() == NameColumn ? QVariant(r.group.name) : QVariant();
        if ((role == Qt::DisplayRole || role == Qt::EditRole) && index.column() == NameColumn)
            return r.group.name;
        return {};
    }
    const Component &c = r.component;
    if (role == roles::IdRole)
        return c.id;
    if (role == roles::StatusRole)
        return static_cast<int>(c.status);
    switch (index.column()) {
    case NameColumn:
        if (role == Qt::DisplayRole || role == Qt::EditRole || role == roles::SortRole)
            return c.name;
        if (role == Qt::ToolTipRole)
            return c.description.isEmpty() ? c.name : c.description;
        break;
    case StatusColumn:
        if (role == Qt::DisplayRole)
            return componentStatusLabel(c.status);
        if (role == Qt::EditRole)
            return toString(c.status);
        if (role == roles::SortRole)
            return severity(c.status);
        break;
    case GroupColumn:
        if (role == Qt::DisplayRole || role == roles::SortRole)
            return r.group.name;
        break;
    case DescriptionColumn:
        if (role == Qt::DisplayRole || role == Qt::EditRole || role == roles::SortRole)
            return c.description;
        break;
    case UpdatedColumn:
        if (role == Qt::DisplayRole)
            return timefmt::display(c.updatedAt);
        if (role == Qt::ToolTipRole)
            return timefmt::isoUtc(c.updatedAt);
        if (role == roles::SortRole)
            return c.updatedAt.toMSecsSinceEpoch();
        break;
    default:
        break;
    }
    return {};
}

QVariant ComponentsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Component");
    case StatusColumn:
        return tr("Status");
    case GroupColumn:
        return tr("Group");
    case DescriptionColumn:
        return tr("Description");
    case UpdatedColumn:
        return tr("Updated");
    default:
        return {};
    }
}

Qt::ItemFlags ComponentsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (m_rows[static_cast<size_t>(index.row())].kind == RowKind::Component &&
        (index.column() == NameColumn || index.column() == StatusColumn ||
         index.column() == DescriptionColumn))
        f |= Qt::ItemIsEditable;
    return f;
}

bool ComponentsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable))
        return false;
    const Component &c = m_rows[static_cast<size_t>(index.row())].component;
    if (index.column() == StatusColumn) {
        std::optional<ComponentStatus> status;
        if (value.userType() == QMetaType::Int)
            status = static_cast<ComponentStatus>(value.toInt());
        else
            status = parseComponentStatus(value.toString());
        if (status && *status != c.status)
            Q_EMIT statusChangeRequested(c.id, *status);
        return false;
    }
    const QString text = value.toString();
    if (index.column() == NameColumn ? text.trimmed() != c.name : text != c.description)
        Q_EMIT textChangeRequested(c.id, index.column(), text);
    return false;
}

bool ComponentsModel::isGroupRow(int row) const
{
    return row >= 0 && row < rowCount() && m_rows[static_cast<size_t>(row)].kind == RowKind::Group;
}

std::optional<Component> ComponentsModel::componentAt(int row) const
{
    if (row < 0 || row >= rowCount() || isGroupRow(row))
        return std::nullopt;
    return m_rows[static_cast<size_t>(row)].component;
}

int ComponentsModel::rowOfComponent(const QString &id) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].kind == RowKind::Component && m_rows[i].component.id == id)
            return static_cast<int>(i);
    }
    return -1;
}

QString ComponentsModel::groupNameAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    return m_rows[static_cast<size_t>(row)].group.name;
}

} // namespace sd
