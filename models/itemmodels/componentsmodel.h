#pragma once

#include "models/domain.h"

#include <QAbstractTableModel>
#include <functional>
#include <optional>
#include <vector>

namespace sd {

class Store;
class ComponentService;
class ServiceWorker;
struct ComponentChange;
template<typename T> class Result;

// Components grouped by their group: each group is a header row followed by its components; ungrouped
// components come first. The status column is edited through setData(EditRole); every other change goes
// through ComponentService and reload().
class ComponentsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ComponentsModel)

public:
    enum Column
    {
        NameColumn,
        StatusColumn,
        GroupColumn,
        DescriptionColumn,
        UpdatedColumn,
        ColumnCount
    };
    enum class RowKind
    {
        Group,
        Component
    };

    // Asked before a status change is written: returns std::nullopt to cancel, else whether to notify.
    using StatusChangeGate = std::function<std::optional<bool>(const Component &component,
                                                               ComponentStatus newStatus, int audience)>;

    ComponentsModel(Store &store, ComponentService &service, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    void setStatusChangeGate(StatusChangeGate gate) { m_gate = std::move(gate); }
    // With a worker, a status change shows at once and is written (and fanned out) on the worker's thread;
    // componentStatusChanged() follows when it is stored, or errorOccurred() and the old status come back.
    void setServiceWorker(ServiceWorker *worker) { m_worker = worker; }
    void reload(); // throws StoreError, leaving the rows as they were

    bool isGroupRow(int row) const;
    std::optional<Component> componentAt(int row) const;
    int rowOfComponent(const QString &id) const;
    QString groupNameAt(int row) const;

Q_SIGNALS:
    void componentStatusChanged(const QString &componentId, int messagesQueued);
    void messagesQueued(int count);
    void errorOccurred(const QString &message);

private:
    struct Row
    {
        RowKind kind = RowKind::Component;
        ComponentGroup group; // for group rows, and the component's group
        Component component;
    };
    bool setStatus(int row, ComponentStatus status);
    void finishStatusChange(const Component &before, const Result<ComponentChange> &result);
    void showComponent(const Component &component);
    bool applyPatch(int row, const QString &text, int column);

    Store &m_store;
    ComponentService &m_service;
    StatusChangeGate m_gate;
    ServiceWorker *m_worker = nullptr;
    std::vector<Row> m_rows;
};

} // namespace sd
