#include "models/componentrepository.h"

#include "models/rowreader.h"
#include "models/values.h"

namespace sd {
namespace {

const QString kColumns = QStringLiteral(
    "c.id, c.name, c.description, c.status, c.position, c.showcase, c.group_id, c.created_at, c.updated_at, "
    "c.only_show_if_degraded, c.start_date");
const QString kGroupColumns = QStringLiteral("id, name, position, description, created_at, updated_at");

Component read(const QSqlQuery &q)
{
    Component c;
    RowReader(q) >> c.id >> c.name >> c.description >>
        parsed(c.status, parseComponentStatus, ComponentStatus::Operational) >> c.position >> c.showcase >>
        c.groupId >> c.createdAt >> c.updatedAt >> c.onlyShowIfDegraded >> c.startDate;
    return c;
}

ComponentGroup readGroup(const QSqlQuery &q)
{
    ComponentGroup g;
    RowReader(q) >> g.id >> g.name >> g.position >> g.description >> g.createdAt >> g.updatedAt;
    return g;
}

QVariant dateToDb(const QDate &d)
{
    return d.isValid() ? QVariant(d.toString(Qt::ISODate)) : QVariant();
}

} // namespace

std::vector<Component> ComponentRepository::all()
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT ") + kColumns +
                 QStringLiteral(" FROM components c LEFT JOIN component_groups g ON g.id = c.group_id "
                                "ORDER BY COALESCE(g.position, c.position), g.id IS NOT NULL, "
                                "c.position, c.name, c.id"));
    std::vector<Component> out;
    while (q.next())
        out.push_back(read(q));
    return out;
}

std::optional<Component> ComponentRepository::find(const QString &id)
{
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM components c WHERE c.id = ?"), {id});
    if (q.next())
        return read(q);
    return std::nullopt;
}

void ComponentRepository::insert(const Component &c)
{
    m_db.run(
        QStringLiteral("INSERT INTO components (id, name, description, status, position, showcase, group_id, "
                       "created_at, updated_at, only_show_if_degraded, start_date) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {c.id, c.name, toDb(c.description), toString(c.status), c.position, c.showcase,
         nullIfEmpty(c.groupId), toDb(c.createdAt), toDb(c.updatedAt), c.onlyShowIfDegraded ? 1 : 0,
         dateToDb(c.startDate)});
}

void ComponentRepository::update(const Component &c)
{
    m_db.run(QStringLiteral("UPDATE components SET name=?, description=?, status=?, position=?, showcase=?, "
                            "group_id=?, updated_at=?, only_show_if_degraded=?, start_date=? WHERE id=?"),
             {c.name, toDb(c.description), toString(c.status), c.position, c.showcase, nullIfEmpty(c.groupId),
              toDb(c.updatedAt), c.onlyShowIfDegraded ? 1 : 0, dateToDb(c.startDate), c.id});
}

void ComponentRepository::remove(const QString &id)
{
    m_db.run(QStringLiteral("DELETE FROM components WHERE id = ?"), {id});
}

int ComponentRepository::count()
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT count(*) FROM components"));
    return q.next() ? q.value(0).toInt() : 0;
}

int ComponentRepository::nextPosition()
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT COALESCE(MAX(position), 0) + 1 FROM components"));
    return q.next() ? q.value(0).toInt() : 1;
}

std::vector<ComponentGroup> ComponentRepository::groups()
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + kGroupColumns +
                            QStringLiteral(" FROM component_groups ORDER BY position, name, id"));
    std::vector<ComponentGroup> out;
    while (q.next())
        out.push_back(readGroup(q));
    return out;
}

std::optional<ComponentGroup> ComponentRepository::findGroup(const QString &idOrName)
{
    // An id wins over another group's name.
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + kGroupColumns +
                                QStringLiteral(" FROM component_groups WHERE id = ? OR name = ? "
                                               "ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END LIMIT 1"),
                            {idOrName, idOrName, idOrName});
    if (q.next())
        return readGroup(q);
    return std::nullopt;
}

void ComponentRepository::insertGroup(const ComponentGroup &g)
{
    m_db.run(QStringLiteral(
                 "INSERT INTO component_groups (id, name, position, description, created_at, updated_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)"),
             {g.id, g.name, g.position, nullIfEmpty(g.description), toDb(g.createdAt), toDb(g.updatedAt)});
}

void ComponentRepository::updateGroup(const ComponentGroup &g)
{
    m_db.run(QStringLiteral(
                 "UPDATE component_groups SET name=?, position=?, description=?, updated_at=? WHERE id=?"),
             {g.name, g.position, nullIfEmpty(g.description), toDb(g.updatedAt), g.id});
}

void ComponentRepository::removeGroup(const QString &id)
{
    m_db.run(QStringLiteral("UPDATE components SET group_id = NULL WHERE group_id = ?"), {id});
    m_db.run(QStringLiteral("DELETE FROM component_groups WHERE id = ?"), {id});
}

void ComponentRepository::removeEmptyGroups()
{
    m_db.run(QStringLiteral("DELETE FROM component_groups WHERE id NOT IN (SELECT group_id FROM components "
                            "WHERE group_id IS NOT NULL)"));
}

void ComponentRepository::insertUpdate(const ComponentUpdate &u)
{
    m_db.run(
        QStringLiteral("INSERT INTO component_updates (id, component_id, old_status, new_status, created_at, "
                       "actor) VALUES (?, ?, ?, ?, ?, ?)"),
        {u.id, u.componentId, toString(u.oldStatus), toString(u.newStatus), toDb(u.createdAt),
         nullIfEmpty(u.actor)});
}

std::vector<ComponentUpdate> ComponentRepository::updatesFor(const QString &componentId)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT id, component_id, old_status, new_status, created_at, actor FROM "
                                "component_updates WHERE component_id = ? ORDER BY created_at DESC"),
                 {componentId});
    std::vector<ComponentUpdate> out;
    while (q.next()) {
        ComponentUpdate u;
        RowReader(q) >> u.id >> u.componentId >>
            parsed(u.oldStatus, parseComponentStatus, ComponentStatus::Operational) >>
            parsed(u.newStatus, parseComponentStatus, ComponentStatus::Operational) >> u.createdAt >> u.actor;
        out.push_back(u);
    }
    return out;
}

} // namespace sd
