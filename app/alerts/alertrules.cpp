#include "app/alerts/alertrules.h"

#include "models/values.h"

#include <QCoreApplication>
#include <QLocale>
#include <algorithm>
#include <cmath>

namespace sd {
namespace {

constexpr int kNamesListed = 3; // a grouped alert names this many and counts the rest

QString tr(const char *text)
{
    return QCoreApplication::translate("sd::AlertRules", text);
}

// "a, b, c and 4 more"
QString listed(const QStringList &names)
{
    QStringList shown = names.mid(0, kNamesListed);
    QString text = shown.join(QStringLiteral(", "));
    if (names.size() > kNamesListed)
        text += tr(" and %1 more").arg(names.size() - kNamesListed);
    return text;
}

QString plural(int n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(QLocale().toString(n), n == 1 ? one : many);
}

bool started(IncidentStatus s)
{
    return s == IncidentStatus::InProgress || s == IncidentStatus::Verifying;
}

} // namespace

int AlertRules::spikeThreshold(int activeEndpoints) const
{
    return std::max(kSpikeMinimum, static_cast<int>(std::ceil(kSpikeShare * activeEndpoints)));
}

std::vector<Alert> AlertRules::observe(const AlertObservation &o)
{
    std::vector<Alert> out;
    const bool announce = m_primed && !o.firstLook;

    // Quarantines: one alert for all the notices of this look.
    QStringList quarantined;
    for (const NoticeSeen &n : o.newNotices) {
        if (n.kind == QLatin1String("quarantined"))
            quarantined << (n.endpoint.isEmpty() ? n.subscriberId : n.endpoint);
    }
    if (announce && !quarantined.isEmpty()) {
        Alert a;
        a.kind = Alert::Kind::Quarantine;
        a.urgent = true;
        if (quarantined.size() == 1) {
            a.title = tr("Endpoint quarantined: %1").arg(quarantined.constFirst());
            a.body = o.newNotices.size() == 1 ? o.newNotices.front().text
                                              : tr("Its webhooks are held until it is reactivated.");
        } else {
            a.title =
                tr("%1 quarantined").arg(plural(int(quarantined.size()), tr("endpoint"), tr("endpoints")));
            a.body = tr("%1. Their webhooks are held until they are reactivated.").arg(listed(quarantined));
        }
        out.push_back(a);
    }

    // A failure spike, with hysteresis so a count hovering at the threshold is said once.
    const int threshold = spikeThreshold(o.endpoints.active);
    if (o.endpoints.failing >= threshold) {
        if (!m_spikeAnnounced && announce) {
            Alert a;
            a.kind = Alert::Kind::FailureSpike;
            a.urgent = true;
            a.title = tr("Failure spike: %1 of %2 failing")
                          .arg(QLocale().toString(o.endpoints.failing),
                               plural(o.endpoints.active, tr("endpoint"), tr("endpoints")));
            a.body = tr("Their last webhook was not accepted. The Deliveries tab shows what they answered.");
            out.push_back(a);
        }
        m_spikeAnnounced = true;
    } else if (o.endpoints.failing < std::max(1, threshold / 2)) {
        m_spikeAnnounced = false;
    }
    m_failing = o.endpoints.failing;
    m_quarantined = o.endpoints.quarantined;

    // Maintenance windows that opened or closed since the previous look.
    QStringList opened;
    QStringList closed;
    QHash<QString, IncidentStatus> now;
    for (const MaintenanceState &m : o.maintenance) {
        now.insert(m.incidentId, m.status);
        const auto before = m_maintenance.constFind(m.incidentId);
        const IncidentStatus was = before != m_maintenance.cend() ? *before : IncidentStatus::Scheduled;
        if (was == IncidentStatus::Scheduled && started(m.status))
            opened << m.name;
        else if (started(was) && m.status == IncidentStatus::Completed)
            closed << m.name;
    }
    m_maintenance = std::move(now);
    if (announce) {
        if (!opened.isEmpty()) {
            Alert a;
            a.kind = Alert::Kind::MaintenanceStarted;
            a.title = opened.size() == 1 ? tr("Maintenance started: %1").arg(opened.constFirst())
                                         : tr("%1 maintenance windows started").arg(opened.size());
            a.body = opened.size() == 1 ? tr("Its components are under maintenance until the window closes.")
                                        : listed(opened);
            out.push_back(a);
        }
        if (!closed.isEmpty()) {
            Alert a;
            a.kind = Alert::Kind::MaintenanceEnded;
            a.title = closed.size() == 1 ? tr("Maintenance completed: %1").arg(closed.constFirst())
                                         : tr("%1 maintenance windows completed").arg(closed.size());
            a.body = closed.size() == 1 ? tr("Its components are back to the status they had before.")
                                        : listed(closed);
            out.push_back(a);
        }
    }
    m_primed = true;
    return out;
}

std::vector<Alert> AlertRules::observeFanouts(const QList<FanoutSnapshot> &recent, qint64 nowMs)
{
    QStringList lines;
    QStringList names;
    QHash<QString, qint64> settled;
    QSet<QString> listedIds;
    for (const FanoutSnapshot &s : recent)
        listedIds.insert(s.fanout.eventId);
    m_fanoutsAnnounced.intersect(listedIds); // a change that left the recent list never comes back
    for (const FanoutSnapshot &s : recent) {
        const FanoutCounts &f = s.fanout;
        const StateCounts &c = f.counts;
        const int undelivered = c.failed + c.held + c.retrying;
        if (c.queued + c.sending > 0 || undelivered == 0)
            continue;
        const qint64 since = m_settledSince.value(f.eventId, nowMs);
        settled.insert(f.eventId, since);
        if (m_fanoutsAnnounced.contains(f.eventId))
            continue;
        if (!m_fanoutsPrimed) {
            m_fanoutsAnnounced.insert(f.eventId); // already so when the console opened
            continue;
        }
        if (c.retrying > 0 && nowMs - since < kSettleMs)
            continue;
        m_fanoutsAnnounced.insert(f.eventId);
        QStringList parts;
        parts << tr("%1 delivered").arg(QLocale().toString(c.delivered));
        if (c.failed > 0)
            parts << tr("%1 failed").arg(QLocale().toString(c.failed));
        if (c.retrying > 0)
            parts << tr("%1 retrying").arg(QLocale().toString(c.retrying));
        if (c.held > 0)
            parts << tr("%1 held").arg(QLocale().toString(c.held));
        names << f.subjectName;
        lines << tr("%1: %2 of %3 not delivered (%4)")
                     .arg(f.subjectName, QLocale().toString(undelivered), QLocale().toString(f.total()),
                          parts.join(QStringLiteral(", ")));
    }
    m_settledSince = std::move(settled);
    m_fanoutsPrimed = true;
    if (lines.isEmpty())
        return {};
    Alert a;
    a.kind = Alert::Kind::FanoutFailed;
    a.urgent = false;
    a.title = lines.size() == 1 ? tr("Webhooks not delivered: %1").arg(names.constFirst())
                                : tr("%1 changes have webhooks not delivered").arg(lines.size());
    a.body = lines.mid(0, kNamesListed).join(QLatin1Char('\n'));
    if (lines.size() > kNamesListed)
        a.body += QLatin1Char('\n') + tr("and %1 more").arg(lines.size() - kNamesListed);
    return {a};
}

} // namespace sd
