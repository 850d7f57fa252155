#include "app/services/templateservice.h"

#include "models/ids.h"
#include "models/validation.h"
#include "models/values.h"

namespace sd {
namespace {

void applyInput(IncidentTemplate &t, const TemplateInput &in)
{
    if (in.name)
        t.name = in.name->trimmed();
    if (in.title)
        t.title = *in.title;
    if (in.body)
        t.body = *in.body;
    if (in.groupId)
        t.groupId = *in.groupId;
    if (in.updateStatus)
        t.updateStatus = *in.updateStatus;
    if (in.shouldTweet)
        t.shouldTweet = *in.shouldTweet;
    if (in.shouldSendNotifications)
        t.shouldSendNotifications = *in.shouldSendNotifications;
    if (in.components)
        t.components = *in.components;
}

QString describe(const IncidentTemplate &t)
{
    QStringList parts{
        QStringLiteral("\"%1\": title \"%2\", %3").arg(t.name, t.title, toString(t.updateStatus))};
    for (const TemplateComponent &c : t.components)
        parts << (c.status ? QStringLiteral("%1 → %2").arg(c.componentId, toString(*c.status))
                           : QStringLiteral("%1 affected").arg(c.componentId));
    if (!t.shouldSendNotifications)
        parts << QStringLiteral("subscribers not notified");
    return parts.join(QStringLiteral("; "));
}

} // namespace

QString TemplateService::check(const IncidentTemplate &t, const QString &selfId)
{
    if (const QString err = validation::checkName(t.name, QStringLiteral("template")); !err.isEmpty())
        return err;
    if (const QString err = validation::checkName(t.title, QStringLiteral("template title")); !err.isEmpty())
        return err;
    if (t.body.trimmed().isEmpty())
        return QStringLiteral("template body is required");
    if (const QString err = validation::checkBody(t.body); !err.isEmpty())
        return err;
    if (const auto other = m_ctx.store.templates.find(t.name); other && other->id != selfId)
        return QStringLiteral("a template named \"%1\" already exists").arg(t.name);
    QStringList seen;
    for (const TemplateComponent &c : t.components) {
        if (!m_ctx.store.components.find(c.componentId))
            return QStringLiteral("unknown component id \"%1\"").arg(c.componentId);
        if (seen.contains(c.componentId))
            return QStringLiteral("component %1 is listed twice").arg(c.componentId);
        seen << c.componentId;
    }
    return {};
}

Result<IncidentTemplate> TemplateService::add(const TemplateInput &input)
{
    if (!input.name || !input.title || !input.body)
        return Error{QStringLiteral("a template needs a name, a title and a body")};
    return inTransaction(m_ctx.store, [&]() -> Result<IncidentTemplate> {
        IncidentTemplate t;
        t.id = ids::newId();
        applyInput(t, input);
        if (const QString err = check(t, t.id); !err.isEmpty())
            return Error{err};
        t.createdAt = t.updatedAt = m_ctx.now();
        m_ctx.store.templates.insert(t);
        m_ctx.audit(QStringLiteral("template.create"), QStringLiteral("template"), t.id, describe(t));
        return t;
    });
}

Result<IncidentTemplate> TemplateService::edit(const QString &idOrName, const TemplateInput &input)
{
    return inTransaction(m_ctx.store, [&]() -> Result<IncidentTemplate> {
        auto found = m_ctx.store.templates.find(idOrName);
        if (!found)
            return Error{QStringLiteral("no template \"%1\"").arg(idOrName)};
        IncidentTemplate t = *found;
        applyInput(t, input);
        if (const QString err = check(t, t.id); !err.isEmpty())
            return Error{err};
        t.updatedAt = m_ctx.now();
        m_ctx.store.templates.update(t);
        m_ctx.audit(QStringLiteral("template.update"), QStringLiteral("template"), t.id, describe(t));
        return t;
    });
}

Result<IncidentTemplate> TemplateService::remove(const QString &idOrName)
{
    return inTransaction(m_ctx.store, [&]() -> Result<IncidentTemplate> {
        auto found = m_ctx.store.templates.find(idOrName);
        if (!found)
            return Error{QStringLiteral("no template \"%1\"").arg(idOrName)};
        m_ctx.store.templates.remove(found->id);
        m_ctx.audit(QStringLiteral("template.remove"), QStringLiteral("template"), found->id,
                    QStringLiteral("\"%1\" removed").arg(found->name));
        return *found;
    });
}

NewIncident TemplateService::incidentFrom(const IncidentTemplate &t, const std::vector<Component> &current)
{
    NewIncident n;
    n.name = t.title;
    n.body = t.body;
    n.status = t.updateStatus;
    n.notify = t.shouldSendNotifications;
    n.fromTemplate = t.name;
    for (const TemplateComponent &c : t.components) {
        if (c.status) {
            n.components.push_back({c.componentId, *c.status});
            continue;
        }
        // Affected at its status now (as the API's component_ids); a component since removed is left out.
        for (const Component &now : current)
            if (now.id == c.componentId)
                n.components.push_back({c.componentId, now.status});
    }
    return n;
}

Result<IncidentChange> TemplateService::createIncident(const QString &idOrName)
{
    const auto t = m_ctx.store.templates.find(idOrName);
    if (!t)
        return Error{QStringLiteral("no template \"%1\"").arg(idOrName)};
    return IncidentService(m_ctx).create(incidentFrom(*t, m_ctx.store.components.all()));
}

} // namespace sd
