#pragma once

#include "models/database.h"
#include "models/domain.h"

#include <optional>
#include <vector>

namespace sd {

// Components, their groups (one level) and the history of status changes.
class ComponentRepository final
{
public:
    explicit ComponentRepository(Database &db)
        : m_db(db)
    {}

    std::vector<Component> all(); // by group position, then position
    std::optional<Component> find(const QString &id);
    void insert(const Component &c);
    void update(const Component &c);
    void remove(const QString &id);
    int count();
    int nextPosition();

    std::vector<ComponentGroup> groups();
    std::optional<ComponentGroup> findGroup(const QString &idOrName);
    void insertGroup(const ComponentGroup &g);
    void updateGroup(const ComponentGroup &g);
    void removeGroup(const QString &id); // its components stay, out of any group
    void removeEmptyGroups();

    void insertUpdate(const ComponentUpdate &u);
    std::vector<ComponentUpdate> updatesFor(const QString &componentId);

private:
    Database &m_db;
};

} // namespace sd
