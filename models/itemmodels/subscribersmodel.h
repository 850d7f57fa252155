#pragma once

#include "models/domain.h"
#include "models/healthrepository.h"

#include <QAbstractTableModel>
#include <QHash>
#include <deque>
#include <vector>

class QTimer;

namespace sd {

// Webhook subscribers with their endpoint health: last result, success rate, p50 and p95 latency. The numbers
// are the running aggregates the delivery engines keep (endpoint_health, read a page of ids at a time), so a
// pass costs two small indexed queries per 128 endpoints, whatever the number of attempts. Success rate and
// latency cover the last 24 hours; an endpoint with nothing in that time shows its all-time figures, marked.
// The model holds rows and never reads the store: setRows() hands it the subscribers, and for the numbers
// it asks for a health pass (healthPassWanted) that a reader (the console's SubscriberHealthReader, on a
// thread and connection of its own) answers page by page through addHealthPage(). Pages are applied in
// slices of about 2 ms per event-loop turn, signalling only the rows whose numbers moved.
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

    explicit SubscribersModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The rows to show (the caller's query already applied) and every component, for the Components
    // column, which also names the followed (upstream) pages each subscriber hears (`followedPages`:
    // subscriber id -> page names). Health numbers already read are kept; up to 2,000 rows a health pass
    // starts at once, bigger lists get theirs through refreshStatsSlice.
    void setRows(std::vector<Subscriber> rows, const std::vector<Component> &components,
                 QHash<QString, QStringList> followedPages = {});
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

public Q_SLOTS:
    // One page of the pass asked for, in subscriber-id order; `last` ends the pass (an empty last page
    // ends it too, e.g. when the store could not be read).
    void addHealthPage(std::vector<sd::EndpointHealth> page, bool last);

Q_SIGNALS:
    // Read every endpoint's health now and hand it to addHealthPage, page by page.
    void healthPassWanted();
    void statsPassFinished(); // a health pass has been read and applied

private:
    enum class Pass
    {
        None,
        Internal,  // started by refreshStats() (reloads)
        Requested, // started by refreshStatsSlice(); its completion is reported by the next call
    };
    QString componentNames(const QStringList &ids) const;
    QString componentsText(const Subscriber &s) const; // components, then " · follows <pages>"
    void startPass();
    void applySlice();

    std::vector<Subscriber> m_rows;
    QHash<QString, int> m_rowOf;
    QHash<QString, EndpointHealth> m_health; // by subscriber id; kept across reloads
    QHash<QString, QString> m_componentNames;
    QHash<QString, QStringList> m_followedPages; // subscriber id -> followed page names
    QTimer *m_applyTimer = nullptr;
    std::deque<std::vector<EndpointHealth>> m_pending; // read, not yet applied
    size_t m_pendingAt = 0;                            // next entry in m_pending.front()
    bool m_readerDone = false;                         // the in-flight pass has read its last page
    Pass m_pass = Pass::None;
    bool m_rerun = false;         // a pass was asked for while one was in flight
    bool m_requestedDone = false; // a Requested pass finished; the next refreshStatsSlice says so
};

} // namespace sd
