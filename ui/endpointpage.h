#pragma once

#include "models/domain.h"
#include "models/healthrepository.h"

#include <QDialog>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QTableWidget;

namespace sd {

class HealthChart;
class Session;
class Store;

// The charts' period: the last hour by minute (read from the attempts themselves: exact figures), or the
// last 24 hours or 7 days by hour (the running hourly aggregates).
enum class ChartRange
{
    LastHour,
    LastDay,
    LastWeek
};

// One point of the charts: a minute or an hour with attempts (periods without any are left out: gaps).
struct ChartPoint
{
    QDateTime at; // the middle of its minute or hour, never past the period's end
    qint64 attempts = 0;
    double successPercent = 0;
    qint64 p50Ms = -1;
    qint64 p95Ms = -1;
};

// What the endpoint page shows, read in one go on the session's worker thread.
struct EndpointSnapshot
{
    std::optional<Subscriber> subscriber;
    std::optional<EndpointHealth> health; // nullopt: never sent
    ChartRange range = ChartRange::LastWeek;
    std::vector<ChartPoint> points; // the chart period, in time order
    std::vector<Attempt> attempts;  // the last kRecentAttempts, newest first
    QDateTime from;
    QDateTime to;
};

// One endpoint, as Svix shows one: its state, success rate and latency over time (the last hour by minute,
// or the last 24 hours or 7 days by hour), the last 24 hours and all time next to each other, and its most
// recent attempts. Opened by double-clicking a subscriber. Reads go through the session's worker, never the
// UI thread.
class EndpointPage final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointPage)

public:
    static constexpr int kRecentAttempts = 50;

    EndpointPage(Session &session, QString subscriberId, QWidget *parent = nullptr);

    QString subscriberId() const { return m_id; }
    void refresh();
    QComboBox *rangeBox() const { return m_range; }
    // Reads the snapshot (runs on the worker's connection; public so a test can check it directly).
    // Without a range: the shortest one that holds the last attempt (a fresh incident is more than one dot).
    static EndpointSnapshot read(Store &store, const QString &subscriberId, const QDateTime &now,
                                 std::optional<ChartRange> range = ChartRange::LastWeek);
    // Shows a snapshot from read() (refresh() does this on the UI thread when the worker answers).
    void display(const EndpointSnapshot &snapshot);

Q_SIGNALS:
    void loaded(); // the numbers on screen are the ones just read

private:
    Session &m_session;
    QString m_id;
    QLabel *m_title = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_lastResult = nullptr;
    QLabel *m_recent = nullptr;
    QLabel *m_lifetime = nullptr;
    HealthChart *m_successChart = nullptr;
    HealthChart *m_latencyChart = nullptr;
    QTableWidget *m_attempts = nullptr;
    QComboBox *m_range = nullptr;
    bool m_rangeChosen = false; // the operator picked one: no longer chosen from the data
};

} // namespace sd

Q_DECLARE_METATYPE(sd::EndpointSnapshot)
