#include "ui/sampledata.h"

#include "ui/session.h"

namespace sd::sample {

Result<Ok> create(Session &session, const QString &receiverUrl)
{
    PagePatch page;
    page.name = QStringLiteral("Acme Status");
    if (auto r = session.pages().update(page); !r)
        return Error{r.error()};
    struct Seed
    {
        const char *name;
        const char *group;
        const char *description;
    };
    const Seed seeds[] = {
        {"API", "Core platform", "Public REST API"},
        {"Web app", "Core platform", "app.acme.example"},
        {"Database", "Core platform", "Primary PostgreSQL cluster"},
        {"Email delivery", "", "Transactional email"},
    };
    QString apiId;
    for (const Seed &s : seeds) {
        NewComponent c;
        c.name = QString::fromUtf8(s.name);
        c.group = QString::fromUtf8(s.group);
        c.description = QString::fromUtf8(s.description);
        auto r = session.components().add(c);
        if (!r)
            return Error{r.error()};
        if (apiId.isEmpty())
            apiId = r.value().id;
    }
    NewSubscriber ops;
    ops.endpoint = receiverUrl + QStringLiteral("/ops");
    ops.email = QStringLiteral("ops@example.com");
    ops.generateSecret = true;
    if (auto r = session.subscribers().add(ops); !r)
        return Error{r.error()};
    NewSubscriber api;
    api.endpoint = receiverUrl + QStringLiteral("/api-team");
    api.email = QStringLiteral("api-team@example.com");
    api.componentIds = {apiId};
    if (auto r = session.subscribers().add(api); !r)
        return Error{r.error()};
    session.afterChange();
    return Ok{};
}

} // namespace sd::sample
