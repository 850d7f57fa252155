#pragma once

#include "models/domain.h"
#include "models/outboxrepository.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace sd {

class Database;

// One change's fan-out (a component status change or an incident update: one event id) as the store holds
// it, whichever process queued or delivered its messages.
struct FanoutCounts
{
    QString eventId;
    EventKind kind = EventKind::Component;
    QString subjectName; // the component or incident
    QDateTime createdAt; // when the change was made
    StateCounts counts;

    // What is meant to reach subscribers. Cancelled messages (their subscriber left before sending) never
    // will, so they are kept out of the total and reported apart.
    int total() const { return counts.total() - counts.cancelled; }
    int finished() const { return counts.delivered + counts.failed + counts.held; }
    bool active() const { return counts.queued + counts.sending + counts.retrying > 0; }
};

// The origin whose per-origin cap holds the most webhooks back, as the store shows it for every engine on
// the database (consoles, serve, dispatch); an empty origin when none waits so.
struct CappedOrigin
{
    QString origin; // scheme://host:port
    int inFlight = 0;
    int waiting = 0; // claimed beyond an engine's cap, plus due and unclaimed
    int perHostCap = 0;
};

// Per-change progress read from the store: every count is one aggregate (GROUP BY state) over the messages
// of one event, served from the messages_by_event index. Runs on whichever thread owns `db`.
class FanoutQuery final
{
public:
    explicit FanoutQuery(Database &db)
        : m_db(db)
    {}

    // The `limit` most recent changes that queued webhooks, newest first, with their counts.
    QList<FanoutCounts> recent(int limit);
    // The counts of the given events (e.g. one incident's updates), in the order given; events without
    // messages are left out.
    QList<FanoutCounts> forEvents(const QStringList &eventIds);
    StateCounts countsFor(const QString &eventId);
    // From the live leases (who sends to which endpoint right now) and the due messages, per origin: an
    // engine holding more than `perHostCap` leases for one origin has the cap in flight and the rest
    // waiting; the origin counts as capped when some engine is at the cap there and messages wait.
    CappedOrigin cappedOrigin(const QDateTime &now, int perHostCap);

private:
    Database &m_db;
};

} // namespace sd
