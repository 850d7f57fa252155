#include "app/delivery/pendingwrites.h"

namespace sd {

JournalBatch PendingWrites::takeAll(qint64 purgeAfterMs)
{
    JournalBatch batch;
    batch.results = std::exchange(m_results, {});
    batch.quarantines = std::exchange(m_quarantines, {});
    batch.states = std::exchange(m_states, {});
    batch.purgeAfterMs = purgeAfterMs;
    return batch;
}

std::optional<JournalBatch> PendingWrites::start(int claim, qint64 purgeAfterMs)
{
    if (m_writing)
        return std::nullopt;
    m_claimWanted = false;
    if (empty() && claim <= 0)
        return std::nullopt;
    JournalBatch batch = takeAll(purgeAfterMs);
    batch.claim = std::max(0, claim);
    m_writing = true;
    m_claiming = batch.claim;
    m_inWrite = batch;
    return batch;
}

QStringList PendingWrites::finish(const JournalOutcome &outcome)
{
    m_writing = false;
    m_claiming = 0;
    JournalBatch done = std::exchange(m_inWrite, {});
    if (!outcome.ok) {
        m_results.insert(m_results.begin(), done.results.begin(), done.results.end());
        m_quarantines.insert(m_quarantines.begin(), done.quarantines.begin(), done.quarantines.end());
        m_states.insert(m_states.begin(), done.states.begin(), done.states.end());
        return {};
    }
    m_backlog = outcome.backlog;
    // Only what is committed is announced: a view that reads these ids now sees their new state.
    QStringList changed;
    for (const JournalBatch::Result &r : done.results)
        changed << r.attempt.messageId;
    for (const JournalBatch::Quarantine &q : done.quarantines)
        changed << q.heldIds;
    for (const JournalBatch::StateChange &c : done.states)
        changed << c.messageId;
    return changed;
}

} // namespace sd
