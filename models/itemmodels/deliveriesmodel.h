#pragma once

#include "domain.h"
#include "outboxrepository.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QTimer>
#include <vector>

namespace sd {

class Store;

// One row per outbox message, newest first. Rows are paged in from the database on demand
// (canFetchMore/fetchMore), so a database with 100,000 deliveries opens with one small query. Live
// changes arrive as message ids (DeliveryController::messagesChanged); they are coalesced and applied at
// most every `coalesceMs` as batched dataChanged signals that name the roles that changed.
class DeliveriesModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveriesModel)

public:
    enum Column
    {
        TimeColumn,
        EventColumn,
        EndpointColumn,
        StateColumn,
        AttemptsColumn,
        HttpStatusColumn,
        LatencyColumn,
        ErrorColumn,
        ColumnCount
    };

    static constexpr int kPageSize = 256;
    static constexpr int kMaxInsertAtTop = 1000; // more new rows than this: reload the first page instead

    explicit DeliveriesModel(Store &store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // The filter goes into the SQL; limit/offset are managed by the model.
    void setFilter(const MessageFilter &filter);
    const MessageFilter &filter() const { return m_filter; }
    void reload();

    const Message *messageAt(int row) const;
    int rowOf(const QString &messageId) const { return m_rowById.value(messageId, -1); }
    QStringList idsInRows(const QList<int> &rows) const;

    void setCoalesceInterval(int ms) { m_coalesce.setInterval(ms); }
    int flushCount() const { return m_flushCount; }

public Q_SLOTS:
    // Feed DeliveryController::messagesChanged here.
    void noteChanged(const QStringList &messageIds);
    // New messages were queued by this process: look for rows newer than the newest shown.
    void noteNewMessages();
    // Apply everything pending now (tests, and before reading the model after a burst).
    void flushPending();

Q_SIGNALS:
    void updatesApplied(int changedRows);

private:
    struct Mutable
    {
        DeliveryState state;
        int attempts;
        int httpStatus;
        qint64 durationMs;
        QString errorClass;
        QString error;
        QDateTime nextAttemptAt;
        QDateTime updatedAt;
    };
    void appendRows(std::vector<Message> rows);
    void refreshRows(const QStringList &ids);
    void insertNewRows();
    void rebuildIndex();
    bool matchesState(DeliveryState s) const { return !m_filter.state || *m_filter.state == s; }

    Store &m_store;
    MessageFilter m_filter;
    std::vector<Message> m_rows;
    QHash<QString, int> m_rowById;
    bool m_atEnd = false;
    bool m_fetching = false;
    QSet<QString> m_pending;
    bool m_checkNew = false;
    QTimer m_coalesce;
    QTimer m_newRowsProbe; // unknown ids: look for rows queued elsewhere, at most once a second
    int m_flushCount = 0;
};

} // namespace sd
