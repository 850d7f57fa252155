#include "models/itemmodels/subscribersmodel.h"

#include "models/endpointurl.h"
#include "models/itemmodels/modelroles.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>

namespace sd {

namespace {

// What the success and latency columns show: the last 24 hours, or all time when nothing was sent lately.
const HealthCounts *shown(const EndpointHealth *h)
{
    if (!h)
        return nullptr;
    return h->recent.attempts > 0 ? &h->recent : &h->lifetime;
}

} // namespace

SubscribersModel::SubscribersModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_applyTimer(new QTimer(this))
{
    m_applyTimer->setInterval(0);
    m_applyTimer->setSingleShot(true);
    connect(m_applyTimer, &QTimer::timeout, this, &SubscribersModel::applySlice);
}

void SubscribersModel::setRows(std::vector<Subscriber> rows, const std::vector<Component> &components,
                               QHash<QString, QStringList> followedPages)
{
    beginResetModel();
    m_componentNames.clear();
    for (const Component &c : components)
        m_componentNames.insert(c.id, c.name);
    m_followedPages = std::move(followedPages);
    m_rows = std::move(rows);
    m_rowOf.clear();
    m_rowOf.reserve(static_cast<qsizetype>(m_rows.size()));
    // Growing the health hash mid-pass rehashes every entry at once (tens of ms at 100,000 rows).
    m_health.reserve(std::max(m_health.size(), static_cast<qsizetype>(m_rows.size())));
    for (size_t r = 0; r < m_rows.size(); ++r)
        m_rowOf.insert(m_rows[r].id, static_cast<int>(r));
    endResetModel();
    // Small pages get their numbers at once (a few queries); big ones fill in through refreshStatsSlice.
    if (m_rows.size() <= 2000)
        refreshStats();
}

void SubscribersModel::refreshStats()
{
    if (m_pass == Pass::None) {
        m_pass = Pass::Internal;
        startPass();
    } else {
        m_rerun = true; // the one in flight may have read before what the caller wants to see
    }
}

bool SubscribersModel::refreshStatsSlice(int budgetMs)
{
    Q_UNUSED(budgetMs)
    if (m_requestedDone) {
        m_requestedDone = false;
        return true;
    }
    if (m_pass == Pass::None) {
        m_pass = Pass::Requested;
        startPass();
    } else if (m_pass == Pass::Internal) {
        // Started before the caller's change, maybe: one more pass after it, reported to the caller.
        m_pass = Pass::Requested;
        m_rerun = true;
    }
    return false;
}

void SubscribersModel::startPass()
{
    m_readerDone = false;
    Q_EMIT healthPassWanted();
}

void SubscribersModel::addHealthPage(std::vector<EndpointHealth> page, bool last)
{
    if (!page.empty())
        m_pending.push_back(std::move(page));
    m_readerDone = last;
    if (!m_applyTimer->isActive())
        m_applyTimer->start();
}

void SubscribersModel::applySlice()
{
    QElapsedTimer clock;
    clock.start();
    // One signal per run of neighbouring rows that moved: a signal spanning unmoved rows costs a sorting
    // proxy over 100,000 rows more than it saves (measured with bench_ui_stall).
    int first = -1, last = -1;
    auto flush = [&] {
        if (first >= 0)
            Q_EMIT dataChanged(index(first, LastResultColumn), index(last, P95Column),
                               {Qt::DisplayRole, Qt::ToolTipRole, roles::SortRole});
        first = last = -1;
    };
    int done = 0;
    while (!m_pending.empty()) {
        std::vector<EndpointHealth> &page = m_pending.front();
        if (m_pendingAt >= page.size()) {
            m_pending.pop_front();
            m_pendingAt = 0;
            continue;
        }
        // The clock is asked every 32 entries: an entry costs about a microsecond.
        if (++done % 32 == 0 && clock.elapsed() >= kApplyBudgetMs)
            break;
        EndpointHealth &h = page[m_pendingAt++];
        auto known = m_health.find(h.subscriberId);
        if (known != m_health.end() && *known == h)
            continue;
        const int row = m_rowOf.value(h.subscriberId, -1);
        const QString id = h.subscriberId;
        m_health.insert(id, std::move(h));
        if (row < 0)
            continue;
        if (first >= 0 && row == last + 1) {
            last = row;
        } else {
            flush();
            first = last = row;
        }
    }
    flush();
    if (!m_pending.empty()) {
        m_applyTimer->start(); // the rest on a later turn, after paints, input and timers
        return;
    }
    if (!m_readerDone)
        return; // pageRead restarts the timer
    if (m_rerun) {
        m_rerun = false;
        startPass();
        return;
    }
    if (m_pass == Pass::Requested)
        m_requestedDone = true;
    m_pass = Pass::None;
    Q_EMIT statsPassFinished();
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

QString SubscribersModel::componentsText(const Subscriber &s) const
{
    const QStringList pages = m_followedPages.value(s.id);
    if (pages.isEmpty())
        return componentNames(s.componentIds);
    return tr("%1 · follows %2").arg(componentNames(s.componentIds), pages.join(QStringLiteral(", ")));
}

QVariant SubscribersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Subscriber &s = m_rows[static_cast<size_t>(index.row())];
    const EndpointHealth *h = healthAt(index.row());
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
            return componentsText(s);
        break;
    case StateColumn:
        if (display)
            return toString(s.state);
        if (sort)
            return static_cast<int>(s.state);
        if (role == Qt::ToolTipRole && s.state == SubscriberState::Quarantined)
            return tr("Quarantined %1; purged %2 unless reactivated")
                .arg(timefmt::isoUtc(s.quarantinedAt), timefmt::isoUtc(s.purgeAt));
        break;
    case LastResultColumn:
        if (display) {
            if (!h)
                return tr("never sent");
            const QString error = h->lastErrorClass.isEmpty() ? QString()
                                  : h->lastError.isEmpty()
                                      ? h->lastErrorClass
                                      : h->lastErrorClass + QStringLiteral(": ") + h->lastError;
            if (error.isEmpty())
                return QStringLiteral("HTTP %1").arg(h->lastHttpStatus);
            return h->lastHttpStatus > 0 ? QStringLiteral("HTTP %1 (%2)").arg(h->lastHttpStatus).arg(error)
                                         : error;
        }
        if (sort)
            return h ? h->lastHttpStatus : -1;
        if (role == Qt::ToolTipRole && h && h->lastAt.isValid())
            return tr("%1, %2 ms").arg(timefmt::isoUtc(h->lastAt)).arg(h->lastLatencyMs);
        break;
    case SuccessRateColumn: {
        const HealthCounts *c = shown(h);
        if (display)
            return !c ? QString()
                      : QStringLiteral("%1 %%2")
                            .arg(100.0 * c->successRate(), 0, 'f', 1)
                            .arg(c == &h->lifetime ? tr(" (all time)") : QString());
        if (sort)
            return c ? c->successRate() : -1.0;
        if (role == Qt::ToolTipRole && h)
            return tr("Last 24 hours: %1 of %2 attempts succeeded. All time: %3 of %4.")
                .arg(h->recent.successes)
                .arg(h->recent.attempts)
                .arg(h->lifetime.successes)
                .arg(h->lifetime.attempts);
        break;
    }
    case P50Column:
    case P95Column: {
        const HealthCounts *c = shown(h);
        const qint64 ms = c ? c->latency.percentile(index.column() == P50Column ? 50 : 95) : -1;
        if (display)
            return ms < 0 ? QString() : tr("%1 ms").arg(ms);
        if (sort)
            return ms;
        if (role == Qt::ToolTipRole && c)
            return tr("%1; estimated from latency buckets %2 wide, never above the slowest (%3 ms)")
                .arg(c == &h->lifetime ? tr("All time") : tr("Last 24 hours"), QStringLiteral("×1.41"))
                .arg(c->latency.maxMs);
        break;
    }
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
    case P50Column:
        return tr("p50 latency");
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

const EndpointHealth *SubscribersModel::healthAt(int row) const
{
    const Subscriber *s = subscriberAt(row);
    if (!s)
        return nullptr;
    const auto it = m_health.constFind(s->id);
    return it == m_health.constEnd() || it->lifetime.attempts == 0 ? nullptr : &*it;
}

int SubscribersModel::rowOf(const QString &id) const
{
    return m_rowOf.value(id, -1);
}

} // namespace sd
