// DeliveriesModel's live updates: changed ids and "new messages" are coalesced, read through the model's
// Reader (progress of the rows shown, rows newer than the newest shown) and applied as batched signals.
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/modelroles.h"

#include <algorithm>

namespace sd {

void DeliveriesModel::noteChanged(const QStringList &messageIds)
{
    for (const QString &id : messageIds)
        m_pending.insert(id);
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void DeliveriesModel::noteNewMessages()
{
    m_checkNew = true;
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void DeliveriesModel::flushPending()
{
    m_coalesce.stop();
    if (m_busy)
        return; // afterRead() comes back here when the read in flight is done
    QStringList known;
    for (const QString &id : std::as_const(m_pending)) {
        if (m_rowById.contains(id))
            known << id;
        else if (!m_newRowsProbe.isActive())
            m_newRowsProbe.start(); // a row we do not show: maybe new, maybe beyond the loaded pages
    }
    m_pending.clear();
    bool checkNew = std::exchange(m_checkNew, false);
    if (checkNew && m_rows.empty()) {
        // Nothing loaded yet (or the filter had no rows): the first page is the whole answer.
        ++m_flushCount;
        resetWindow(m_tail);
        return;
    }
    // Only the time order says where a new row goes (at the newest end); in any other order new rows
    // wait for the next sort or refresh (the row count above the table still counts them). The newest
    // end must be in the window: the head when newest first, the tail (or a complete head) when oldest
    // first.
    const bool newestFirst = m_sortOrder == Qt::DescendingOrder;
    if (sortKey() != MessageSort::Time || (newestFirst ? m_tail : !(m_tail || m_atEnd)))
        checkNew = false;
    if (known.isEmpty() && !checkNew) {
        ++m_flushCount;
        return;
    }
    ReadRequest request{ReadKind::Updates, std::nullopt, known};
    if (checkNew) {
        // Rows strictly newer than the newest shown, oldest of them first, at most kMaxInsertAtTop: they
        // join the window without a gap, and a burst of 20,000 arrives over a few updates without a reset
        // (which would drop the selection and scroll to the top).
        const Message &edge = newestFirst ? m_rows.front() : m_rows.back();
        MessageFilter f = query();
        f.since = m_filter.since.isValid() && m_filter.since > edge.createdAt.addMSecs(1)
                      ? m_filter.since
                      : edge.createdAt.addMSecs(1);
        f.ascending = true;
        f.limit = kMaxInsertAtTop;
        f.offset = 0;
        request.rows = f;
    }
    read(std::move(request), [this, refresh = !known.isEmpty(), checkNew, newestFirst](ReadAnswer &answer) {
        ++m_flushCount;
        if (!answer.ok)
            return; // a busy database is retried at the next change
        if (refresh)
            applyProgress(answer.progress);
        if (checkNew)
            applyNewRows(std::move(answer.rows), newestFirst);
    });
}

void DeliveriesModel::applyProgress(const std::vector<MessageProgress> &progress)
{
    // Update rows in place and collect which columns changed per row.
    struct Change
    {
        int row;
        int firstColumn;
        int lastColumn;
    };
    std::vector<Change> changes;
    std::vector<int> leaving; // rows that no longer match a state filter
    for (const MessageProgress &f : progress) {
        const int row = m_rowById.value(f.id, -1);
        if (row < 0)
            continue;
        Message &m = m_rows[static_cast<size_t>(row)];
        int first = ColumnCount;
        int last = -1;
        auto touch = [&](int column) {
            first = std::min(first, column);
            last = std::max(last, column);
        };
        if (m.state != f.state)
            touch(StateColumn);
        if (m.attempts != f.attempts)
            touch(AttemptsColumn);
        if (m.lastHttpStatus != f.httpStatus || m.attempts != f.attempts)
            touch(HttpStatusColumn);
        if (m.lastDurationMs != f.durationMs)
            touch(LatencyColumn);
        if (m.lastErrorClass != f.errorClass || m.lastError != f.error || m.nextAttemptAt != f.nextAttemptAt)
            touch(ErrorColumn);
        m.state = f.state;
        m.attempts = f.attempts;
        m.lastHttpStatus = f.httpStatus;
        m.lastDurationMs = f.durationMs;
        m.lastErrorClass = f.errorClass;
        m.lastError = f.error;
        m.nextAttemptAt = f.nextAttemptAt;
        m.updatedAt = f.updatedAt;
        if (!matchesState(m.state))
            leaving.push_back(row);
        else if (last >= 0)
            changes.push_back({row, first, last});
    }

    const QList<int> changedRoles{Qt::DisplayRole, Qt::ToolTipRole, roles::SortRole, roles::StatusRole};
    if (static_cast<int>(changes.size()) > rowCount() / 2 && rowCount() > 0) {
        // Most rows changed: one signal for the whole range costs the view less than hundreds.
        int first = ColumnCount;
        int last = -1;
        for (const Change &c : changes) {
            first = std::min(first, c.firstColumn);
            last = std::max(last, c.lastColumn);
        }
        Q_EMIT dataChanged(index(0, first), index(rowCount() - 1, last), changedRoles);
    } else {
        std::sort(changes.begin(), changes.end(),
                  [](const Change &a, const Change &b) { return a.row < b.row; });
        // Adjacent rows with the same column span go out as one signal.
        size_t i = 0;
        while (i < changes.size()) {
            size_t j = i;
            while (j + 1 < changes.size() && changes[j + 1].row == changes[j].row + 1 &&
                   changes[j + 1].firstColumn == changes[i].firstColumn &&
                   changes[j + 1].lastColumn == changes[i].lastColumn)
                ++j;
            Q_EMIT dataChanged(index(changes[i].row, changes[i].firstColumn),
                               index(changes[j].row, changes[i].lastColumn), changedRoles);
            i = j + 1;
        }
    }

    if (!leaving.empty()) {
        std::sort(leaving.begin(), leaving.end(), std::greater<int>());
        for (int row : leaving) {
            beginRemoveRows({}, row, row);
            m_rows.erase(m_rows.begin() + row);
            endRemoveRows();
        }
        rebuildIndex();
    }
    Q_EMIT updatesApplied(static_cast<int>(changes.size() + leaving.size()));
}

void DeliveriesModel::applyNewRows(std::vector<Message> rows, bool newestFirst)
{
    if (static_cast<int>(rows.size()) == kMaxInsertAtTop)
        m_checkNew = true; // more to come: afterRead() arms the next update, which takes the next chunk
    if (newestFirst) {
        std::reverse(rows.begin(), rows.end());
        prependRows(std::move(rows));
    } else {
        appendRows(std::move(rows));
    }
}

} // namespace sd
