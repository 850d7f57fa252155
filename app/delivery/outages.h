#pragma once

namespace sd {

// Warnings said once per outage: the first failure of a kind is reported, repeats are not, and the first
// success after it is news again.
class Outages final
{
public:
    enum class Kind
    {
        Store,   // reading the outbox or the subscribers
        Clock,   // the maintenance clock
        Journal, // recording results
    };
    // True when `kind` fails now after having worked.
    bool failed(Kind kind) { return set(kind, true); }
    // True when `kind` works now after having failed.
    bool recovered(Kind kind) { return set(kind, false); }

private:
    bool set(Kind kind, bool failing)
    {
        const unsigned bit = 1u << static_cast<unsigned>(kind);
        const bool was = (m_failing & bit) != 0;
        m_failing = failing ? (m_failing | bit) : (m_failing & ~bit);
        return was != failing;
    }
    unsigned m_failing = 0;
};

} // namespace sd
