#pragma once

#include "app/services/incidentservice.h"
#include "app/services/servicecontext.h"

#include <optional>

namespace sd {

// A template's fields as an operator or the API gives them; unset fields keep their value on an edit.
struct TemplateInput
{
    std::optional<QString> name;
    std::optional<QString> title;
    std::optional<QString> body;
    std::optional<QString> groupId;
    std::optional<IncidentStatus> updateStatus;
    std::optional<bool> shouldTweet;
    std::optional<bool> shouldSendNotifications;
    std::optional<std::vector<TemplateComponent>> components; // replaces the list
};

// Keeps the page's incident templates and starts incidents from them. Every change is audited.
class TemplateService final
{
public:
    explicit TemplateService(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}
    void setActor(const QString &actor) { m_ctx.actor = actor; }

    Result<IncidentTemplate> add(const TemplateInput &input); // name, title and body required
    Result<IncidentTemplate> edit(const QString &idOrName, const TemplateInput &input);
    Result<IncidentTemplate> remove(const QString &idOrName);

    // The incident a template starts: its title, body, status, notification switch and component statuses.
    static NewIncident incidentFrom(const IncidentTemplate &t, const std::vector<Component> &current);
    // Creates that incident (its component changes and every webhook in one transaction, as by hand).
    Result<IncidentChange> createIncident(const QString &idOrName);

private:
    QString check(const IncidentTemplate &t, const QString &selfId);
    ServiceContext m_ctx;
};

} // namespace sd
