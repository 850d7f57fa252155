#pragma once

#include "models/domain.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <deque>
#include <optional>

namespace sd {

// Claimed messages waiting for a connection slot, one queue per origin (scheme://host:port), served
// round-robin under a global and a per-origin cap, so an origin that hangs only ever ties up its own slots.
class HostScheduler final
{
public:
    HostScheduler(int maxInFlight, int maxPerHost)
        : m_maxInFlight(maxInFlight)
        , m_maxPerHost(maxPerHost)
    {}

    void setLimits(int maxInFlight, int maxPerHost);
    static QString originOf(const QString &endpoint);

    void enqueue(Message message);
    // The next message allowed to start now, or nothing when every cap is reached. Counts it as in flight;
    // `origin`, when given, is set to its origin (no second parse of the URL).
    std::optional<Message> next(QString *origin = nullptr);
    void finished(const QString &origin);
    // Drops every waiting message of a subscriber (quarantine); returns their ids.
    QStringList dropSubscriber(const QString &subscriberId);

    // The origin with the most messages waiting only because its per-origin cap is full (the status bar
    // names it: the host holding the others back, issue 20 item 4); an empty origin when none waits so.
    struct CapWait
    {
        QString origin;
        int waiting = 0;
        int inFlight = 0;
    };
    CapWait mostWaitingAtHostCap() const;
    int maxPerHost() const { return m_maxPerHost; }

    int inFlight() const { return m_inFlight; }
    int waiting() const { return m_waiting; }
    bool contains(const QString &messageId) const { return m_ids.contains(messageId); }
    void forget(const QString &messageId) { m_ids.remove(messageId); }

private:
    int m_maxInFlight;
    int m_maxPerHost;
    int m_inFlight = 0;
    int m_waiting = 0;
    QHash<QString, std::deque<Message>> m_queues;
    QHash<QString, int> m_hostInFlight;
    QStringList m_ring; // origins with waiting messages, in round-robin order
    int m_cursor = 0;
    QSet<QString> m_ids; // waiting or in flight
};

} // namespace sd
