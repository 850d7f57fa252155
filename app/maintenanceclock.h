#pragma once

#include "result.h"
#include "servicecontext.h"

#include <QDateTime>

namespace sd {

// Opens and closes scheduled maintenance windows (Statuspage's automatic transitions): at scheduled_for a
// maintenance with automatic transitions goes scheduled → in_progress and its components to
// under_maintenance; at scheduled_until it goes to completed and each component back to the status it had
// when the window opened. Each transition, with its webhooks, commits in one transaction and happens once
// however many processes (console, serve, dispatch) run a clock on the same store.
class MaintenanceClock final
{
public:
    explicit MaintenanceClock(ServiceContext ctx);

    // Applies every transition due now; returns how many this process made.
    Result<int> applyDue();
    // When the next transition falls due (invalid: none scheduled). Throws StoreError.
    QDateTime nextDue();

private:
    Result<bool> open(const QString &incidentId);
    Result<bool> close(const QString &incidentId);
    ServiceContext m_ctx;
};

} // namespace sd
