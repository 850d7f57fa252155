#pragma once

#include "models/domain.h"
#include "models/healthrepository.h"
#include "models/subscriberrepository.h"

#include <QAbstractTableModel>
#include <QHash>
#include <atomic>
#include <deque>
#include <memory>
#include <vector>

class QThread;
class QTimer;

namespace sd {

class Store;
class HealthReader;

// Webhook subscribers with their endpoint health: last result, success rate, p50 and p95 latency. The numbers
// are the running aggregates the delivery engines keep (endpoint_health, read a page of ids at a time), so a
// pass costs two small indexed queries per 128 endpoints, whatever the number of attempts. Success rate and
// latency cover the last 24 hours; an endpoint with nothing in that time shows its all-time figures, marked.
// The pages are read on the model's own thread and connection (the UI thread runs no SQL for them) and
// applied in slices of about 2 ms per event-loop turn, signalling only the rows whose numbers moved.
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

    ~SubscribersModel() override;

    // Reloads the rows for the query (search text and state filter, applied in SQL). Health numbers already
    // read are kept; small pages start a health pass at once, big ones get theirs through refreshStatsSlice.
    void reload();                               // throws StoreError, leaving the rows as they were
    void setQuery(const SubscriberQuery &query); // reloads; throws StoreError like reload()
    const SubscriberQuery &query() const { return m_query; }
    // Starts re-reading the health numbers (or asks for one more pass if one is under way); returns at once.
    // Only rows whose numbers moved are signalled (no reset: selection stays); statsPassFinished follows.
    void refreshStats();
    // For a caller polling from a timer: the first call starts a pass, later ones return false until that
    // pass (read off the UI thread, applied in ~2 ms slices) is complete, then one returns true. budgetMs is
    // no longer spent here (kept for the callers' contract): the model applies pages on its own timer.
    bool refreshStatsSlice(int budgetMs);

    const Subscriber *subscriberAt(int row) const;
    const EndpointHealth *healthAt(int row) const; // nullptr: never sent (or not read yet)
    int rowOf(const QString &id) const;

    static constexpr int kApplyBudgetMs = 2; // per event-loop turn, so the UI thread never stalls on a pass

Q_SIGNALS:
    void statsPassFinished(); // a health pass has been read and applied

private:
    enum class Pass
    {
        None,
        Internal,  // started by refreshStats() (reloads)
        Requested, // started by refreshStatsSlice(); its completion is reported by the next call
    };
    QString componentNames(const QStringList &ids) const;
    void startPass();
    void pageRead(std::vector<EndpointHealth> page, bool last);
    void applySlice();

    Store &m_store;
    SubscriberQuery m_query;
    std::vector<Subscriber> m_rows;
    QHash<QString, int> m_rowOf;
    QHash<QString, EndpointHealth> m_health; // by subscriber id; kept across reloads
    QHash<QString, QString> m_componentNames;
    QThread *m_readerThread = nullptr;
    HealthReader *m_reader = nullptr; // lives on m_readerThread with its own connection
    std::shared_ptr<std::atomic_bool> m_cancel;
    QTimer *m_applyTimer = nullptr;
    std::deque<std::vector<EndpointHealth>> m_pending; // read, not yet applied
    size_t m_pendingAt = 0;                            // next entry in m_pending.front()
    bool m_readerDone = false;                         // the in-flight pass has read its last page
    Pass m_pass = Pass::None;
    bool m_rerun = false;         // a pass was asked for while one was in flight
    bool m_requestedDone = false; // a Requested pass finished; the next refreshStatsSlice says so
};

} // namespace sd
