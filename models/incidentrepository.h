#pragma once

#include "models/database.h"
#include "models/domain.h"

#include <optional>
#include <vector>

namespace sd {

// Incidents and their updates; an incident is always read with its updates, newest first.
class IncidentRepository final
{
public:
    explicit IncidentRepository(Database &db)
        : m_db(db)
    {}

    // Open realtime incidents first, then resolved ones, then scheduled maintenance; newest first within
    // each.
    std::vector<Incident> all();
    std::vector<Incident> open(); // not resolved or completed
    std::optional<Incident> find(const QString &id);
    void insert(const Incident &i);
    void update(const Incident &i);
    void insertUpdate(const IncidentUpdate &u);
    void updateUpdate(const IncidentUpdate &u); // body, display time and flags of one posted update
    void remove(const QString &id);             // with its updates; webhooks already queued stay

    // Scheduled maintenance with automatic transitions whose window opened (still scheduled) or ended (still
    // in progress or verifying) at `now`.
    std::vector<Incident> dueMaintenance(const QDateTime &now);
    // The earliest start or end of such a window still to come (invalid: none).
    QDateTime nextMaintenanceTransition();
    // Moves the incident from one of `from` to `to`; false when another connection moved it first (the
    // row no longer has one of those statuses), so each transition happens once however many processes try.
    bool moveStatus(const QString &id, const QStringList &from, IncidentStatus to);

    // Still-scheduled maintenance asking for a reminder (scheduled_remind_prior), not yet reminded, that
    // starts after `now` and no later than `startsBy`.
    std::vector<Incident> dueReminders(const QDateTime &now, const QDateTime &startsBy);
    // The earliest start of such a maintenance still to come (invalid: none).
    QDateTime nextReminderStart(const QDateTime &now);
    // Sets scheduled_reminded_at if nobody has: false when another process reminded first.
    bool claimReminder(const QString &id, const QDateTime &at);

private:
    std::vector<Incident> select(const QString &where, const QVariantList &binds);
    std::vector<IncidentUpdate> updatesFor(const QString &incidentId);
    Database &m_db;
};

} // namespace sd
