#include "app/readers/readthrottle.h"

namespace sd {

ReadThrottle::ReadThrottle(int minIntervalMs, std::function<void()> start, QObject *parent)
    : QObject(parent)
    , m_minIntervalMs(minIntervalMs)
    , m_start(std::move(start))
{
    m_delay.setSingleShot(true);
    connect(&m_delay, &QTimer::timeout, this, &ReadThrottle::begin);
}

void ReadThrottle::request()
{
    if (m_busy) {
        m_pending = true;
        return;
    }
    if (m_delay.isActive())
        return;
    const qint64 since = m_sinceStart.isValid() ? m_sinceStart.elapsed() : m_minIntervalMs;
    if (since < m_minIntervalMs)
        m_delay.start(int(m_minIntervalMs - since));
    else
        begin();
}

void ReadThrottle::begin()
{
    m_busy = true;
    m_pending = false;
    m_sinceStart.start();
    m_start();
}

} // namespace sd
