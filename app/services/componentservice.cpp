#include "app/services/componentservice.h"

#include "app/formats/webhookpayload.h"
#include "app/services/notificationrules.h"
#include "app/services/outboxwriter.h"
#include "models/ids.h"
#include "models/validation.h"
#include "models/values.h"

namespace sd {

Result<QString> ComponentService::groupIdFor(const QString &nameOrId)
{
    if (nameOrId.isEmpty())
        return QString();
    if (auto g = m_ctx.store.components.findGroup(nameOrId))
        return g->id;
    if (const QString err = validation::checkName(nameOrId, QStringLiteral("group")); !err.isEmpty())
        return Error{err};
    ComponentGroup g;
    g.id = ids::newId();
    g.name = nameOrId;
    g.position = static_cast<int>(m_ctx.store.components.groups().size()) + 1;
    g.createdAt = g.updatedAt = m_ctx.now();
    m_ctx.store.components.insertGroup(g);
    return g.id;
}

Result<Component> ComponentService::add(const NewComponent &input)
{
    if (const QString err = validation::checkName(input.name, QStringLiteral("component")); !err.isEmpty())
        return Error{err};
    if (const QString err = validation::checkText(input.description, QStringLiteral("component description"));
        !err.isEmpty())
        return Error{err};
    if (input.description.size() > validation::kMaxDescriptionLength)
        return Error{QStringLiteral("component description is over %1 characters")
                         .arg(validation::kMaxDescriptionLength)};
    return inTransaction(m_ctx.store, [&]() -> Result<Component> {
        if (m_ctx.store.components.count() >= validation::kMaxComponents)
            return Error{
                QStringLiteral("a page holds at most %1 components").arg(validation::kMaxComponents)};
        auto group = groupIdFor(input.group);
        if (!group)
            return Error{group.error()};
        Component c;
        c.id = ids::newId();
        c.pageId = m_ctx.store.page.get().id;
        c.name = input.name.trimmed();
        c.description = input.description;
        c.status = input.status;
        c.showcase = input.showcase;
        c.onlyShowIfDegraded = input.onlyShowIfDegraded;
        c.startDate = input.startDate;
        c.groupId = group.value();
        c.position = m_ctx.store.components.nextPosition();
        c.createdAt = c.updatedAt = m_ctx.now();
        m_ctx.store.components.insert(c);
        QString detail = QStringLiteral("Added component \"%1\" (%2").arg(c.name, toString(c.status));
        const auto groupRow =
            c.groupId.isEmpty() ? std::nullopt : m_ctx.store.components.findGroup(c.groupId);
        if (groupRow)
            detail += QStringLiteral(", group \"%1\"").arg(groupRow->name);
        m_ctx.audit(QStringLiteral("component.add"), QStringLiteral("component"), c.id,
                    detail + QLatin1Char(')'));
        return c;
    });
}

Result<ComponentChange> ComponentService::update(const QString &id, const ComponentPatch &patch)
{
    if (patch.name) {
        if (const QString err = validation::checkName(*patch.name, QStringLiteral("component"));
            !err.isEmpty())
            return Error{err};
    }
    if (patch.description) {
        if (const QString err =
                validation::checkText(*patch.description, QStringLiteral("component description"));
            !err.isEmpty())
            return Error{err};
    }
    if (patch.description && patch.description->size() > validation::kMaxDescriptionLength)
        return Error{QStringLiteral("component description is over %1 characters")
                         .arg(validation::kMaxDescriptionLength)};
    return inTransaction(m_ctx.store, [&]() -> Result<ComponentChange> {
        auto found = m_ctx.store.components.find(id);
        if (!found)
            return Error{QStringLiteral("unknown component id \"%1\"").arg(id)};
        Component c = *found;
        const Component before = c;
        const QDateTime now = m_ctx.now();
        const ComponentStatus oldStatus = c.status;
        if (patch.name)
            c.name = patch.name->trimmed();
        setIfGiven(c.description, patch.description);
        setIfGiven(c.position, patch.position);
        setIfGiven(c.showcase, patch.showcase);
        setIfGiven(c.onlyShowIfDegraded, patch.onlyShowIfDegraded);
        setIfGiven(c.startDate, patch.startDate);
        if (patch.group) {
            auto group = groupIdFor(*patch.group);
            if (!group)
                return Error{group.error()};
            c.groupId = group.value();
        }
        setIfGiven(c.status, patch.status);
        c.updatedAt = now;
        m_ctx.store.components.update(c);
        m_ctx.store.components.removeEmptyGroups();

        ComponentChange change{c, 0};
        // A rename, description, group or position change notifies nobody; a status change has its history
        // row and (unless silenced) its webhooks.
        if (c.status != oldStatus) {
            ComponentUpdate u;
            u.id = ids::newId();
            u.componentId = c.id;
            u.oldStatus = oldStatus;
            u.newStatus = c.status;
            u.createdAt = now;
            u.actor = m_ctx.actor;
            m_ctx.store.components.insertUpdate(u);
            if (patch.notify) {
                const Page page = m_ctx.store.page.get();
                const QJsonObject event = payload::componentEvent(page, m_ctx.currentPageStatus(), c, u, now);
                const auto recipients = notify::forComponent(m_ctx.store.subscribers.active(), c.id);
                change.messages =
                    OutboxWriter(m_ctx.store, m_ctx.actor)
                        .enqueue(EventKind::Component, c.id, c.name, u.id, event, page, recipients, now)
                        .size();
            }
        }
        auditUpdate(before, c, patch.notify, change.messages);
        return change;
    });
}

Result<Ok> ComponentService::remove(const QString &id)
{
    return inTransaction(m_ctx.store, [&]() -> Result<Ok> {
        const auto found = m_ctx.store.components.find(id);
        if (!found)
            return Error{QStringLiteral("unknown component id \"%1\"").arg(id)};
        m_ctx.store.components.remove(id);
        m_ctx.store.components.removeEmptyGroups();
        m_ctx.audit(QStringLiteral("component.remove"), QStringLiteral("component"), id,
                    QStringLiteral("Removed component \"%1\"").arg(found->name));
        return Ok{};
    });
}

namespace {

QString checkGroupPatch(const GroupPatch &p)
{
    if (p.name) {
        if (const QString err = validation::checkName(*p.name, QStringLiteral("component group"));
            !err.isEmpty())
            return err;
    }
    if (p.description) {
        if (const QString err = validation::checkText(*p.description, QStringLiteral("group description"));
            !err.isEmpty())
            return err;
        if (p.description->size() > validation::kMaxDescriptionLength)
            return QStringLiteral("group description is over %1 characters")
                .arg(validation::kMaxDescriptionLength);
    }
    if (p.componentIds && p.componentIds->isEmpty())
        return QStringLiteral("a component group holds at least one component");
    return {};
}

} // namespace

Result<ComponentGroup> ComponentService::addGroup(const GroupPatch &input)
{
    if (!input.name || !input.componentIds)
        return Error{QStringLiteral("a component group needs a name and its components")};
    if (const QString err = checkGroupPatch(input); !err.isEmpty())
        return Error{err};
    return inTransaction(m_ctx.store, [&]() -> Result<ComponentGroup> {
        if (m_ctx.store.components.findGroup(input.name->trimmed()))
            return Error{
                QStringLiteral("a component group named \"%1\" already exists").arg(input.name->trimmed())};
        ComponentGroup g;
        g.id = ids::newId();
        g.name = input.name->trimmed();
        g.description = input.description.value_or(QString());
        g.position = static_cast<int>(m_ctx.store.components.groups().size()) + 1;
        g.createdAt = g.updatedAt = m_ctx.now();
        m_ctx.store.components.insertGroup(g);
        for (const QString &cid : *input.componentIds) {
            auto c = m_ctx.store.components.find(cid);
            if (!c)
                return Error{QStringLiteral("unknown component id \"%1\"").arg(cid)};
            c->groupId = g.id;
            c->updatedAt = g.updatedAt;
            m_ctx.store.components.update(*c);
        }
        m_ctx.store.components.removeEmptyGroups(); // groups its components left
        m_ctx.audit(QStringLiteral("group.add"), QStringLiteral("component_group"), g.id,
                    QStringLiteral("Added group \"%1\" with %2 component(s)")
                        .arg(g.name)
                        .arg(input.componentIds->size()));
        return g;
    });
}

Result<ComponentGroup> ComponentService::updateGroup(const QString &id, const GroupPatch &patch)
{
    if (const QString err = checkGroupPatch(patch); !err.isEmpty())
        return Error{err};
    return inTransaction(m_ctx.store, [&]() -> Result<ComponentGroup> {
        auto found = m_ctx.store.components.findGroup(id);
        if (!found || found->id != id)
            return Error{QStringLiteral("unknown component group id \"%1\"").arg(id)};
        ComponentGroup g = *found;
        const QDateTime now = m_ctx.now();
        if (patch.name && patch.name->trimmed() != g.name) {
            if (auto other = m_ctx.store.components.findGroup(patch.name->trimmed());
                other && other->id != id)
                return Error{QStringLiteral("a component group named \"%1\" already exists")
                                 .arg(patch.name->trimmed())};
            g.name = patch.name->trimmed();
        }
        setIfGiven(g.description, patch.description);
        g.updatedAt = now;
        m_ctx.store.components.updateGroup(g);
        if (patch.componentIds) {
            for (const QString &cid : *patch.componentIds) {
                if (!m_ctx.store.components.find(cid))
                    return Error{QStringLiteral("unknown component id \"%1\"").arg(cid)};
            }
            for (Component c : m_ctx.store.components.all()) {
                const bool member = patch.componentIds->contains(c.id);
                if (member == (c.groupId == g.id))
                    continue;
                c.groupId = member ? g.id : QString();
                c.updatedAt = now;
                m_ctx.store.components.update(c);
            }
            m_ctx.store.components.removeEmptyGroups();
        }
        m_ctx.audit(QStringLiteral("group.update"), QStringLiteral("component_group"), g.id,
                    QStringLiteral("Group \"%1\" saved").arg(g.name));
        return g;
    });
}

Result<ComponentGroup> ComponentService::removeGroup(const QString &id)
{
    return inTransaction(m_ctx.store, [&]() -> Result<ComponentGroup> {
        auto found = m_ctx.store.components.findGroup(id);
        if (!found || found->id != id)
            return Error{QStringLiteral("unknown component group id \"%1\"").arg(id)};
        m_ctx.store.components.removeGroup(id);
        m_ctx.audit(QStringLiteral("group.remove"), QStringLiteral("component_group"), id,
                    QStringLiteral("Removed group \"%1\"; its components stay, ungrouped").arg(found->name));
        return *found;
    });
}

void ComponentService::auditUpdate(const Component &before, const Component &after, bool notify, int messages)
{
    QStringList changes;
    QString action;
    if (after.status != before.status) {
        action = QStringLiteral("component.status");
        changes << QStringLiteral("%1 → %2").arg(toString(before.status), toString(after.status)) +
                       (notify ? QStringLiteral(", %1 webhook(s) queued").arg(messages)
                               : QStringLiteral(", subscribers not notified"));
    }
    if (after.name != before.name) {
        if (action.isEmpty())
            action = QStringLiteral("component.rename");
        changes << QStringLiteral("renamed to \"%1\"").arg(after.name);
    }
    if (after.description != before.description)
        changes << QStringLiteral("description changed");
    if (after.groupId != before.groupId) {
        const auto group =
            after.groupId.isEmpty() ? std::nullopt : m_ctx.store.components.findGroup(after.groupId);
        changes << (group ? QStringLiteral("moved to group \"%1\"").arg(group->name)
                          : QStringLiteral("taken out of its group"));
    }
    if (after.position != before.position)
        changes << QStringLiteral("position %1 → %2").arg(before.position).arg(after.position);
    if (after.showcase != before.showcase)
        changes << (after.showcase ? QStringLiteral("shown") : QStringLiteral("hidden"));
    if (changes.isEmpty())
        return; // nothing changed: nothing to record
    if (action.isEmpty())
        action = QStringLiteral("component.edit");
    m_ctx.audit(action, QStringLiteral("component"), after.id,
                QStringLiteral("\"%1\": %2").arg(before.name, changes.join(QStringLiteral("; "))));
}

int ComponentService::audienceFor(const QString &componentId)
{
    return static_cast<int>(notify::forComponent(m_ctx.store.subscribers.active(), componentId).size());
}

} // namespace sd
