#include "app/delivery/hostscheduler.h"

#include "models/endpointurl.h"

namespace sd {

void HostScheduler::setLimits(int maxInFlight, int maxPerHost)
{
    m_maxInFlight = maxInFlight;
    m_maxPerHost = maxPerHost;
}

QString HostScheduler::originOf(const QString &endpoint)
{
    return endpointurl::origin(endpoint);
}

void HostScheduler::enqueue(Message message)
{
    const QString origin = originOf(message.endpoint);
    m_ids.insert(message.id);
    auto &queue = m_queues[origin];
    if (queue.empty() && !m_ring.contains(origin))
        m_ring << origin;
    queue.push_back(std::move(message));
    ++m_waiting;
}

std::optional<Message> HostScheduler::next(QString *originOut)
{
    if (m_inFlight >= m_maxInFlight || m_ring.isEmpty())
        return std::nullopt;
    // One full turn of the ring at most: each origin gets a chance before any gets a second one.
    for (int step = 0; step < m_ring.size(); ++step) {
        if (m_cursor >= m_ring.size())
            m_cursor = 0;
        const QString origin = m_ring.at(m_cursor);
        auto &queue = m_queues[origin];
        int &busy = m_hostInFlight[origin];
        if (!queue.empty() && busy < m_maxPerHost) {
            Message m = std::move(queue.front());
            queue.pop_front();
            --m_waiting;
            ++busy;
            ++m_inFlight;
            if (queue.empty()) {
                m_ring.removeAt(m_cursor);
                m_queues.remove(origin);
            } else {
                ++m_cursor;
            }
            if (originOut)
                *originOut = origin;
            return m;
        }
        ++m_cursor;
    }
    return std::nullopt;
}

HostScheduler::CapWait HostScheduler::mostWaitingAtHostCap() const
{
    CapWait most;
    for (auto it = m_queues.cbegin(); it != m_queues.cend(); ++it) {
        const int busy = m_hostInFlight.value(it.key());
        const int waiting = static_cast<int>(it.value().size());
        if (busy >= m_maxPerHost && waiting > most.waiting)
            most = {it.key(), waiting, busy};
    }
    return most;
}

void HostScheduler::finished(const QString &origin)
{
    --m_inFlight;
    auto it = m_hostInFlight.find(origin);
    if (it != m_hostInFlight.end() && --it.value() <= 0)
        m_hostInFlight.erase(it);
}

QStringList HostScheduler::dropSubscriber(const QString &subscriberId)
{
    QStringList dropped;
    for (auto it = m_queues.begin(); it != m_queues.end();) {
        auto &queue = it.value();
        for (auto m = queue.begin(); m != queue.end();) {
            if (m->subscriberId == subscriberId) {
                dropped << m->id;
                m_ids.remove(m->id);
                m = queue.erase(m);
                --m_waiting;
            } else {
                ++m;
            }
        }
        if (queue.empty()) {
            m_ring.removeAll(it.key());
            it = m_queues.erase(it);
        } else {
            ++it;
        }
    }
    return dropped;
}

} // namespace sd
