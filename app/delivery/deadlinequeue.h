#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <functional>
#include <map>
#include <unordered_map>

namespace sd {

// Many deadlines on one precise timer. A QTimer per request puts every in-flight request into the event
// dispatcher's timer list, so with a thousand hanging requests each new request's start and stop paid for a
// thousand-entry list; here adding and cancelling cost a map insert and erase.
class DeadlineQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeadlineQueue)

public:
    using Id = quint64;

    explicit DeadlineQueue(QObject *parent = nullptr);

    // Calls `expired` (on this object's thread) once `timeoutMs` have passed, unless cancelled first.
    Id add(qint64 timeoutMs, std::function<void()> expired);
    void cancel(Id id);
    void clear();
    int size() const { return static_cast<int>(m_entries.size()); }

private:
    void fire();
    void arm();

    struct Entry
    {
        std::multimap<qint64, Id>::iterator at;
        std::function<void()> expired;
    };
    QElapsedTimer m_clock;
    QTimer m_timer;
    std::multimap<qint64, Id> m_byTime; // deadline (ms on m_clock) -> id
    std::unordered_map<Id, Entry> m_entries;
    Id m_next = 1;
};

} // namespace sd
