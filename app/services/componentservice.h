#pragma once

#include "app/services/servicecontext.h"

#include <optional>

namespace sd {

struct NewComponent
{
    QString name;
    QString description;
    QString group; // group name or id; created when it does not exist
    ComponentStatus status = ComponentStatus::Operational;
    bool showcase = true;
    bool onlyShowIfDegraded = false;
    QDate startDate;
};

struct ComponentPatch
{
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QString> group; // empty string: leave the group
    std::optional<ComponentStatus> status;
    std::optional<int> position;
    std::optional<bool> showcase;
    std::optional<bool> onlyShowIfDegraded;
    std::optional<QDate> startDate;
    bool notify = true; // only a status change ever notifies
};

struct GroupPatch
{
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QStringList> componentIds; // replaces the members: the others leave the group
};

struct ComponentChange
{
    Component component;
    int messages = 0; // webhooks queued by this change
};

// Adds, edits and removes components. A status change writes the component, its history row and one
// message per eligible subscriber in one transaction; nothing else notifies.
class ComponentService final
{
public:
    explicit ComponentService(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}
    // The operator recorded for the changes made from now on (the console's name can change while it runs).
    void setActor(const QString &actor) { m_ctx.actor = actor; }
    const QString &actor() const { return m_ctx.actor; }

    Result<Component> add(const NewComponent &input);
    Result<ComponentChange> update(const QString &id, const ComponentPatch &patch);
    Result<Ok> remove(const QString &id);
    // Component groups as Statuspage's API has them: a name, a description and at least one component.
    Result<ComponentGroup> addGroup(const GroupPatch &input);
    Result<ComponentGroup> updateGroup(const QString &id, const GroupPatch &patch);
    Result<ComponentGroup> removeGroup(const QString &id); // its components stay, ungrouped
    // How many subscribers a status change of this component would reach now.
    int audienceFor(const QString &componentId);

private:
    Result<QString> groupIdFor(const QString &nameOrId);
    void auditUpdate(const Component &before, const Component &after, bool notify, int messages);
    ServiceContext m_ctx;
};

} // namespace sd
