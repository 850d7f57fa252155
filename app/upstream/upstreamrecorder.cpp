#include "app/upstream/upstreamrecorder.h"

#include "app/services/outboxwriter.h"
#include "app/upstream/pollpolicy.h"
#include "app/upstream/relaypayload.h"
#include "models/ids.h"
#include "models/upstreamrepository.h"

#include <QJsonDocument>

namespace sd::upstream {
namespace {

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

Result<RecordOutcome> UpstreamRecorder::record(const QString &upstreamId, const PageRead &read)
{
    try {
        Database &db = m_ctx.store.db();
        Transaction tx(db);
        UpstreamRepository repo(db);
        auto found = repo.find(upstreamId);
        if (!found)
            return Error{QStringLiteral("upstream %1 is no longer followed").arg(upstreamId)};
        Upstream u = *found;
        RecordOutcome out;
        if (u.leaseOwner != m_owner) {
            out.leaseLost = true;
            out.after = u;
            return out;
        }
        const QDateTime now = m_ctx.now();
        u.lastCheckedAt = now;
        PageRead::Outcome outcome = read.outcome;
        QString failure = read.error;
        std::optional<Summary> after;
        if (outcome == PageRead::Outcome::Fresh) {
            auto parsed = parseSummary(read.body);
            if (parsed) {
                after = std::move(parsed.value());
            } else {
                outcome = PageRead::Outcome::Failed;
                failure = parsed.error();
            }
        }
        const bool wasStale = u.isStale();
        if (outcome == PageRead::Outcome::Failed) {
            ++u.failures;
            if (!u.staleSince.isValid())
                u.staleSince = now;
            u.lastError = failure;
            u.nextPollAt = now.addMSecs(nextDelayMs(u.intervalMs, u.failures, read.retryAfterMs));
        } else {
            u.failures = 0;
            u.staleSince = {};
            u.lastError.clear();
            u.lastSuccessAt = now;
            u.nextPollAt = now.addMSecs(u.intervalMs);
        }
        if (after) {
            std::optional<Summary> before;
            if (!u.snapshot.isEmpty()) {
                if (auto b = parseSummary(u.snapshot))
                    before = std::move(b.value());
            }
            // A cache that answers with an older page than the one stored (a CDN edge behind another) is not
            // a change back: the stored state stays.
            const bool older = before && before->updatedAt.isValid() && after->updatedAt.isValid() &&
                               after->updatedAt < before->updatedAt;
            if (!older) {
                recordChanges(u, before ? &*before : nullptr, *after, read, out);
                u.pageId = after->pageId;
                u.pageName = after->pageName;
                u.indicator = after->indicator;
                u.description = after->description;
                u.snapshot = compact(QJsonDocument::fromJson(read.body).object());
                ++u.snapshotVersion;
                u.etag = read.etag;
                u.lastModified = read.lastModified;
            }
        }
        if (!repo.saveRead(u, m_owner)) {
            RecordOutcome lost; // rolled back with everything above
            lost.leaseLost = true;
            lost.after = u;
            return lost;
        }
        if (!out.events.empty() || wasStale != u.isStale())
            db.notifyChanged(QStringLiteral("upstreams"));
        tx.commit();
        out.after = u;
        return out;
    } catch (const StoreError &e) {
        return Error{storeFailure(e.message())};
    }
}

void UpstreamRecorder::recordChanges(Upstream &u, const Summary *before, const Summary &after,
                                     const PageRead &read, RecordOutcome &out)
{
    Store &store = m_ctx.store;
    UpstreamRepository repo(store.db());
    const QDateTime now = m_ctx.now();
    std::vector<Change> changes;
    if (before) {
        changes = diff(*before, after, read.closed);
    } else {
        // The first read is the baseline: what the page says now is shown, nothing is relayed.
        Change start;
        start.kind = UpstreamEvent::Kind::PageStatus;
        start.eventKey = QStringLiteral("follow:start");
        start.subjectId = after.pageId;
        start.subjectName = after.pageName;
        start.newValue = after.indicator;
        const int open = after.countOpenIncidents();
        start.text = QStringLiteral("Following %1: %2; %3 open incident(s), %4 maintenance(s) listed")
                         .arg(after.pageName.isEmpty() ? u.name : after.pageName, after.description)
                         .arg(open)
                         .arg(static_cast<int>(after.incidents.size()) - open);
        start.occurredAt = after.updatedAt;
        changes.push_back(start);
    }
    if (changes.empty())
        return;
    const Page local = store.page.get();
    std::vector<Subscriber> recipients;
    for (const QString &id : repo.subscribersOf(u.id)) {
        auto s = store.subscribers.find(id);
        if (s && s->state == SubscriberState::Active)
            recipients.push_back(*s);
    }
    OutboxWriter writer(store, QStringLiteral("upstream:") + u.name);
    int seq = 0;
    for (const Change &c : changes) {
        UpstreamEvent e;
        static_cast<UpstreamChange &>(e) = c; // what changed, as the diff found it
        e.seq = seq++;
        e.id = ids::newId();
        e.upstreamId = u.id;
        e.detectedAt = now;
        QJsonObject event;
        if (c.kind == UpstreamEvent::Kind::Component)
            event = componentRelay(u, after, c, e.id, local.documentationUrl, now);
        else if (c.kind != UpstreamEvent::Kind::PageStatus)
            event = incidentRelay(u, after, c, local.documentationUrl, now);
        if (!event.isEmpty())
            e.body = compact(event);
        if (!repo.insertEvent(e))
            continue; // recorded already (by another poller, or before a restart)
        if (!event.isEmpty() && !recipients.empty()) {
            const QStringList queued = writer.enqueue(
                c.kind == UpstreamEvent::Kind::Component ? EventKind::Component : EventKind::Incident,
                c.subjectId, u.name + QStringLiteral(": ") + c.subjectName, e.id, event, local, recipients,
                now);
            e.messages = static_cast<int>(queued.size());
            repo.setEventMessages(e.id, e.messages);
            out.messageIds << queued;
        }
        if (c.kind == UpstreamEvent::Kind::PageStatus && c.oldValue == QLatin1String("none") &&
            c.newValue != QLatin1String("none") && !c.newValue.isEmpty())
            out.leftOperational = true;
        out.events.push_back(e);
    }
}

} // namespace sd::upstream
