#include "models/itemmodels/deliveriesmodel.h"

#include "models/endpointurl.h"
#include "models/itemmodels/modelroles.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <algorithm>
#include <memory>

namespace sd {
namespace {

QString eventLabel(const Message &m)
{
    switch (m.kind) {
    case EventKind::Component:
        return DeliveriesModel::tr("Component: %1").arg(m.subjectName);
    case EventKind::Incident:
        return DeliveriesModel::tr("Incident: %1").arg(m.subjectName);
    case EventKind::Test:
        return DeliveriesModel::tr("Test webhook");
    case EventKind::Email:
        return DeliveriesModel::tr("Email: %1").arg(m.subjectName);
    }
    return m.subjectName;
}

QString errorText(const Message &m)
{
    if (m.lastErrorClass.isEmpty())
        return m.lastError;
    if (m.lastError.isEmpty())
        return m.lastErrorClass;
    return m.lastErrorClass + QStringLiteral(": ") + m.lastError;
}

} // namespace

DeliveriesModel::DeliveriesModel(Reader reader, QObject *parent)
    : QAbstractTableModel(parent)
    , m_reader(std::move(reader))
{
    // At most ten model updates a second, however fast the engine reports.
    m_coalesce.setInterval(100);
    m_coalesce.setSingleShot(true);
    connect(&m_coalesce, &QTimer::timeout, this, &DeliveriesModel::flushPending);
    // During a large fan-out most changed ids belong to rows beyond the loaded pages; looking for new rows
    // on every batch would cost a query each time, so unknown ids only arm this slower probe.
    m_newRowsProbe.setInterval(1000);
    m_newRowsProbe.setSingleShot(true);
    connect(&m_newRowsProbe, &QTimer::timeout, this, &DeliveriesModel::noteNewMessages);
    reload();
}

DeliveriesModel::DeliveriesModel(Store &store, QObject *parent)
    : DeliveriesModel(
          [&store](const std::function<void(Store &)> &job, QObject *,
                   const std::function<void(bool)> &done) {
              bool ok = true;
              try {
                  job(store);
              } catch (const StoreError &) {
                  ok = false;
              }
              done(ok);
          },
          parent)
{}

void DeliveriesModel::read(ReadKind kind, std::function<void(Store &)> job, std::function<void(bool)> apply)
{
    m_busy = true;
    const int generation = m_generation;
    m_reader(
        [observer = m_readObserver, kind, job = std::move(job)](Store &store) {
            if (observer)
                observer(kind);
            job(store);
        },
        this,
        [this, generation, apply = std::move(apply)](bool ok) {
            if (generation != m_generation)
                return; // the window was reset while this was read
            // Still busy while the rows go in: views ask for more from inside the insert signals, and the
            // next page's offset is only known once these are in.
            apply(ok);
            if (generation != m_generation)
                return; // apply reset the window; its own read is in flight now
            m_busy = false;
            afterRead();
        });
}

void DeliveriesModel::afterRead()
{
    // Changes that arrived while a read was in flight.
    if ((!m_pending.isEmpty() || m_checkNew) && !m_coalesce.isActive())
        m_coalesce.start();
    Q_EMIT readFinished();
}

void DeliveriesModel::setFilter(const MessageFilter &filter)
{
    m_filter = filter;
    reload();
}

MessageSort DeliveriesModel::sortKey() const
{
    switch (m_sortColumn) {
    case EventColumn:
        return MessageSort::Event;
    case EndpointColumn:
        return MessageSort::Endpoint;
    case StateColumn:
        return MessageSort::State;
    case AttemptsColumn:
        return MessageSort::Attempts;
    case HttpStatusColumn:
        return MessageSort::HttpStatus;
    case LatencyColumn:
        return MessageSort::Latency;
    case ErrorColumn:
        return MessageSort::Error;
    default:
        return MessageSort::Time;
    }
}

MessageFilter DeliveriesModel::query() const
{
    MessageFilter f = m_filter;
    f.sort = sortKey();
    f.ascending = m_sortOrder == Qt::AscendingOrder;
    f.reversed = false;
    return f;
}

void DeliveriesModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    if (column == m_sortColumn && order == m_sortOrder && !m_tail)
        return; // the view re-applies the indicator it already shows; nothing to read again
    m_sortColumn = column;
    m_sortOrder = order;
    reload();
}

void DeliveriesModel::reload()
{
    resetWindow(false);
}

void DeliveriesModel::jumpToEnd()
{
    resetWindow(true);
}

void DeliveriesModel::resetWindow(bool tail)
{
    ++m_generation; // whatever is still being read belongs to the old window
    m_busy = false;
    beginResetModel();
    m_rows.clear();
    m_rowById.clear();
    // No fetching while the reset is being announced: views (and QAbstractItemModelTester) ask for more
    // rows from their modelReset handlers, and the first page is asked for below.
    m_atEnd = true;
    m_atStart = true;
    m_tail = tail;
    m_pending.clear();
    m_checkNew = false;
    endResetModel();
    m_reloadPending = true; // reloaded() goes out when the first page is in
    if (tail) {
        // The tail window never grows downwards: its last row is the query's last.
        m_atStart = false;
        fetchOlder();
    } else {
        m_atEnd = false;
        fetchMore({});
    }
}

int DeliveriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int DeliveriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool DeliveriesModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_tail && !m_atEnd && !m_busy;
}

void DeliveriesModel::fetchMore(const QModelIndex &parent)
{
    // One read at a time keeps the offset honest; the view asks again when these rows are in.
    if (parent.isValid() || m_tail || m_atEnd || m_busy)
        return;
    MessageFilter f = query();
    f.limit = kPageSize;
    // New rows are only inserted next to the loaded window's edge, so the window's length is the offset;
    // ids already shown are skipped in case a new row pushed one down meanwhile.
    f.offset = static_cast<int>(m_rows.size());
    auto page = std::make_shared<std::vector<Message>>();
    read(
        ReadKind::Page, [f, page](Store &store) { *page = store.outbox.list(f); },
        [this, page](bool ok) {
            if (!ok || static_cast<int>(page->size()) < kPageSize)
                m_atEnd = true; // a failed read stops paging until the next reload
            appendRows(std::move(*page));
            if (std::exchange(m_reloadPending, false))
                Q_EMIT reloaded();
        });
}

void DeliveriesModel::fetchOlder()
{
    if (!canFetchOlder())
        return;
    // The same query read from its other end: offset counts from the last row.
    MessageFilter f = query();
    f.reversed = true;
    f.limit = kPageSize;
    f.offset = static_cast<int>(m_rows.size());
    auto page = std::make_shared<std::vector<Message>>();
    read(
        ReadKind::OlderPage, [f, page](Store &store) { *page = store.outbox.list(f); },
        [this, page](bool ok) {
            if (!ok || static_cast<int>(page->size()) < kPageSize)
                m_atStart = true;
            std::reverse(page->begin(), page->end());
            const int before = rowCount();
            prependRows(std::move(*page));
            if (std::exchange(m_reloadPending, false))
                Q_EMIT reloaded();
            else
                Q_EMIT olderRowsInserted(rowCount() - before);
        });
}

void DeliveriesModel::prependRows(std::vector<Message> rows)
{
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [this](const Message &m) { return m_rowById.contains(m.id); }),
               rows.end());
    if (rows.empty())
        return;
    beginInsertRows({}, 0, static_cast<int>(rows.size()) - 1);
    m_rows.insert(m_rows.begin(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    rebuildIndex();
    endInsertRows();
}

void DeliveriesModel::appendRows(std::vector<Message> rows)
{
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [this](const Message &m) { return m_rowById.contains(m.id); }),
               rows.end());
    if (rows.empty())
        return;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
    for (Message &m : rows) {
        m_rowById.insert(m.id, static_cast<int>(m_rows.size()));
        m_rows.push_back(std::move(m));
    }
    endInsertRows();
}

QVariant DeliveriesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Message &m = m_rows[static_cast<size_t>(index.row())];
    switch (role) {
    case roles::IdRole:
        return m.id;
    case roles::StatusRole:
        return static_cast<int>(m.state);
    case roles::KindRole:
        return static_cast<int>(m.kind);
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return timefmt::display(m.createdAt);
        case EventColumn:
            return eventLabel(m);
        case EndpointColumn:
            return endpointurl::redacted(m.endpoint);
        case StateColumn:
            return deliveryStateLabel(m.state);
        case AttemptsColumn:
            return m.attempts;
        case HttpStatusColumn:
            return m.attempts > 0 && m.lastHttpStatus > 0 ? QVariant(m.lastHttpStatus) : QVariant(QString());
        case LatencyColumn:
            return m.lastDurationMs >= 0 ? tr("%1 ms").arg(m.lastDurationMs) : QString();
        case ErrorColumn:
            return errorText(m);
        default:
            return {};
        }
    case roles::SortRole:
        switch (index.column()) {
        case TimeColumn:
            return m.createdAt.toMSecsSinceEpoch();
        case EventColumn:
            return eventLabel(m);
        case EndpointColumn:
            return endpointurl::redacted(m.endpoint);
        case StateColumn:
            return static_cast<int>(m.state);
        case AttemptsColumn:
            return m.attempts;
        case HttpStatusColumn:
            return m.lastHttpStatus;
        case LatencyColumn:
            return m.lastDurationMs;
        case ErrorColumn:
            return errorText(m);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == ErrorColumn || index.column() == StateColumn) {
            QString tip = errorText(m);
            if (m.nextAttemptAt.isValid() &&
                (m.state == DeliveryState::Retrying || m.state == DeliveryState::Queued))
                tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) +
                       tr("Next attempt %1").arg(timefmt::display(m.nextAttemptAt));
            return tip;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == AttemptsColumn || index.column() == HttpStatusColumn ||
            index.column() == LatencyColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    default:
        return {};
    }
}

QVariant DeliveriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case EventColumn:
        return tr("Event");
    case EndpointColumn:
        return tr("Endpoint");
    case StateColumn:
        return tr("State");
    case AttemptsColumn:
        return tr("Attempts");
    case HttpStatusColumn:
        return tr("HTTP");
    case LatencyColumn:
        return tr("Latency");
    case ErrorColumn:
        return tr("Error");
    default:
        return {};
    }
}

const Message *DeliveriesModel::messageAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return nullptr;
    return &m_rows[static_cast<size_t>(row)];
}

QStringList DeliveriesModel::idsInRows(const QList<int> &rows) const
{
    QStringList out;
    for (int r : rows) {
        if (const Message *m = messageAt(r))
            out << m->id;
    }
    return out;
}

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

struct DeliveriesModel::Updates
{
    QHash<QString, Mutable> fresh;
    std::vector<Message> newRows;
};

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
    MessageFilter f;
    if (checkNew) {
        // Rows strictly newer than the newest shown, oldest of them first, at most kMaxInsertAtTop: they
        // join the window without a gap, and a burst of 20,000 arrives over a few updates without a reset
        // (which would drop the selection and scroll to the top).
        const Message &edge = newestFirst ? m_rows.front() : m_rows.back();
        f = query();
        f.since = m_filter.since.isValid() && m_filter.since > edge.createdAt.addMSecs(1)
                      ? m_filter.since
                      : edge.createdAt.addMSecs(1);
        f.ascending = true;
        f.limit = kMaxInsertAtTop;
        f.offset = 0;
    }
    auto answer = std::make_shared<Updates>();
    read(
        ReadKind::Updates,
        [answer, known, checkNew, f](Store &store) {
            if (!known.isEmpty())
                answer->fresh = readFresh(store, known);
            if (checkNew)
                answer->newRows = store.outbox.list(f);
        },
        [this, answer, refresh = !known.isEmpty(), checkNew, newestFirst](bool ok) {
            ++m_flushCount;
            if (!ok)
                return; // a busy database is retried at the next change
            if (refresh)
                applyFresh(answer->fresh);
            if (checkNew)
                applyNewRows(std::move(answer->newRows), newestFirst);
        });
}

QHash<QString, DeliveriesModel::Mutable> DeliveriesModel::readFresh(Store &store, const QStringList &ids)
{
    // Reads only the columns the engine changes, by primary key, a chunk at a time.
    constexpr int kChunk = 200;
    QHash<QString, Mutable> fresh;
    for (int i = 0; i < ids.size(); i += kChunk) {
        const QStringList chunk = ids.mid(i, kChunk);
        QStringList marks;
        QVariantList binds;
        for (const QString &id : chunk) {
            marks << QStringLiteral("?");
            binds << id;
        }
        QSqlQuery &q = store.db().run(
            QStringLiteral(
                "SELECT id, state, attempts, last_http_status, last_duration_ms, last_error_class, "
                "last_error, next_attempt_at, updated_at FROM messages WHERE id IN (") +
                marks.join(QLatin1Char(',')) + QStringLiteral(")"),
            binds);
        while (q.next()) {
            Mutable m;
            m.state = parseDeliveryState(q.value(1).toString()).value_or(DeliveryState::Queued);
            m.attempts = q.value(2).toInt();
            m.httpStatus = q.value(3).toInt();
            m.durationMs = q.value(4).isNull() ? -1 : q.value(4).toLongLong();
            m.errorClass = q.value(5).toString();
            m.error = q.value(6).toString();
            m.nextAttemptAt = dateFromDb(q.value(7));
            m.updatedAt = dateFromDb(q.value(8));
            fresh.insert(q.value(0).toString(), m);
        }
        q.finish(); // a complete read: the connection keeps no snapshot pinned
    }
    return fresh;
}

void DeliveriesModel::applyFresh(const QHash<QString, Mutable> &fresh)
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
    for (auto it = fresh.cbegin(); it != fresh.cend(); ++it) {
        const int row = m_rowById.value(it.key(), -1);
        if (row < 0)
            continue;
        Message &m = m_rows[static_cast<size_t>(row)];
        const Mutable &f = it.value();
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

void DeliveriesModel::rebuildIndex()
{
    m_rowById.clear();
    m_rowById.reserve(static_cast<qsizetype>(m_rows.size()));
    for (size_t i = 0; i < m_rows.size(); ++i)
        m_rowById.insert(m_rows[i].id, static_cast<int>(i));
}

} // namespace sd
