#include "app/services/maintenanceclock.h"

#include "app/email/emailoutbox.h"
#include "app/services/incidentservice.h"
#include "app/services/notificationrules.h"
#include "models/values.h"

namespace sd {

MaintenanceClock::MaintenanceClock(ServiceContext ctx)
    : m_ctx(std::move(ctx))
{
    m_ctx.actor = QStringLiteral("maintenance window");
}

QDateTime MaintenanceClock::nextDue()
{
    QDateTime next = m_ctx.store.incidents.nextMaintenanceTransition();
    const QDateTime now = m_ctx.now();
    if (const QDateTime start = m_ctx.store.incidents.nextReminderStart(now); start.isValid()) {
        const QDateTime reminder = std::max(now, start.addSecs(-kReminderLeadSecs));
        if (!next.isValid() || reminder < next)
            next = reminder;
    }
    return next;
}

Result<int> MaintenanceClock::applyDue()
{
    std::vector<Incident> due;
    std::vector<Incident> reminders;
    try {
        const QDateTime now = m_ctx.now();
        due = m_ctx.store.incidents.dueMaintenance(now);
        reminders = m_ctx.store.incidents.dueReminders(now, now.addSecs(kReminderLeadSecs));
    } catch (const StoreError &e) {
        return Error{storeFailure(e.message())};
    }
    for (const Incident &i : reminders) {
        const auto sent = remind(i.id);
        if (!sent)
            return Error{sent.error()};
        m_reminders += sent.value() ? 1 : 0;
    }
    int made = 0;
    for (const Incident &i : due) {
        const auto moved = i.status == IncidentStatus::Scheduled ? open(i.id) : close(i.id);
        if (!moved)
            return Error{moved.error()};
        made += moved.value() ? 1 : 0;
    }
    return made;
}

namespace {

// Whether the maintenance's posted updates asked for subscribers to be told (the first one, when it was
// scheduled); the automatic transitions follow it.
bool notifies(const Incident &i)
{
    return i.updates.empty() || i.updates.back().deliverNotifications;
}

} // namespace

Result<bool> MaintenanceClock::remind(const QString &incidentId)
{
    return inTransaction(m_ctx.store, [&]() -> Result<bool> {
        const QDateTime now = m_ctx.now();
        // The guarded UPDATE is the claim: one process reminds, however many run a clock.
        if (!m_ctx.store.incidents.claimReminder(incidentId, now))
            return false;
        auto found = m_ctx.store.incidents.find(incidentId);
        if (!found)
            return false;
        QStringList names;
        for (const QString &id : found->componentIds) {
            if (auto c = m_ctx.store.components.find(id))
                names << c->name;
        }
        EmailOutbox mail(m_ctx.store, m_ctx.actor);
        int queued = 0;
        if (notifies(*found)) {
            for (const Subscriber &s :
                 notify::forIncident(m_ctx.store.subscribers.active(), found->componentIds))
                queued += mail.maintenanceReminder(s, *found, names, now).isEmpty() ? 0 : 1;
        }
        m_ctx.audit(QStringLiteral("incident.remind"), QStringLiteral("incident"), incidentId,
                    mail.enabled()
                        ? QStringLiteral("\"%1\" starts %2: %3 reminder email(s) queued")
                              .arg(found->name, found->scheduledFor.toString(Qt::ISODate))
                              .arg(queued)
                        : QStringLiteral("\"%1\" starts %2: no SMTP server is set, nobody was reminded")
                              .arg(found->name, found->scheduledFor.toString(Qt::ISODate)));
        return true;
    });
}

Result<bool> MaintenanceClock::open(const QString &incidentId)
{
    return inTransaction(m_ctx.store, [&]() -> Result<bool> {
        // The guarded UPDATE is the claim: another process that got here first leaves nothing to do.
        if (!m_ctx.store.incidents.moveStatus(incidentId, {QStringLiteral("scheduled")},
                                              IncidentStatus::InProgress))
            return false;
        auto found = m_ctx.store.incidents.find(incidentId);
        if (!found)
            return false;
        std::vector<ComponentStatusChange> changes;
        for (const QString &id : found->componentIds) {
            if (m_ctx.store.components.find(id))
                changes.push_back({id, ComponentStatus::UnderMaintenance});
        }
        Incident before = *found;
        before.status = IncidentStatus::Scheduled; // for the audit line: scheduled → in progress
        auto posted = IncidentService(m_ctx).postWithinTransaction(
            before, IncidentStatus::InProgress,
            QStringLiteral("Scheduled maintenance is currently in progress. We will provide updates as "
                           "necessary."),
            changes, notifies(*found));
        if (!posted)
            return Error{posted.error()};
        return true;
    });
}

Result<bool> MaintenanceClock::close(const QString &incidentId)
{
    return inTransaction(m_ctx.store, [&]() -> Result<bool> {
        auto found = m_ctx.store.incidents.find(incidentId);
        if (!found)
            return false;
        const IncidentStatus was = found->status;
        if (!m_ctx.store.incidents.moveStatus(incidentId,
                                              {QStringLiteral("in_progress"), QStringLiteral("verifying")},
                                              IncidentStatus::Completed))
            return false;
        // Each component goes back to what it was before the window opened: the old status in the first
        // update (oldest first) of the window that touched it. A component never touched stays as it is.
        QHash<QString, ComponentStatus> before;
        for (auto it = found->updates.rbegin(); it != found->updates.rend(); ++it) {
            if (it->status != IncidentStatus::InProgress && it->status != IncidentStatus::Verifying)
                continue;
            for (const AffectedComponent &a : it->affectedComponents) {
                if (!before.contains(a.code))
                    before.insert(a.code, a.oldStatus);
            }
        }
        std::vector<ComponentStatusChange> changes;
        for (const QString &id : found->componentIds) {
            if (before.contains(id) && m_ctx.store.components.find(id))
                changes.push_back({id, before.value(id)});
        }
        Incident current = *found;
        current.status = was;
        auto posted = IncidentService(m_ctx).postWithinTransaction(
            current, IncidentStatus::Completed,
            QStringLiteral("The scheduled maintenance has been completed."), changes, notifies(*found));
        if (!posted)
            return Error{posted.error()};
        return true;
    });
}

} // namespace sd
