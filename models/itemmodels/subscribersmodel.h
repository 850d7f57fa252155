#pragma once

#include "domain.h"

#include <QAbstractTableModel>
#include <QHash>
#include <optional>
#include <vector>

namespace sd {

class Store;

// Webhook subscribers with their recent delivery health: last result, success rate and p95 latency over
// the last kStatsWindow attempts (one indexed query per subscriber).
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
        P95Column,
        SigningColumn,
        ColumnCount
    };
    static constexpr int kStatsWindow = 200;

    struct Stats
    {
        int attempts = 0;
        int successes = 0;
        qint64 p95Ms = -1;
        int lastHttpStatus = 0;
        QString lastError;
        QDateTime lastAt;
        bool operator==(const Stats &o) const
        {
            return attempts == o.attempts && successes == o.successes && p95Ms == o.p95Ms &&
                   lastHttpStatus == o.lastHttpStatus && lastError == o.lastError && lastAt == o.lastAt;
        }
    };

    explicit SubscribersModel(Store &store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Reloads the rows; their health numbers are filled in by refreshStats/refreshStatsSlice.
    void reload(); // throws StoreError, leaving the rows as they were
    // Recomputes the health columns and signals only the rows whose numbers moved.
    void refreshStats();
    // The same, a slice at a time so the UI thread never spends more than budgetMs on it; resumes where the
    // last slice stopped. Returns true when a whole pass is complete.
    bool refreshStatsSlice(int budgetMs);

    const Subscriber *subscriberAt(int row) const;
    int rowOf(const QString &id) const;

private:
    Stats statsFor(const QString &subscriberId);
    QString componentNames(const QStringList &ids) const;

    Store &m_store;
    std::vector<Subscriber> m_rows;
    std::vector<Stats> m_stats;
    QHash<QString, QString> m_componentNames;
    size_t m_statsCursor = 0;
};

} // namespace sd
