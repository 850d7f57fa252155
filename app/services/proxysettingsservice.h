#pragma once

#include "app/services/servicecontext.h"
#include "models/proxysetting.h"

namespace sd {

// The console's way to change how webhooks leave this desk (the delivery proxy setting): validates (one
// sentence on failure, nothing written), keeps the stored password when the redacted URL it was shown comes
// back, then writes the setting and an audit row that shows it redacted, in one transaction.
class ProxySettingsService final
{
public:
    explicit ProxySettingsService(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}
    Result<ProxySetting> load();
    // "system", "none" or a proxy URL as typed (the password may be the shown "***").
    Result<ProxySetting> save(const QString &typed);

private:
    ServiceContext m_ctx;
};

} // namespace sd
