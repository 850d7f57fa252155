#pragma once

#include "app/services/servicecontext.h"
#include "app/upstream/summarydiff.h"
#include "models/upstream.h"

#include <QStringList>
#include <vector>

namespace sd::upstream {

// What one read of a followed page brought back.
struct PageRead
{
    enum class Outcome
    {
        Fresh,       // 200 with a body
        NotModified, // 304: nothing changed since the ETag / Last-Modified we sent
        Failed       // unreachable, an error status, or not a Statuspage answer
    };
    Outcome outcome = Outcome::Failed;
    QByteArray body; // summary.json
    QString etag;
    QString lastModified;
    std::vector<SummaryIncident> closed; // final states of incidents that left the summary (when looked up)
    QString error;                       // Failed: one sentence
    qint64 retryAfterMs = -1;
};

struct RecordOutcome
{
    bool leaseLost = false; // another poller holds the page now: nothing was written
    Upstream after;
    std::vector<UpstreamEvent> events; // recorded by this call (never one another poller recorded)
    QStringList messageIds;            // queued for them
    bool leftOperational = false;      // the page's indicator went from "none" to something else
};

// Writes what a read found: the page's new state, one event per change and one message per subscriber who
// hears that page, all in one transaction, and only while `owner` holds the page's lease. A change is keyed
// (statuspagesummary.h), so one another poller already recorded is not recorded or relayed again, and the
// diff is taken against the state stored at commit time, never against what this process read earlier.
class UpstreamRecorder final
{
public:
    UpstreamRecorder(ServiceContext context, QString owner)
        : m_ctx(std::move(context))
        , m_owner(std::move(owner))
    {}

    Result<RecordOutcome> record(const QString &upstreamId, const PageRead &read);

private:
    void recordChanges(Upstream &u, const Summary *before, const Summary &after, const PageRead &read,
                       RecordOutcome &out);

    ServiceContext m_ctx;
    QString m_owner;
};

} // namespace sd::upstream
