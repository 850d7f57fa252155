#include "models/itemmodels/componentsmodel.h"

#include "app/services/componentservice.h"
#include "app/services/serviceworker.h"
#include "models/itemmodels/modelroles.h"
#include "models/statusrules.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QHash>

namespace sd {

ComponentsModel::ComponentsModel(Store &store, ComponentService &service, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_service(service)
{
    reload();
}

void ComponentsModel::reload()
{
    // Read first: a StoreError then leaves the rows (and the views) as they were.
    const std::vector<ComponentGroup> groups = m_store.components.groups();
    const std::vector<Component> components = m_store.components.all();
    QHash<QString, ComponentGroup> groupById;
    for (const ComponentGroup &g : groups)
        groupById.insert(g.id, g);
    beginResetModel();
    m_rows.clear();
    // Ungrouped components first, then each group (by its position) with its members (by position).
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
    if (index.column() == StatusColumn) {
        std::optional<ComponentStatus> status;
        if (value.userType() == QMetaType::Int)
            status = static_cast<ComponentStatus>(value.toInt());
        else
            status = parseComponentStatus(value.toString());
        if (!status)
            return false;
        return setStatus(index.row(), *status);
    }
    return applyPatch(index.row(), value.toString(), index.column());
}

bool ComponentsModel::setStatus(int row, ComponentStatus status)
{
    const Component current = m_rows[static_cast<size_t>(row)].component;
    if (current.status == status)
        return false;
    bool notify = true;
    if (m_gate) {
        const std::optional<bool> answer = m_gate(current, status, m_service.audienceFor(current.id));
        if (!answer)
            return false;
        notify = *answer;
    }
    ComponentPatch patch;
    patch.status = status;
    patch.notify = notify;
    if (m_worker) {
        // Shown at once; the write, which may queue a webhook for every subscriber, runs on the worker.
        Component shown = current;
        shown.status = status;
        showComponent(shown);
        const QString id = current.id;
        m_worker->run<ComponentChange>(
            [id, patch](ServiceWorker::Services &services) { return services.components.update(id, patch); },
            this,
            [this, current](const Result<ComponentChange> &result) { finishStatusChange(current, result); });
        return true;
    }
    const Result<ComponentChange> result = m_service.update(current.id, patch);
    finishStatusChange(current, result);
    return result.ok();
}

void ComponentsModel::showComponent(const Component &component)
{
    const int row = rowOfComponent(component.id);
    if (row < 0)
        return; // reloaded without it meanwhile
    m_rows[static_cast<size_t>(row)].component = component;
    Q_EMIT dataChanged(index(row, StatusColumn), index(row, UpdatedColumn),
                       {Qt::DisplayRole, Qt::EditRole, roles::SortRole, roles::StatusRole});
}

void ComponentsModel::finishStatusChange(const Component &before, const Result<ComponentChange> &result)
{
    if (!result) {
        if (m_worker)
            showComponent(before); // take back what was shown early
        Q_EMIT errorOccurred(result.error());
        return;
    }
    if (m_worker || result.value().component.status != before.status)
        showComponent(result.value().component);
    Q_EMIT componentStatusChanged(before.id, result.value().messages);
    if (result.value().messages > 0)
        Q_EMIT messagesQueued(result.value().messages);
}

bool ComponentsModel::applyPatch(int row, const QString &text, int column)
{
    const Component current = m_rows[static_cast<size_t>(row)].component;
    ComponentPatch patch;
    patch.notify = false; // names and descriptions never notify anyone
    if (column == NameColumn) {
        if (text.trimmed() == current.name)
            return false;
        patch.name = text;
    } else {
        if (text == current.description)
            return false;
        patch.description = text;
    }
    auto result = m_service.update(current.id, patch);
    if (!result) {
        Q_EMIT errorOccurred(result.error());
        return false;
    }
    m_rows[static_cast<size_t>(row)].component = result.value().component;
    Q_EMIT dataChanged(index(row, column), index(row, UpdatedColumn),
                       {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, roles::SortRole});
    return true;
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
