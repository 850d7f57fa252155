#pragma once

#include <QDateTime>
#include <QHash>
#include <deque>

namespace sd {

// Failed requests per subscriber over a sliding window (Statuspage: 10 within about an hour).
class QuarantineTracker final
{
public:
    QuarantineTracker(int threshold, qint64 windowMs)
        : m_threshold(threshold)
        , m_windowMs(windowMs)
    {}

    bool isKnown(const QString &subscriberId) const { return m_failures.contains(subscriberId); }
    // Seeds a subscriber with failures already in the database (so a restart does not reset the count).
    void seed(const QString &subscriberId, int failuresInWindow, const QDateTime &now);
    // Records a failure; true when the subscriber has now reached the threshold.
    bool recordFailure(const QString &subscriberId, const QDateTime &at);
    void reset(const QString &subscriberId) { m_failures.remove(subscriberId); }

private:
    int m_threshold;
    qint64 m_windowMs;
    QHash<QString, std::deque<qint64>> m_failures;
};

} // namespace sd
