#pragma once

#include "models/upstream.h"
#include "models/upstreamsummary.h"

#include <QAbstractItemModel>
#include <QAbstractTableModel>
#include <QHash>
#include <vector>

// The console's Upstream tab: the followed pages, the selected page's components and incidents, and the
// timeline of what changed. The rows are handed in (read off the UI thread); the models only hold them.
namespace sd {

class UpstreamsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamsModel)

public:
    enum Column
    {
        NameColumn,
        StatusColumn,
        CheckedColumn,
        FreshnessColumn,
        EveryColumn,
        HearersColumn,
        ColumnCount
    };
    explicit UpstreamsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Same pages in the same order: their cells change in place (selection and scroll stay); else a reset.
    void setRows(std::vector<Upstream> rows, QHash<QString, int> hearers);
    const Upstream *upstreamAt(int row) const;
    int rowOf(const QString &id) const;
    // "fresh", "stale since 2026-12-07 15:01:32 +00:00", "not read yet"
    static QString freshness(const Upstream &u);

private:
    std::vector<Upstream> m_rows;
    QHash<QString, int> m_hearers;
};

// The selected page's components: groups with their members under them, then the ungrouped ones, in page
// order.
class UpstreamComponentsModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamComponentsModel)

public:
    enum Column
    {
        NameColumn,
        StatusColumn,
        ColumnCount
    };
    explicit UpstreamComponentsModel(QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setSummary(const upstream::Summary &summary);

private:
    struct Node
    {
        upstream::SummaryComponent component;
        std::vector<upstream::SummaryComponent> members; // a group's
    };
    std::vector<Node> m_top;
};

// The selected page's open incidents and its maintenances, each with its updates (newest first) under it.
class UpstreamIncidentsModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamIncidentsModel)

public:
    enum Column
    {
        NameColumn,
        StatusColumn,
        TimeColumn,
        ColumnCount
    };
    explicit UpstreamIncidentsModel(QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setSummary(const upstream::Summary &summary);
    // The incident a row (or one of its updates) belongs to; null for none.
    const upstream::SummaryIncident *incidentAt(const QModelIndex &index) const;

private:
    std::vector<upstream::SummaryIncident> m_incidents;
};

// What changed on the followed pages, newest first.
class UpstreamEventsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamEventsModel)

public:
    enum Column
    {
        TimeColumn,
        PageColumn,
        ChangeColumn,
        WebhooksColumn,
        ColumnCount
    };
    explicit UpstreamEventsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // `names`: upstream id -> name, for the Page column.
    void setRows(std::vector<UpstreamEvent> rows, QHash<QString, QString> names);

private:
    std::vector<UpstreamEvent> m_rows;
    QHash<QString, QString> m_names;
};

} // namespace sd
