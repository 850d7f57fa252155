#include "app/readers/fanoutprogress.h"

#include "models/deliverysettings.h"
#include "models/store.h"

#include <cmath>

namespace sd {

void EtaEstimator::add(qint64 atMs, int finished)
{
    if (!m_samples.isEmpty() && finished < m_samples.constLast().second)
        m_samples.clear(); // fewer finished than before: a resend reopened some; start the rate afresh
    if (m_samples.isEmpty() || finished > m_samples.constLast().second)
        m_lastProgressAt = atMs;
    m_samples.append({atMs, finished});
    // Keep one sample older than the window so the span covers the whole window.
    while (m_samples.size() > 2 && atMs - m_samples.at(1).first >= kWindowMs)
        m_samples.removeFirst();
}

bool EtaEstimator::stalled(int remaining) const
{
    return remaining > 0 && !m_samples.isEmpty() &&
           m_samples.constLast().first - m_lastProgressAt >= kStallMs;
}

qint64 EtaEstimator::etaMs(int remaining) const
{
    if (remaining <= 0 || m_samples.size() < 2 || stalled(remaining))
        return -1;
    const auto &[firstAt, firstDone] = m_samples.constFirst();
    const auto &[lastAt, lastDone] = m_samples.constLast();
    const qint64 span = lastAt - firstAt;
    const int done = lastDone - firstDone;
    if (span < kMinSpanMs || done <= 0)
        return -1;
    return qint64(std::ceil(double(remaining) * double(span) / double(done)));
}

FanoutProgressMonitor::FanoutProgressMonitor(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_thread(QStringLiteral("fanout-progress"), std::move(databasePath))
    , m_throttle(kMinIntervalMs, [this] { start(); })
{
    m_clock.start();
    m_poll.setSingleShot(true);
    connect(&m_poll, &QTimer::timeout, this, &FanoutProgressMonitor::requestRefresh);
    requestRefresh();
}

FanoutProgressMonitor::~FanoutProgressMonitor() = default; // m_thread finishes the query under way

void FanoutProgressMonitor::setWatchedEvents(const QStringList &eventIds)
{
    if (eventIds == m_watchedIds)
        return;
    m_watchedIds = eventIds;
    // Figures for events no longer watched are dropped now; the new ones follow with the next refresh.
    m_watched.erase(
        std::remove_if(m_watched.begin(), m_watched.end(),
                       [&](const FanoutSnapshot &s) { return !eventIds.contains(s.fanout.eventId); }),
        m_watched.end());
    requestRefresh();
}

const FanoutSnapshot *FanoutProgressMonitor::watchedEvent(const QString &eventId) const
{
    for (const FanoutSnapshot &s : m_watched) {
        if (s.fanout.eventId == eventId)
            return &s;
    }
    return nullptr;
}

void FanoutProgressMonitor::setPollIntervals(int activeMs, int idleMs)
{
    m_activePollMs = activeMs;
    m_idlePollMs = idleMs;
}

void FanoutProgressMonitor::requestRefresh()
{
    m_throttle.request();
}

void FanoutProgressMonitor::start()
{
    m_poll.stop();
    m_thread.post([this, watched = m_watchedIds](Store *store, QString error) {
        QList<FanoutCounts> recent;
        QList<FanoutCounts> watchedCounts;
        CappedOrigin capped;
        if (store) {
            try {
                FanoutQuery query(store->db());
                recent = query.recent(kRecentChanges);
                watchedCounts = query.forEvents(watched);
                capped = query.cappedOrigin(QDateTime::currentDateTimeUtc(),
                                            DeliverySettings::load(store->settings).maxPerHost);
            } catch (const StoreError &e) {
                error = e.message();
            }
        }
        // This object outlives the job: its m_thread finishes it before the object goes.
        QMetaObject::invokeMethod(
            this,
            [this, recent = std::move(recent), watchedCounts = std::move(watchedCounts), capped,
             error]() mutable { onResult(std::move(recent), std::move(watchedCounts), capped, error); },
            Qt::QueuedConnection);
    });
}

FanoutSnapshot FanoutProgressMonitor::snapshot(const FanoutCounts &f)
{
    FanoutSnapshot s{f, -1};
    EtaEstimator &eta = m_eta[f.eventId];
    eta.add(m_clock.elapsed(), f.finished());
    // Retrying messages wait for their schedule (seconds to hours): the estimate covers what is sendable now.
    s.etaMs = f.active() ? eta.etaMs(f.counts.queued + f.counts.sending) : -1;
    s.stalled = f.active() && eta.stalled(f.counts.queued + f.counts.sending);
    return s;
}

void FanoutProgressMonitor::onResult(QList<FanoutCounts> recent, QList<FanoutCounts> watched,
                                     const CappedOrigin &capped, const QString &error)
{
    m_throttle.finish();
    if (!error.isEmpty()) {
        Q_EMIT failed(error);
    } else {
        QHash<QString, EtaEstimator> keep;
        m_recent.clear();
        m_watched.clear();
        for (const FanoutCounts &f : recent)
            m_recent.append(snapshot(f));
        for (FanoutCounts &f : watched) {
            // A watched event that is also recent has its name and time from there.
            for (const FanoutSnapshot &r : std::as_const(m_recent)) {
                if (r.fanout.eventId == f.eventId) {
                    f = r.fanout;
                    break;
                }
            }
            m_watched.append(snapshot(f));
        }
        for (const FanoutSnapshot &s : std::as_const(m_recent))
            keep.insert(s.fanout.eventId, m_eta.value(s.fanout.eventId));
        for (const FanoutSnapshot &s : std::as_const(m_watched))
            keep.insert(s.fanout.eventId, m_eta.value(s.fanout.eventId));
        m_eta = std::move(keep);
        m_capped = capped;
        Q_EMIT updated();
    }
    bool anyActive = false;
    for (const FanoutSnapshot &s : std::as_const(m_recent))
        anyActive = anyActive || s.fanout.active();
    for (const FanoutSnapshot &s : std::as_const(m_watched))
        anyActive = anyActive || s.fanout.active();
    if (m_throttle.pending())
        requestRefresh();
    else
        m_poll.start(anyActive ? m_activePollMs : m_idlePollMs);
}

} // namespace sd
