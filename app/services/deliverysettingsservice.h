#pragma once

#include "app/services/servicecontext.h"
#include "models/deliverysettings.h"

namespace sd {

// What the settings dialog edits of the delivery settings (issue 20 item 3): the retry schedule, the two
// caps and the quarantine threshold.
struct RetryAndLimits
{
    QString schedule; // as typed: "0,5s,5m,30m,2h,5h,10h,10h"
    int maxInFlight = 256;
    int maxPerHost = 6;
    int quarantineFailures = 10;
    int quarantineWindowMinutes = 60;

    static RetryAndLimits from(const DeliverySettings &s);
};

// The console's way to change them and the proxy: validates (one sentence on failure, nothing written), then
// writes the settings and an audit row naming what changed, in one transaction. Running engines in other
// processes follow through the change signal; the caller reloads its own
// (DeliveryController::reloadSettings).
class DeliverySettingsService final
{
public:
    explicit DeliverySettingsService(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}
    Result<DeliverySettings> load();
    // Returns whether anything changed.
    Result<bool> save(const RetryAndLimits &typed);
    // How webhooks leave this desk: "system", "none" or a proxy URL as typed. A password shown redacted
    // ("***") and sent back keeps the stored one; the audit row shows the URL redacted.
    Result<ProxySetting> saveProxy(const QString &typed);

private:
    ServiceContext m_ctx;
};

} // namespace sd
