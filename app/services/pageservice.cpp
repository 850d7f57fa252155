#include "app/services/pageservice.h"

#include "models/ids.h"
#include "models/validation.h"

namespace sd {

Result<Page> PageService::get()
{
    return inTransaction(m_ctx.store, [&]() -> Result<Page> { return m_ctx.store.page.get(); });
}

Result<Page> PageService::update(const PagePatch &patch)
{
    if (patch.id && !ids::isValidId(*patch.id))
        return Error{QStringLiteral("page id \"%1\" must be 12 lowercase letters or digits").arg(*patch.id)};
    if (patch.name) {
        if (const QString err = validation::checkName(*patch.name, QStringLiteral("page")); !err.isEmpty())
            return Error{err};
    }
    if (patch.url) {
        if (patch.url->isEmpty())
            return Error{QStringLiteral("page URL is required")};
        if (const QString err = validation::checkPageUrl(*patch.url, QStringLiteral("page URL")); !err.isEmpty())
            return Error{err};
    }
    if (patch.documentationUrl) {
        const QString err = validation::checkPageUrl(*patch.documentationUrl, QStringLiteral("documentation URL"));
        if (!err.isEmpty())
            return Error{err};
    }
    if (patch.timeZone) {
        if (const QString err = validation::checkTimeZone(*patch.timeZone); !err.isEmpty())
            return Error{err};
    }
    return inTransaction(m_ctx.store, [&]() -> Result<Page> {
        Page p = m_ctx.store.page.get();
        const Page before = p;
        setIfGiven(p.id, patch.id);
        if (patch.name)
            p.name = patch.name->trimmed();
        setIfGiven(p.url, patch.url);
        setIfGiven(p.timeZone, patch.timeZone);
        setIfGiven(p.documentationUrl, patch.documentationUrl);
        setIfGiven(p.allowWebhookSubscribers, patch.allowWebhookSubscribers);
        p.updatedAt = m_ctx.now();
        m_ctx.store.page.save(p);
        QStringList changes;
        auto note = [&changes](const char *field, const QString &from, const QString &to) {
            if (from != to)
                changes << QStringLiteral("%1 \"%2\" → \"%3\"").arg(QLatin1String(field), from, to);
        };
        note("id", before.id, p.id);
        note("name", before.name, p.name);
        note("url", before.url, p.url);
        note("time zone", before.timeZone, p.timeZone);
        note("documentation", before.documentationUrl, p.documentationUrl);
        note("allow_webhook_subscribers", QLatin1String(before.allowWebhookSubscribers ? "true" : "false"),
             QLatin1String(p.allowWebhookSubscribers ? "true" : "false"));
        if (!changes.isEmpty())
            m_ctx.audit(QStringLiteral("page.set"), QStringLiteral("page"), p.id,
                        QStringLiteral("Page: ") + changes.join(QStringLiteral("; ")));
        return p;
    });
}

} // namespace sd
