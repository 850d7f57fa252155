#include "subscribersmodel.h"

#include "endpointurl.h"
#include "modelroles.h"
#include "store.h"
#include "timeformat.h"
#include "values.h"

#include <QElapsedTimer>
#include <algorithm>

namespace sd {

SubscribersModel::SubscribersModel(Store &store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    reload();
}

void SubscribersModel::reload()
{
    // Read first: a StoreError then leaves the rows (and the views) as they were.
    const std::vector<Component> components = m_store.components.all();
    auto rows = m_store.subscribers.list();
    beginResetModel();
    m_componentNames.clear();
    for (const Component &c : components)
        m_componentNames.insert(c.id, c.name);
    m_rows = std::move(rows);
    m_stats.assign(m_rows.size(), Stats{});
    m_statsCursor = 0;
    // Small pages get their numbers at once; big ones fill in through refreshStatsSlice.
    if (m_rows.size() <= 200) {
        for (size_t r = 0; r < m_rows.size(); ++r)
            m_stats[r] = statsFor(m_rows[r].id);
    }
    endResetModel();
}

void SubscribersModel::refreshStats()
{
    m_statsCursor = 0;
    refreshStatsSlice(-1);
}

bool SubscribersModel::refreshStatsSlice(int budgetMs)
{
    QElapsedTimer clock;
    clock.start();
    while (m_statsCursor < m_rows.size()) {
        const size_t r = m_statsCursor++;
        Stats fresh = statsFor(m_rows[r].id);
        if (!(fresh == m_stats[r])) {
            m_stats[r] = std::move(fresh);
            const int row = static_cast<int>(r);
            Q_EMIT dataChanged(index(row, LastResultColumn), index(row, P95Column),
                               {Qt::DisplayRole, Qt::ToolTipRole, roles::SortRole});
        }
        if (budgetMs >= 0 && clock.elapsed() >= budgetMs)
            return false;
    }
    m_statsCursor = 0;
    return true;
}

SubscribersModel::Stats SubscribersModel::statsFor(const QString &subscriberId)
{
    Stats st;
    try {
        QSqlQuery &q = m_store.db().run(
            QStringLiteral(
                "SELECT http_status, duration_ms, error_class, error_text, started_at FROM attempts "
                "WHERE subscriber_id = ? ORDER BY started_at DESC LIMIT ?"),
            {subscriberId, kStatsWindow});
        std::vector<qint64> durations;
        while (q.next()) {
            const int http = q.value(0).toInt();
            if (st.attempts == 0) {
                st.lastHttpStatus = http;
                st.lastError = q.value(2).toString();
                if (!q.value(3).toString().isEmpty())
                    st.lastError += QStringLiteral(": ") + q.value(3).toString();
                st.lastAt = dateFromDb(q.value(4));
            }
            ++st.attempts;
            if (q.value(2).isNull() && http >= 200 && http < 300)
                ++st.successes;
            durations.push_back(q.value(1).toLongLong());
        }
        if (!durations.empty()) {
            std::sort(durations.begin(), durations.end());
            // Nearest-rank percentile.
            const size_t rank = (durations.size() * 95 + 99) / 100;
            st.p95Ms = durations[std::max<size_t>(rank, 1) - 1];
        }
    } catch (const StoreError &) {
    }
    return st;
}

int SubscribersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SubscribersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SubscribersModel::componentNames(const QStringList &ids) const
{
    if (ids.isEmpty())
        return tr("All components");
    QStringList names;
    for (const QString &id : ids)
        names << m_componentNames.value(id, id);
    return names.join(QStringLiteral(", "));
}

QVariant SubscribersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Subscriber &s = m_rows[static_cast<size_t>(index.row())];
    const Stats &st = m_stats[static_cast<size_t>(index.row())];
    if (role == roles::IdRole)
        return s.id;
    if (role == roles::StatusRole)
        return static_cast<int>(s.state);
    const bool display = role == Qt::DisplayRole;
    const bool sort = role == roles::SortRole;
    switch (index.column()) {
    case EndpointColumn:
        if (display || sort)
            return endpointurl::redacted(s.endpoint);
        break;
    case EmailColumn:
        if (display || sort)
            return s.email;
        break;
    case ComponentsColumn:
        if (display || sort || role == Qt::ToolTipRole)
            return componentNames(s.componentIds);
        break;
    case StateColumn:
        if (display)
            return toString(s.state);
        if (sort)
            return static_cast<int>(s.state);
        if (role == Qt::ToolTipRole && s.state == SubscriberState::Quarantined)
            return tr("Quarantined %1; purged %2 unless reactivated")
                .arg(timefmt::display(s.quarantinedAt), timefmt::display(s.purgeAt));
        break;
    case LastResultColumn:
        if (display) {
            if (st.attempts == 0)
                return tr("never sent");
            if (st.lastError.isEmpty())
                return QStringLiteral("HTTP %1").arg(st.lastHttpStatus);
            return st.lastHttpStatus > 0
                       ? QStringLiteral("HTTP %1 (%2)").arg(st.lastHttpStatus).arg(st.lastError)
                       : st.lastError;
        }
        if (sort)
            return st.lastHttpStatus;
        if (role == Qt::ToolTipRole && st.lastAt.isValid())
            return timefmt::display(st.lastAt);
        break;
    case SuccessRateColumn:
        if (display)
            return st.attempts == 0
                       ? QString()
                       : QStringLiteral("%1 %").arg(100.0 * st.successes / st.attempts, 0, 'f', 1);
        if (sort)
            return st.attempts == 0 ? -1.0 : static_cast<double>(st.successes) / st.attempts;
        if (role == Qt::ToolTipRole)
            return tr("%1 of the last %2 attempts succeeded").arg(st.successes).arg(st.attempts);
        break;
    case P95Column:
        if (display)
            return st.p95Ms < 0 ? QString() : tr("%1 ms").arg(st.p95Ms);
        if (sort)
            return st.p95Ms;
        break;
    case SigningColumn:
        if (display)
            return s.secret.isEmpty() ? tr("unsigned") : tr("signed");
        if (sort)
            return s.secret.isEmpty() ? 0 : 1;
        break;
    default:
        break;
    }
    return {};
}

QVariant SubscribersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case EndpointColumn:
        return tr("Endpoint");
    case EmailColumn:
        return tr("Email");
    case ComponentsColumn:
        return tr("Components");
    case StateColumn:
        return tr("State");
    case LastResultColumn:
        return tr("Last result");
    case SuccessRateColumn:
        return tr("Success");
    case P95Column:
        return tr("p95 latency");
    case SigningColumn:
        return tr("Signing");
    default:
        return {};
    }
}

const Subscriber *SubscribersModel::subscriberAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return nullptr;
    return &m_rows[static_cast<size_t>(row)];
}

int SubscribersModel::rowOf(const QString &id) const
{
    for (size_t r = 0; r < m_rows.size(); ++r) {
        if (m_rows[r].id == id)
            return static_cast<int>(r);
    }
    return -1;
}

} // namespace sd
