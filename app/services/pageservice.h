#pragma once

#include "app/services/servicecontext.h"

namespace sd {

struct PagePatch
{
    std::optional<QString> id;
    std::optional<QString> name;
    std::optional<QString> url;
    std::optional<QString> timeZone;
    std::optional<QString> documentationUrl;
    std::optional<bool> allowWebhookSubscribers;
};

class PageService final
{
public:
    explicit PageService(ServiceContext ctx) : m_ctx(std::move(ctx)) {}
    // The operator recorded for the changes made from now on (the console's name can change while it runs).
    void setActor(const QString &actor) { m_ctx.actor = actor; }
    const QString &actor() const { return m_ctx.actor; }
    Result<Page> get();
    Result<Page> update(const PagePatch &patch);
    PageStatus status() { return m_ctx.currentPageStatus(); }

private:
    ServiceContext m_ctx;
};

} // namespace sd
