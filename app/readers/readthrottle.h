#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <functional>

namespace sd {

// Coalesces the requests for a background read: one read at a time, and at most one started every
// `minIntervalMs`. request() starts it now, after the rest of the interval, or (while one runs) marks it
// pending; the owner calls finish() when the read's answer is in and asks again if pending() says so.
class ReadThrottle final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReadThrottle)

public:
    ReadThrottle(int minIntervalMs, std::function<void()> start, QObject *parent = nullptr);

    void request();
    void finish() { m_busy = false; }
    bool pending() const { return m_pending; }

private:
    void begin();

    const int m_minIntervalMs;
    const std::function<void()> m_start;
    QTimer m_delay; // the rest of the minimum interval
    QElapsedTimer m_sinceStart;
    bool m_busy = false;
    bool m_pending = false;
};

} // namespace sd
