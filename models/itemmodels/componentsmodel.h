#pragma once

#include "models/domain.h"

#include <QAbstractTableModel>
#include <optional>
#include <vector>

namespace sd {

// Components grouped by their group: each group is a header row followed by its components; ungrouped
// components come first. The model holds rows and reports changes: the rows are handed in
// (setComponents, updateComponent) and it never reads or writes the store. An edit in the table (setData on
// the name, status or description) changes nothing here; it is announced (statusChangeRequested,
// textChangeRequested) to whoever writes, the Components tab, which asks the operator, writes through the
// session and shows the result with updateComponent().
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

    explicit ComponentsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    // Every group and component; the model orders them (ungrouped first, then each group by position with
    // its members by position).
    void setComponents(std::vector<ComponentGroup> groups, std::vector<Component> components);
    // The component as it is now (stored, or a status shown before it is stored): its row changes in place.
    void updateComponent(const Component &component);

    bool isGroupRow(int row) const;
    std::optional<Component> componentAt(int row) const;
    int rowOfComponent(const QString &id) const;
    QString groupNameAt(int row) const;

Q_SIGNALS:
    // setData on a component's Status cell with a status other than its own (setData returns false: the
    // model holds what is stored, and the request goes to whoever writes).
    void statusChangeRequested(const QString &componentId, sd::ComponentStatus status);
    // setData on a component's Name or Description cell with new text.
    void textChangeRequested(const QString &componentId, int column, const QString &text);

private:
    struct Row
    {
        RowKind kind = RowKind::Component;
        ComponentGroup group; // for group rows, and the component's group
        Component component;
    };
    std::vector<Row> m_rows;
};

} // namespace sd
