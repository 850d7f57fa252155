#include "app/delivery/deliveryengine.h"

// The engine's graceful stop and its own tally (what a command's summary says), beside the delivery loop in
// deliveryengine.cpp.

namespace sd {

DeliveryProgress DeliveryEngine::tally() const
{
    DeliveryProgress p;
    p.attemptsMade = m_attemptsMade;
    p.delivered = m_delivered;
    p.failedAttempts = m_failedAttempts;
    p.gaveUp = m_gaveUp;
    p.held = m_held;
    p.retrying = static_cast<int>(m_retrying.size());
    return p;
}

void DeliveryEngine::drain()
{
    if (!m_store || !running()) {
        Q_EMIT drained();
        return;
    }
    m_phase = Phase::Draining;
    m_scanTimer.stop();
    checkDrained();
}

void DeliveryEngine::checkDrained()
{
    if (m_phase != Phase::Draining || m_scheduler->inFlight() > 0)
        return;
    if (!m_writes.writing() && !m_writes.empty())
        flush(false);
    if (m_writes.writing())
        return; // onWritten() asks again
    if (!m_drainedSaid) {
        m_drainedSaid = true;
        Q_EMIT drained();
    }
}

void DeliveryEngine::count(const QString &messageId, DeliveryState state)
{
    m_retrying.remove(messageId);
    if (state == DeliveryState::Retrying)
        m_retrying.insert(messageId);
    else if (state == DeliveryState::Failed)
        ++m_gaveUp;
    else if (state == DeliveryState::Held)
        ++m_held;
}

} // namespace sd
