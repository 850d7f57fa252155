#pragma once

#include "domain.h"
#include "healthrepository.h"
#include "subscriberrepository.h"

#include <QAbstractTableModel>
#include <QHash>
#include <vector>

namespace sd {

class Store;

// Webhook subscribers with their endpoint health: last result, success rate, p50 and p95 latency. The numbers
// are the running aggregates the delivery engines keep (endpoint_health, read a page of ids at a time), so a
// pass costs two small indexed queries per 128 endpoints, whatever the number of attempts. Success rate and
// latency cover the last 24 hours; an endpoint with nothing in that time shows its all-time figures, marked.
class SubscribersModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubscribersModel)

public:
    enum Column
    {
        EndpointColumn,
        EmailColumn,
        ComponentsColumn,
        StateColumn,
        LastResultColumn,
        SuccessRateColumn,
        P50Column,
        P95Column,
        SigningColumn,
        ColumnCount
    };
    static constexpr int kHealthPage = 128; // one page stays within a frame, views attached

    explicit SubscribersModel(Store &store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Reloads the rows for the query (search text and state filter, applied in SQL). Health numbers already
    // read are kept; small pages get theirs at once, big ones through refreshStatsSlice.
    void reload();                               // throws StoreError, leaving the rows as they were
    void setQuery(const SubscriberQuery &query); // reloads; throws StoreError like reload()
    const SubscriberQuery &query() const { return m_query; }
    // Re-reads the health numbers and signals only the rows whose numbers moved (no reset: selection stays).
    void refreshStats();
    // The same, a page at a time so the UI thread never spends much more than budgetMs on it; resumes where
    // the last slice stopped. Returns true when a whole pass is complete.
    bool refreshStatsSlice(int budgetMs);

    const Subscriber *subscriberAt(int row) const;
    const EndpointHealth *healthAt(int row) const; // nullptr: never sent (or not read yet)
    int rowOf(const QString &id) const;

private:
    QString componentNames(const QStringList &ids) const;

    Store &m_store;
    SubscriberQuery m_query;
    std::vector<Subscriber> m_rows;
    QHash<QString, int> m_rowOf;
    QHash<QString, EndpointHealth> m_health; // by subscriber id; kept across reloads
    QHash<QString, QString> m_componentNames;
    QString m_healthCursor; // the last subscriber id of the previous page; empty: start of a pass
};

} // namespace sd
