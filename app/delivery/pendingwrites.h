#pragma once

#include "app/delivery/deliveryjournal.h"

#include <QStringList>
#include <optional>
#include <vector>

namespace sd {

// What the engine has decided and the journal has not written yet, and the one write under way. A write
// carries everything waiting plus, when asked, a claim of due messages; a failed write goes back ahead of
// anything newer and is sent again, so nothing decided is lost while the database is unavailable.
class PendingWrites final
{
public:
    void add(JournalBatch::Result result) { m_results.push_back(std::move(result)); }
    void add(JournalBatch::Quarantine quarantine) { m_quarantines.push_back(std::move(quarantine)); }
    void add(JournalBatch::StateChange change) { m_states.push_back(std::move(change)); }

    int results() const { return static_cast<int>(m_results.size()); }
    bool hasQuarantines() const { return !m_quarantines.empty(); }
    bool empty() const { return m_results.empty() && m_quarantines.empty() && m_states.empty(); }
    bool idle() const { return empty() && !m_writing; } // nothing waiting, nothing being written

    bool writing() const { return m_writing; }
    int claiming() const { return m_claiming; } // messages the journal may be claiming right now
    bool backlog() const { return m_backlog; }  // the last claim filled its window: more is probably due
    bool claimWanted() const { return m_claimWanted; }
    void wantClaim() { m_claimWanted = true; } // asked for during a write: goes with the next one

    // Everything waiting, with a claim of `claim` messages, as the write now under way; nothing when there
    // is nothing to write or a write is already under way.
    std::optional<JournalBatch> start(int claim, qint64 purgeAfterMs);
    // The journal's answer to the write under way. Returns the ids whose new state it committed; after a
    // failure (none) the batch waits again, ahead of what came meanwhile.
    QStringList finish(const JournalOutcome &outcome);
    // Everything waiting, for the last write at shutdown (no claim).
    JournalBatch takeAll(qint64 purgeAfterMs);

private:
    std::vector<JournalBatch::Result> m_results;
    std::vector<JournalBatch::Quarantine> m_quarantines;
    std::vector<JournalBatch::StateChange> m_states;
    JournalBatch m_inWrite; // kept until the journal confirms, to be sent again if the write fails
    bool m_writing = false;
    bool m_claimWanted = false;
    bool m_backlog = false;
    int m_claiming = 0;
};

} // namespace sd
