#include "app/services/emailsettingsservice.h"

namespace sd {

Result<SmtpSettings> EmailSettingsService::load()
{
    return inTransaction(m_ctx.store,
                         [&]() -> Result<SmtpSettings> { return SmtpSettings::load(m_ctx.store.settings); });
}

Result<SmtpSettings> EmailSettingsService::save(const SmtpSettings &in)
{
    SmtpSettings s = in;
    s.url = s.url.trimmed();
    s.from = s.from.trimmed();
    s.user = s.user.trimmed();
    if (const QString err = SmtpSettings::checkUrl(s.url); !err.isEmpty())
        return Error{err};
    if (const QString err = SmtpSettings::checkFrom(s.from); !err.isEmpty())
        return Error{err};
    if (!s.url.isEmpty() && s.from.isEmpty())
        return Error{QStringLiteral("an SMTP server needs a sender address too")};
    return inTransaction(m_ctx.store, [&]() -> Result<SmtpSettings> {
        const SmtpSettings before = SmtpSettings::load(m_ctx.store.settings);
        s.save(m_ctx.store.settings);
        if (before.describe() != s.describe() || before.password != s.password)
            m_ctx.audit(QStringLiteral("settings.set"), QStringLiteral("settings"), QString(),
                        QStringLiteral("Email: ") + s.describe() +
                            (before.password != s.password && !s.password.isEmpty()
                                 ? QStringLiteral(" (new password)")
                                 : QString()));
        noticeIfCleartext(m_ctx, before, s);
        return s;
    });
}

void EmailSettingsService::noticeIfCleartext(ServiceContext &ctx, const SmtpSettings &before,
                                             const SmtpSettings &after)
{
    const QString warning = after.cleartextWarning();
    if (warning.isEmpty() || warning == before.cleartextWarning())
        return;
    Notice n;
    n.createdAt = ctx.now();
    n.kind = QStringLiteral("smtp_cleartext");
    n.text =
        QStringLiteral("Email settings changed by %1: %2. Choose STARTTLS (opportunistic or required) or "
                       "smtps:// to protect it.")
            .arg(ctx.actor, warning);
    ctx.store.notices.add(n);
}

} // namespace sd
