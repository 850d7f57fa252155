#include "app/api/apiroutetable.h"
#include "app/formats/jsonviews.h"
#include "app/services/componentservice.h"

// Components and component groups: /v1/pages/{page_id}/components/... and .../component-groups/...
namespace sd::api {
namespace {

QJsonObject componentJson(ApiCall &c, const Component &component)
{
    QString groupName;
    if (!component.groupId.isEmpty()) {
        if (auto g = c.store().components.findGroup(component.groupId))
            groupName = g->name;
    }
    return json::apiComponent(component, c.store().page.get().id, groupName);
}

QJsonObject groupJson(ApiCall &c, const ComponentGroup &g)
{
    QStringList members;
    for (const Component &component : c.store().components.all()) {
        if (component.groupId == g.id)
            members << component.id;
    }
    return json::apiComponentGroup(g, c.store().page.get().id, members);
}

// group_id must name an existing group: a typo must not create one (the console's group field does).
Result<Ok> checkGroupId(ApiCall &c, const std::optional<QString> &groupId)
{
    if (!groupId || groupId->isEmpty())
        return Ok{};
    const auto g = c.store().components.findGroup(*groupId);
    if (!g || g->id != *groupId)
        return Error{QStringLiteral("unknown component group id \"%1\"").arg(*groupId)};
    return Ok{};
}

// findGroup() also takes a name; the API's {id} is an id.
std::optional<ComponentGroup> group(ApiCall &c)
{
    auto g = c.store().components.findGroup(c.id);
    if (g && g->id != c.id)
        return std::nullopt;
    return g;
}

ApiResponse listComponents(ApiCall &c)
{
    return listed(parsePaging(c.request.query), c.store().components.all(),
                  [&](const Component &component) { return componentJson(c, component); });
}

ApiResponse createComponent(ApiCall &c)
{
    return write(
        c, parseComponentCreate(c.request.body),
        [&](const ComponentPatch &in) -> Result<Component> {
            if (auto checked = checkGroupId(c, in.group); !checked)
                return Error{checked.error()};
            NewComponent n;
            n.name = in.name.value_or(QString());
            n.description = in.description.value_or(QString());
            n.group = in.group.value_or(QString());
            n.status = in.status.value_or(ComponentStatus::Operational);
            n.showcase = in.showcase.value_or(true);
            n.onlyShowIfDegraded = in.onlyShowIfDegraded.value_or(false);
            n.startDate = in.startDate.value_or(QDate());
            return ComponentService(c.ctx).add(n);
        },
        [&](const Component &added) { return ApiResponse::json(201, componentJson(c, added)); });
}

ApiResponse getComponent(ApiCall &c)
{
    return found(c.store().components.find(c.id), QStringLiteral("component"), c.id,
                 [&](const Component &component) { return componentJson(c, component); });
}

ApiResponse patchComponent(ApiCall &c)
{
    if (!c.store().components.find(c.id))
        return notFound(QStringLiteral("component"), c.id);
    return write(
        c, parseComponentPatch(c.request.body),
        [&](const ComponentPatch &patch) -> Result<ComponentChange> {
            if (auto checked = checkGroupId(c, patch.group); !checked)
                return Error{checked.error()};
            return ComponentService(c.ctx).update(c.id, patch);
        },
        [&](const ComponentChange &change) {
            return queued(ApiResponse::json(200, componentJson(c, change.component)), change.messages);
        });
}

ApiResponse deleteComponent(ApiCall &c)
{
    if (!c.store().components.find(c.id))
        return notFound(QStringLiteral("component"), c.id);
    return write(
        c, [&] { return ComponentService(c.ctx).remove(c.id); }, [](Ok) { return ApiResponse::noContent(); });
}

GroupPatch groupPatch(const GroupInput &in)
{
    GroupPatch p;
    p.name = in.name;
    p.description = in.description;
    p.componentIds = in.components;
    return p;
}

ApiResponse listGroups(ApiCall &c)
{
    return listed(parsePaging(c.request.query), c.store().components.groups(),
                  [&](const ComponentGroup &g) { return groupJson(c, g); });
}

ApiResponse createGroup(ApiCall &c)
{
    return write(
        c, parseGroup(c.request.body, true),
        [&](const GroupInput &in) { return ComponentService(c.ctx).addGroup(groupPatch(in)); },
        [&](const ComponentGroup &added) { return ApiResponse::json(201, groupJson(c, added)); });
}

ApiResponse getGroup(ApiCall &c)
{
    return found(group(c), QStringLiteral("component group"), c.id,
                 [&](const ComponentGroup &g) { return groupJson(c, g); });
}

ApiResponse patchGroup(ApiCall &c)
{
    if (!group(c))
        return notFound(QStringLiteral("component group"), c.id);
    return write(
        c, parseGroup(c.request.body, false),
        [&](const GroupInput &in) { return ComponentService(c.ctx).updateGroup(c.id, groupPatch(in)); },
        [&](const ComponentGroup &saved) {
            // The group is gone when its last component left it.
            const auto after = c.store().components.findGroup(c.id);
            return ApiResponse::json(200, groupJson(c, after ? *after : saved));
        });
}

ApiResponse deleteGroup(ApiCall &c)
{
    if (!group(c))
        return notFound(QStringLiteral("component group"), c.id);
    return write(
        c, [&] { return ComponentService(c.ctx).removeGroup(c.id); },
        [&](const ComponentGroup &removed) {
            return ApiResponse::json(200, json::apiComponentGroup(removed, c.store().page.get().id, {}));
        });
}

} // namespace

QList<Route> componentRoutes()
{
    return {
        {"GET", "/v1/pages/{page_id}/components", listComponents},
        {"POST", "/v1/pages/{page_id}/components", createComponent},
        {"GET", "/v1/pages/{page_id}/components/{id}", getComponent},
        {"PATCH", "/v1/pages/{page_id}/components/{id}", patchComponent},
        {"PUT", "/v1/pages/{page_id}/components/{id}", patchComponent},
        {"DELETE", "/v1/pages/{page_id}/components/{id}", deleteComponent},
        {"GET", "/v1/pages/{page_id}/component-groups", listGroups},
        {"POST", "/v1/pages/{page_id}/component-groups", createGroup},
        {"GET", "/v1/pages/{page_id}/component-groups/{id}", getGroup},
        {"PATCH", "/v1/pages/{page_id}/component-groups/{id}", patchGroup},
        {"PUT", "/v1/pages/{page_id}/component-groups/{id}", patchGroup},
        {"DELETE", "/v1/pages/{page_id}/component-groups/{id}", deleteGroup},
    };
}

} // namespace sd::api
