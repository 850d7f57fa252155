#include "app/delivery/deadlinequeue.h"

#include <algorithm>
#include <limits>

namespace sd {

DeadlineQueue::DeadlineQueue(QObject *parent)
    : QObject(parent)
    , m_timer(this)
{
    m_clock.start();
    m_timer.setSingleShot(true);
    // Precise: a coarse timer may fire 5 % late, 1.5 s on a 30 s deadline.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &DeadlineQueue::fire);
}

DeadlineQueue::Id DeadlineQueue::add(qint64 timeoutMs, std::function<void()> expired)
{
    const Id id = m_next++;
    const qint64 at = m_clock.elapsed() + timeoutMs;
    const bool earliest = m_byTime.empty() || at < m_byTime.begin()->first;
    auto it = m_byTime.emplace(at, id);
    m_entries.emplace(id, Entry{it, std::move(expired)});
    if (earliest)
        arm();
    return id;
}

void DeadlineQueue::cancel(Id id)
{
    auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    m_byTime.erase(it->second.at);
    m_entries.erase(it);
    // The timer may stay armed for a deadline that is gone; fire() then finds nothing due and re-arms. With
    // nothing left it stops here, on this thread: a QTimer still running when the engine is deleted from
    // another thread after its own has ended warns "Timers cannot be stopped from another thread".
    if (m_byTime.empty())
        m_timer.stop();
}

void DeadlineQueue::clear()
{
    m_timer.stop();
    m_byTime.clear();
    m_entries.clear();
}

void DeadlineQueue::fire()
{
    const qint64 now = m_clock.elapsed();
    while (!m_byTime.empty() && m_byTime.begin()->first <= now) {
        const Id id = m_byTime.begin()->second;
        m_byTime.erase(m_byTime.begin());
        auto it = m_entries.find(id);
        std::function<void()> expired = std::move(it->second.expired);
        m_entries.erase(it);
        expired(); // may add or cancel entries
    }
    arm();
}

void DeadlineQueue::arm()
{
    if (m_byTime.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = std::max<qint64>(0, m_byTime.begin()->first - m_clock.elapsed());
    m_timer.start(static_cast<int>(std::min<qint64>(wait, std::numeric_limits<int>::max())));
}

} // namespace sd
