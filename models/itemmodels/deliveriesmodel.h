#pragma once

#include "models/domain.h"
#include "models/outboxrepository.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QTimer>
#include <functional>
#include <optional>
#include <vector>

namespace sd {

// One row per outbox message, in the order of a database query (newest first until a header is clicked).
// The model holds one contiguous window of that query: the head, paged in on demand (canFetchMore /
// fetchMore), or, after jumpToEnd(), the tail, paged backwards (fetchOlder). Sorting reorders the query
// (ORDER BY in SQL, ties broken by id), never the loaded rows, so the first and last rows shown are the
// store's. A database with 100,000 deliveries opens with one small query. Live changes arrive as message
// ids (DeliveryController::messagesChanged); they are coalesced and applied at most every `coalesceMs` as
// batched dataChanged signals that name the roles that changed. New rows are inserted where the time order
// puts them, a chunk at a time, without a reset, so selections and the sort survive a fan-out.
//
// The model holds rows and reports changes; it never reads the store. It says what it needs as a
// ReadRequest (a page of its query, the progress of rows it shows, rows newer than its newest) and a
// Reader answers it: the console's DeliveriesReader (app/readers/) reads on a thread and connection of its
// own and answers on this model's thread, and rows are inserted when they arrive. One read is in flight
// at a time; an answer for a window that has since been reset (filter, sort, jump) is dropped by its
// generation. The window and its reads are deliveriesmodel.cpp, the live updates deliveriesupdates.cpp.
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
    static constexpr int kMaxInsertAtTop = 1000; // new rows inserted per update; the rest at the next one

    enum class ReadKind
    {
        Page,      // the head window's next page (first page after a reset, fetchMore, sort)
        OlderPage, // the tail window's previous page (first page after Ctrl+End, scrolling up)
        Updates    // changed rows by id and rows newer than the newest shown
    };
    // What the model asks a reader for.
    struct ReadRequest
    {
        ReadKind kind = ReadKind::Page;
        std::optional<MessageFilter> rows; // OutboxRepository::list(*rows), when set
        QStringList progressOf;            // OutboxRepository::progress(progressOf), when not empty
    };
    struct ReadAnswer
    {
        bool ok = true; // false: the store could not be read (the answer is empty)
        std::vector<Message> rows;
        std::vector<MessageProgress> progress;
    };
    // Reads `request` (anywhere), then calls `done` on `context`'s thread, unless `context` is gone.
    using Reader =
        std::function<void(ReadRequest request, QObject *context, std::function<void(ReadAnswer)> done)>;

    explicit DeliveriesModel(Reader reader, QObject *parent = nullptr);

    bool isReading() const { return m_busy; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    // Orders the database query by `column` (a reload of the first page); the view's header calls it.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // The tail window: the query's last kPageSize rows, read from the other end (Ctrl+End).
    void jumpToEnd();
    bool showsTail() const { return m_tail; }
    // In the tail window: rows before the first shown (scrolling up); olderRowsInserted says how many.
    bool canFetchOlder() const { return m_tail && !m_atStart && !m_busy; }
    void fetchOlder();
    // The head window holds the query's every row (nothing left to fetch, nothing being read).
    bool isComplete() const { return !m_tail && m_atEnd && !m_busy; }

    // The filter goes into the SQL; limit/offset and the order are managed by the model.
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
    // After a reset (filter, sort, jump, reload) once the new window's first page is in.
    void reloaded();
    // fetchOlder's rows are in, `count` of them at the top.
    void olderRowsInserted(int count);
    // A read is back and applied and none is in flight: a view that asked for more meanwhile (and was
    // refused) asks again.
    void readFinished();

private:
    void appendRows(std::vector<Message> rows);
    void prependRows(std::vector<Message> rows);
    void applyProgress(const std::vector<MessageProgress> &progress);
    void applyNewRows(std::vector<Message> rows, bool newestFirst);
    void resetWindow(bool tail);
    // Hands `request` to the reader; `apply` runs when it is back, unless the window was reset meanwhile.
    void read(ReadRequest request, std::function<void(ReadAnswer &answer)> apply);
    void afterRead();
    MessageFilter query() const; // m_filter with the model's order
    MessageSort sortKey() const;
    void rebuildIndex();
    bool matchesState(DeliveryState s) const { return !m_filter.state || *m_filter.state == s; }

    Reader m_reader;
    int m_generation = 0;         // bumped by every reset; answers for an older one are dropped
    bool m_busy = false;          // a read for the current window is in flight (or its rows are going in)
    bool m_reloadPending = false; // the current window's first page has not arrived yet
    MessageFilter m_filter;
    std::vector<Message> m_rows;
    QHash<QString, int> m_rowById;
    bool m_atEnd = false;   // head window: the query's last row is loaded
    bool m_atStart = false; // tail window: the query's first row is loaded
    bool m_tail = false;
    int m_sortColumn = TimeColumn;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    QSet<QString> m_pending;
    bool m_checkNew = false;
    QTimer m_coalesce;
    QTimer m_newRowsProbe; // unknown ids: look for rows queued elsewhere, at most once a second
    int m_flushCount = 0;
};

} // namespace sd
