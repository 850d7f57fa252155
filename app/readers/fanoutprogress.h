#pragma once

#include "app/readers/readthrottle.h"
#include "app/readers/storethread.h"
#include "models/fanoutquery.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTimer>

namespace sd {

// Time left for a fan-out from its recent completion rate: finished messages over the last few seconds.
class EtaEstimator final
{
public:
    static constexpr qint64 kWindowMs = 10000; // recent enough to follow a slowing endpoint
    static constexpr qint64 kMinSpanMs = 500;  // below this a rate is noise
    static constexpr qint64 kStallMs = 5000;   // nothing finished for this long: "stalled", not an ETA

    void add(qint64 atMs, int finished);
    // Milliseconds until `remaining` more finish at the recent rate; -1 when nothing finished lately or
    // the fan-out is stalled (an estimate from an old rate would only count up, issue 20 item 4).
    qint64 etaMs(int remaining) const;
    // `remaining` wait and nothing finished in the last kStallMs (as of the last sample).
    bool stalled(int remaining) const;

private:
    QList<QPair<qint64, int>> m_samples; // (time, finished), oldest first
    qint64 m_lastProgressAt = -1;        // when `finished` last grew (or counting began)
};

// One change's progress as shown: its counts and, while it runs, the time left.
struct FanoutSnapshot
{
    FanoutCounts fanout;
    qint64 etaMs = -1;    // -1: unknown or nothing left to send now
    bool stalled = false; // messages wait to be sent and none finished for EtaEstimator::kStallMs
};

// Per-change delivery progress for the console, read from the store (so a fan-out queued or worked by
// `serve`, the CLI or another console shows too). The query runs on a thread of its own with its own
// connection; requests are coalesced to at most one every kMinIntervalMs, and the store is also looked at
// on a slow timer because on SQLite nothing announces another process's deliveries.
class FanoutProgressMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FanoutProgressMonitor)

public:
    static constexpr int kMinIntervalMs = 250;
    static constexpr int kRecentChanges = 6;

    explicit FanoutProgressMonitor(QString databasePath, QObject *parent = nullptr);
    ~FanoutProgressMonitor() override; // waits for a query under way

    // Also counted on every refresh (e.g. the updates of the incident on screen); order kept.
    void setWatchedEvents(const QStringList &eventIds);
    // The latest results: the most recent changes that fanned out, newest first, and the watched events.
    QList<FanoutSnapshot> recent() const { return m_recent; }
    QList<FanoutSnapshot> watched() const { return m_watched; }
    // The watched event's progress, or nullptr when it has none (no webhooks, or not counted yet).
    const FanoutSnapshot *watchedEvent(const QString &eventId) const;
    // The host whose per-origin cap holds webhooks back, whichever engine on the database sends to it.
    CappedOrigin cappedOrigin() const { return m_capped; }
    // How often the store is looked at without being asked, while a fan-out runs and while idle.
    void setPollIntervals(int activeMs, int idleMs);

public Q_SLOTS:
    void requestRefresh();

Q_SIGNALS:
    void updated();
    void failed(const QString &error); // the store could not be read; the last figures stay

private:
    void start();
    void onResult(QList<FanoutCounts> recent, QList<FanoutCounts> watched, const CappedOrigin &capped,
                  const QString &error);
    FanoutSnapshot snapshot(const FanoutCounts &f);

    StoreThread m_thread;
    ReadThrottle m_throttle;
    QTimer m_poll;
    int m_activePollMs = 1000;
    int m_idlePollMs = 3000;
    QElapsedTimer m_clock;
    QStringList m_watchedIds;
    QList<FanoutSnapshot> m_recent;
    QList<FanoutSnapshot> m_watched;
    CappedOrigin m_capped;
    QHash<QString, EtaEstimator> m_eta;
};

} // namespace sd
