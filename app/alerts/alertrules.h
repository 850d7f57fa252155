#pragma once

#include "app/readers/fanoutprogress.h"
#include "models/alertquery.h"
#include "models/domain.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QSet>
#include <QString>
#include <vector>

namespace sd {

// Something a responder who is not looking at the console should hear about.
struct Alert
{
    enum class Kind
    {
        Quarantine,   // one or more endpoints quarantined
        FailureSpike, // many endpoints failing at once
        MaintenanceStarted,
        MaintenanceEnded,
        FanoutFailed,           // a change's webhooks went out once to everyone and some did not arrive
        UpstreamLeftOperational // a followed page (issue 23) left "All Systems Operational"
    };
    Kind kind = Kind::Quarantine;
    QString title;
    QString body;
    bool urgent = false; // the notification's "critical" urgency
};

// What the store says now (AlertReader reads it off the UI thread).
struct AlertObservation
{
    std::vector<NoticeSeen> newNotices; // written since the previous observation, oldest first
    std::vector<MaintenanceState> maintenance;
    EndpointCounts endpoints;
    bool firstLook = false; // the reader's first look: its notices were already there
};

// Decides what is worth a notification: the "what happened" of the console's alerts. Pure: it remembers the
// previous observation and turns differences into alerts, grouped so a burst is one alert (ten quarantines
// in one look are one "10 endpoints quarantined"; never one per delivery). The first observation only sets
// where things stand: nothing that was already so when the console opened is announced.
class AlertRules final
{
public:
    // A failure spike: at least this many endpoints failing, and at least kSpikeShare of the active ones;
    // announced once, and again only after the count fell below half of that.
    static constexpr int kSpikeMinimum = 3;
    static constexpr double kSpikeShare = 0.05;

    std::vector<Alert> observe(const AlertObservation &o);
    // The recent changes' fan-outs (FanoutProgressMonitor::recent()) at `nowMs` (any steady clock). A change
    // is announced once when its webhooks have all been tried (none queued or sending) and some did not
    // arrive: at once when every one is final (delivered, failed, held), or after kSettleMs with some still
    // retrying (their schedule may wait hours; the responder hears now, not when it gives up).
    static constexpr qint64 kSettleMs = 3000;
    std::vector<Alert> observeFanouts(const QList<FanoutSnapshot> &recent, qint64 nowMs);

    int spikeThreshold(int activeEndpoints) const;
    // Failing endpoints for the tray's badge: active ones whose last attempt failed, plus quarantined ones.
    int failingEndpoints() const { return m_failing + m_quarantined; }

private:
    bool m_primed = false;
    bool m_fanoutsPrimed = false;
    bool m_spikeAnnounced = false;
    int m_failing = 0;
    int m_quarantined = 0;
    QHash<QString, IncidentStatus> m_maintenance; // incident id -> status at the previous look
    QSet<QString> m_fanoutsAnnounced;             // event ids
    QHash<QString, qint64> m_settledSince;        // event id -> when nothing was left queued or sending
};

} // namespace sd

Q_DECLARE_METATYPE(sd::Alert)
