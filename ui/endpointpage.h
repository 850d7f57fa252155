#pragma once

#include "models/domain.h"
#include "models/healthrepository.h"

#include <QDialog>
#include <optional>
#include <vector>

class QLabel;
class QTableWidget;

namespace sd {

class HealthChart;
class Session;
class Store;

// What the endpoint page shows, read in one go on the session's worker thread.
struct EndpointSnapshot
{
    std::optional<Subscriber> subscriber;
    std::optional<EndpointHealth> health; // nullopt: never sent
    std::vector<HealthHour> hours;        // the chart period, hour by hour
    std::vector<Attempt> attempts;        // the last kRecentAttempts, newest first
    QDateTime from;
    QDateTime to;
};

// One endpoint, as Svix shows one: its state, success rate and latency over time (hourly charts of the last
// seven days), the last 24 hours and all time next to each other, and its most recent attempts. Opened by
// double-clicking a subscriber. Reads go through the session's worker, never the UI thread.
class EndpointPage final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointPage)

public:
    static constexpr int kRecentAttempts = 50;
    static constexpr int kChartDays = 7;

    EndpointPage(Session &session, QString subscriberId, QWidget *parent = nullptr);

    QString subscriberId() const { return m_id; }
    void refresh();
    // Reads the snapshot (runs on the worker's connection; public so a test can check it directly).
    static EndpointSnapshot read(Store &store, const QString &subscriberId, const QDateTime &now);
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
};

} // namespace sd

Q_DECLARE_METATYPE(sd::EndpointSnapshot)
