#pragma once

#include "app/services/servicecontext.h"
#include "models/result.h"

#include <QDateTime>

namespace sd {

// Opens and closes scheduled maintenance windows (Statuspage's automatic transitions): at scheduled_for a
// maintenance with automatic transitions goes scheduled → in_progress and its components to
// under_maintenance; at scheduled_until it goes to completed and each component back to the status it had
// when the window opened. An hour before the start of one that asks for it, the subscribers who hear of it
// are reminded by email (no webhook: Statuspage sends none for reminders). Each transition and reminder, with
// its webhooks, commits in one transaction and happens once however many processes (console, serve, dispatch)
// run a clock on the same store.
class MaintenanceClock final
{
public:
    explicit MaintenanceClock(ServiceContext ctx);

    // Statuspage reminds subscribers an hour before a maintenance that asks for it (scheduled_remind_prior).
    static constexpr qint64 kReminderLeadSecs = 60 * 60;

    // Applies every transition and reminder due now; returns how many transitions this process made.
    Result<int> applyDue();
    // When the next transition or reminder falls due (invalid: none scheduled). Throws StoreError.
    QDateTime nextDue();
    // Reminders this process has sent since it started (one per maintenance, emails to every subscriber
    // who hears of it).
    int remindersSent() const { return m_reminders; }

private:
    Result<bool> remind(const QString &incidentId);
    Result<bool> open(const QString &incidentId);
    Result<bool> close(const QString &incidentId);
    ServiceContext m_ctx;
    int m_reminders = 0;
};

} // namespace sd
