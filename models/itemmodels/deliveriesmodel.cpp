#include "models/itemmodels/deliveriesmodel.h"

#include "models/endpointurl.h"
#include "models/itemmodels/modelroles.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <algorithm>

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

void DeliveriesModel::read(ReadRequest request, std::function<void(ReadAnswer &)> apply)
{
    m_busy = true;
    const int generation = m_generation;
    m_reader(std::move(request), this, [this, generation, apply = std::move(apply)](ReadAnswer answer) {
        if (generation != m_generation)
            return; // the window was reset while this was read
        // Still busy while the rows go in: views ask for more from inside the insert signals, and the next
        // page's offset is only known once these are in.
        apply(answer);
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
    read({ReadKind::Page, f, {}}, [this](ReadAnswer &page) {
        if (!page.ok || static_cast<int>(page.rows.size()) < kPageSize)
            m_atEnd = true; // a failed read stops paging until the next reload
        appendRows(std::move(page.rows));
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
    read({ReadKind::OlderPage, f, {}}, [this](ReadAnswer &page) {
        if (!page.ok || static_cast<int>(page.rows.size()) < kPageSize)
            m_atStart = true;
        std::reverse(page.rows.begin(), page.rows.end());
        const int before = rowCount();
        prependRows(std::move(page.rows));
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
                       tr("Next attempt %1").arg(timefmt::isoUtc(m.nextAttemptAt));
            return tip;
        }
        if (index.column() == TimeColumn)
            return timefmt::isoUtc(m.createdAt);
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

void DeliveriesModel::rebuildIndex()
{
    m_rowById.clear();
    m_rowById.reserve(static_cast<qsizetype>(m_rows.size()));
    for (size_t i = 0; i < m_rows.size(); ++i)
        m_rowById.insert(m_rows[i].id, static_cast<int>(i));
}

} // namespace sd
