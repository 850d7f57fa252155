#include "models/itemmodels/upstreammodels.h"

#include "models/itemmodels/modelroles.h"
#include "models/timeformat.h"
#include "models/values.h"

namespace sd {
namespace {

// Children carry their parent's row + 1 as the internal id; top-level rows carry 0.
constexpr quintptr kTop = 0;

QString everyText(qint64 ms)
{
    if (ms % 3'600'000 == 0)
        return QStringLiteral("%1 h").arg(ms / 3'600'000);
    if (ms % 60'000 == 0)
        return QStringLiteral("%1 min").arg(ms / 60'000);
    return QStringLiteral("%1 s").arg(ms / 1000);
}

QVariant componentStatusRole(const QString &status)
{
    if (const auto s = parseComponentStatus(status))
        return int(*s);
    return -1;
}

} // namespace

UpstreamsModel::UpstreamsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int UpstreamsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UpstreamsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString UpstreamsModel::freshness(const Upstream &u)
{
    if (u.isStale())
        return tr("stale since %1").arg(timefmt::display(u.staleSince));
    if (!u.lastSuccessAt.isValid())
        return tr("not read yet");
    return tr("fresh");
}

QVariant UpstreamsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Upstream &u = m_rows[size_t(index.row())];
    if (role == roles::IdRole)
        return u.id;
    if (role == roles::StatusRole)
        return index.column() == StatusColumn ? QVariant(u.indicator) : QVariant();
    if (role == Qt::ToolTipRole && index.column() == CheckedColumn)
        return timefmt::isoUtc(u.lastCheckedAt);
    if (role == Qt::ToolTipRole && index.column() == FreshnessColumn && u.isStale())
        return tr("stale since %1\n%2").arg(timefmt::isoUtc(u.staleSince), u.lastError);
    if (role == Qt::ToolTipRole) {
        QString tip = u.url;
        if (u.isStale())
            tip += QLatin1Char('\n') + u.lastError;
        return tip;
    }
    if (role != Qt::DisplayRole && role != roles::SortRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return u.name;
    case StatusColumn:
        return u.description.isEmpty() ? tr("—") : u.description;
    case CheckedColumn:
        if (role == roles::SortRole)
            return u.lastCheckedAt;
        return u.lastCheckedAt.isValid() ? timefmt::display(u.lastCheckedAt) : tr("never");
    case FreshnessColumn:
        return freshness(u);
    case EveryColumn:
        return role == roles::SortRole ? QVariant(u.intervalMs) : QVariant(everyText(u.intervalMs));
    case HearersColumn:
        return m_hearers.value(u.id);
    default:
        return {};
    }
}

QVariant UpstreamsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Page");
    case StatusColumn:
        return tr("Status");
    case CheckedColumn:
        return tr("Last checked");
    case FreshnessColumn:
        return tr("Freshness");
    case EveryColumn:
        return tr("Every");
    case HearersColumn:
        return tr("Relayed to");
    default:
        return {};
    }
}

void UpstreamsModel::setRows(std::vector<Upstream> rows, QHash<QString, int> hearers)
{
    bool sameIds = rows.size() == m_rows.size();
    for (size_t i = 0; sameIds && i < rows.size(); ++i)
        sameIds = rows[i].id == m_rows[i].id;
    if (!sameIds) {
        beginResetModel();
        m_rows = std::move(rows);
        m_hearers = std::move(hearers);
        endResetModel();
        return;
    }
    m_rows = std::move(rows);
    m_hearers = std::move(hearers);
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

const Upstream *UpstreamsModel::upstreamAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)] : nullptr;
}

int UpstreamsModel::rowOf(const QString &id) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].id == id)
            return int(i);
    }
    return -1;
}

UpstreamComponentsModel::UpstreamComponentsModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

QModelIndex UpstreamComponentsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < int(m_top.size()) ? createIndex(row, column, kTop) : QModelIndex();
    if (parent.internalId() != kTop || parent.row() >= int(m_top.size()))
        return {};
    const Node &group = m_top[size_t(parent.row())];
    return row < int(group.members.size()) ? createIndex(row, column, quintptr(parent.row() + 1))
                                           : QModelIndex();
}

QModelIndex UpstreamComponentsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTop)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kTop);
}

int UpstreamComponentsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_top.size());
    if (parent.internalId() != kTop || parent.column() != 0 || parent.row() >= int(m_top.size()))
        return 0;
    return int(m_top[size_t(parent.row())].members.size());
}

int UpstreamComponentsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant UpstreamComponentsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const upstream::SummaryComponent &c =
        index.internalId() == kTop ? m_top[size_t(index.row())].component
                                   : m_top[size_t(index.internalId() - 1)].members[size_t(index.row())];
    if (role == roles::IdRole)
        return c.id;
    if (role == roles::StatusRole)
        return index.column() == StatusColumn ? componentStatusRole(c.status) : QVariant();
    if (role == roles::KindRole)
        return c.group ? QStringLiteral("group") : QStringLiteral("component");
    if (role != Qt::DisplayRole)
        return {};
    return index.column() == NameColumn ? c.name : upstream::statusLabel(c.status);
}

QVariant UpstreamComponentsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Component") : tr("Status");
}

void UpstreamComponentsModel::setSummary(const upstream::Summary &summary)
{
    beginResetModel();
    m_top.clear();
    QHash<QString, size_t> groups;
    for (const upstream::SummaryComponent &c : summary.components) {
        if (c.group) {
            groups.insert(c.id, m_top.size());
            m_top.push_back({c, {}});
        }
    }
    for (const upstream::SummaryComponent &c : summary.components) {
        if (c.group)
            continue;
        if (groups.contains(c.groupId))
            m_top[groups.value(c.groupId)].members.push_back(c);
        else
            m_top.push_back({c, {}});
    }
    endResetModel();
}

UpstreamIncidentsModel::UpstreamIncidentsModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

QModelIndex UpstreamIncidentsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < int(m_incidents.size()) ? createIndex(row, column, kTop) : QModelIndex();
    if (parent.internalId() != kTop || parent.row() >= int(m_incidents.size()))
        return {};
    return row < int(m_incidents[size_t(parent.row())].updates.size())
               ? createIndex(row, column, quintptr(parent.row() + 1))
               : QModelIndex();
}

QModelIndex UpstreamIncidentsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTop)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kTop);
}

int UpstreamIncidentsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_incidents.size());
    if (parent.internalId() != kTop || parent.column() != 0 || parent.row() >= int(m_incidents.size()))
        return 0;
    return int(m_incidents[size_t(parent.row())].updates.size());
}

int UpstreamIncidentsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant UpstreamIncidentsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == kTop) {
        const upstream::SummaryIncident &i = m_incidents[size_t(index.row())];
        if (role == roles::IdRole)
            return i.id;
        if (role == roles::KindRole)
            return i.maintenance ? QStringLiteral("maintenance") : QStringLiteral("incident");
        if (role == Qt::ToolTipRole && index.column() == TimeColumn)
            return i.maintenance && i.scheduledFor.isValid()
                       ? timefmt::isoRange(i.scheduledFor, i.scheduledUntil)
                   : i.updates.empty() ? QString()
                                       : timefmt::isoUtc(i.updates.back().createdAt);
        if (role != Qt::DisplayRole)
            return {};
        switch (index.column()) {
        case NameColumn:
            return i.maintenance ? tr("Maintenance: %1").arg(i.name) : i.name;
        case StatusColumn:
            return upstream::incidentStatusText(i.status);
        case TimeColumn:
            // Within one day, "2026-12-09 10:00:00 – 11:00:00 +00:00": the column shows it whole.
            if (i.maintenance && i.scheduledFor.isValid())
                return timefmt::displayRange(i.scheduledFor, i.scheduledUntil);
            return i.updates.empty() ? QString() : timefmt::display(i.updates.back().createdAt);
        default:
            return {};
        }
    }
    const upstream::SummaryUpdate &u =
        m_incidents[size_t(index.internalId() - 1)].updates[size_t(index.row())];
    if (role == roles::IdRole)
        return u.id;
    if (role == roles::KindRole)
        return QStringLiteral("update");
    if (role == Qt::ToolTipRole && index.column() == NameColumn)
        return u.body;
    if (role == Qt::ToolTipRole && index.column() == TimeColumn)
        return timefmt::isoUtc(u.createdAt);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return u.body.simplified();
    case StatusColumn:
        return upstream::incidentStatusText(u.status);
    case TimeColumn:
        return timefmt::display(u.createdAt);
    default:
        return {};
    }
}

QVariant UpstreamIncidentsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Incident or maintenance / update");
    case StatusColumn:
        return tr("Status");
    case TimeColumn:
        return tr("Since / window");
    default:
        return {};
    }
}

void UpstreamIncidentsModel::setSummary(const upstream::Summary &summary)
{
    beginResetModel();
    m_incidents = summary.incidents;
    endResetModel();
}

const upstream::SummaryIncident *UpstreamIncidentsModel::incidentAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    const size_t row = index.internalId() == kTop ? size_t(index.row()) : size_t(index.internalId() - 1);
    return row < m_incidents.size() ? &m_incidents[row] : nullptr;
}

UpstreamEventsModel::UpstreamEventsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int UpstreamEventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UpstreamEventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UpstreamEventsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const UpstreamEvent &e = m_rows[size_t(index.row())];
    if (role == roles::IdRole)
        return e.id;
    if (role == roles::KindRole)
        return toString(e.kind);
    if (role == Qt::ToolTipRole && index.column() == ChangeColumn)
        return e.text;
    if (role == Qt::ToolTipRole && index.column() == TimeColumn)
        return timefmt::isoUtc(e.detectedAt);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return timefmt::display(e.detectedAt);
    case PageColumn:
        return m_names.value(e.upstreamId, e.upstreamId);
    case ChangeColumn:
        return e.text;
    case WebhooksColumn:
        return e.kind == UpstreamEvent::Kind::PageStatus ? QVariant(tr("—")) : QVariant(e.messages);
    default:
        return {};
    }
}

QVariant UpstreamEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Seen");
    case PageColumn:
        return tr("Page");
    case ChangeColumn:
        return tr("Change");
    case WebhooksColumn:
        return tr("Webhooks");
    default:
        return {};
    }
}

void UpstreamEventsModel::setRows(std::vector<UpstreamEvent> rows, QHash<QString, QString> names)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_names = std::move(names);
    endResetModel();
}

} // namespace sd
