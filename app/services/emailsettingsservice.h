#pragma once

#include "app/services/servicecontext.h"
#include "models/smtpsettings.h"

namespace sd {

// The console's way to change where emails go: validates (one sentence on failure, nothing written), then
// writes the settings and an audit row that describes them (never the password) in one transaction.
class EmailSettingsService final
{
public:
    explicit EmailSettingsService(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}
    void setActor(const QString &actor) { m_ctx.actor = actor; }
    Result<SmtpSettings> load();
    Result<SmtpSettings> save(const SmtpSettings &settings);
    // Inside the caller's transaction: a notice when this change makes AUTH go out in cleartext
    // (--smtp-starttls never with a user), so the choice stays on the operator's screen.
    static void noticeIfCleartext(ServiceContext &ctx, const SmtpSettings &before, const SmtpSettings &after);

private:
    ServiceContext m_ctx;
};

} // namespace sd
