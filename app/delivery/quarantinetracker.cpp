#include "app/delivery/quarantinetracker.h"

namespace sd {

void QuarantineTracker::seed(const QString &subscriberId, int failuresInWindow, const QDateTime &now)
{
    auto &list = m_failures[subscriberId];
    for (int i = 0; i < failuresInWindow; ++i)
        list.push_back(now.toMSecsSinceEpoch());
}

bool QuarantineTracker::recordFailure(const QString &subscriberId, const QDateTime &at)
{
    auto &list = m_failures[subscriberId];
    const qint64 t = at.toMSecsSinceEpoch();
    list.push_back(t);
    while (!list.empty() && list.front() < t - m_windowMs)
        list.pop_front();
    return static_cast<int>(list.size()) >= m_threshold;
}

} // namespace sd
