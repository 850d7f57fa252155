#pragma once

#include "models/domain.h"

#include <QAbstractTableModel>
#include <optional>
#include <vector>

namespace sd {

// Incidents in three sections: active realtime incidents first, then resolved ones, then scheduled
// maintenance; newest first within a section. The rows are handed in (setIncidents); the model never
// reads the store.
class IncidentsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentsModel)

public:
    enum Column
    {
        NameColumn,
        StatusColumn,
        ImpactColumn,
        SectionColumn,
        ComponentsColumn,
        UpdatedColumn,
        ColumnCount
    };
    enum class Section
    {
        Active,
        Resolved,
        Maintenance
    };

    explicit IncidentsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setIncidents(std::vector<Incident> rows); // in any order: the model puts them in its sections
    const Incident *incidentAt(int row) const;
    int rowOf(const QString &incidentId) const;
    static Section sectionOf(const Incident &incident);

private:
    std::vector<Incident> m_rows;
};

} // namespace sd
