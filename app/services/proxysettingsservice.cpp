#include "app/services/proxysettingsservice.h"

#include "models/deliverysettings.h"
#include "models/endpointurl.h"

namespace sd {

Result<ProxySetting> ProxySettingsService::load()
{
    return inTransaction(m_ctx.store, [&]() -> Result<ProxySetting> {
        return DeliverySettings::load(m_ctx.store.settings).proxy;
    });
}

Result<ProxySetting> ProxySettingsService::save(const QString &typed)
{
    return inTransaction(m_ctx.store, [&]() -> Result<ProxySetting> {
        DeliverySettings s = DeliverySettings::load(m_ctx.store.settings);
        const ProxySetting before = s.proxy;
        const auto parsed = ProxySetting::parse(endpointurl::withStoredCredentials(typed, before.toString()));
        if (!parsed)
            return Error{parsed.error()};
        s.proxy = parsed.value();
        if (s.proxy == before)
            return s.proxy;
        s.save(m_ctx.store.settings);
        m_ctx.audit(QStringLiteral("settings.set"), QStringLiteral("settings"), QString(),
                    QStringLiteral("Delivery settings: proxy %1 → %2%3")
                        .arg(before.redacted(), s.proxy.redacted(),
                             before.redacted() == s.proxy.redacted() ? QStringLiteral(" (new password)")
                                                                     : QString()));
        return s.proxy;
    });
}

} // namespace sd
