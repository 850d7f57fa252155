#include "app/cli/cli.h"
#include "app/formats/jsonviews.h"
#include "app/formats/uptimeviews.h"
#include "app/services/uptimereport.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

namespace sd::cli {
namespace {

int componentAdd(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    NewComponent input;
    input.name = parser.value(QStringLiteral("name"));
    input.group = parser.value(QStringLiteral("group"));
    input.description = parser.value(QStringLiteral("description"));
    if (parser.isSet(QStringLiteral("status"))) {
        auto status = parseStatusArg(parser.value(QStringLiteral("status")));
        if (!status)
            return ctx.fail(status.error());
        input.status = status.value();
    }
    auto added = ComponentService(ctx.services()).add(input);
    if (!added)
        return ctx.fail(added.error());
    ctx.out << added->id << Qt::endl;
    return 0;
}

int componentList(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    const auto components = ctx.store->components.all();
    QHash<QString, QString> groupNames;
    for (const ComponentGroup &g : ctx.store->components.groups())
        groupNames.insert(g.id, g.name);
    const QString pageId = ctx.store->page.get().id;
    // Who set each component's current status (its latest history row); empty when it never changed.
    QHash<QString, ComponentUpdate> latest;
    for (const Component &c : components) {
        const auto history = ctx.store->components.updatesFor(c.id);
        if (!history.empty())
            latest.insert(c.id, history.front());
    }
    if (ctx.json) {
        QJsonArray array;
        for (const Component &c : components) {
            QJsonObject o = json::component(c, pageId, groupNames.value(c.groupId));
            const auto it = latest.constFind(c.id);
            o.insert(QStringLiteral("status_changed_by"),
                     it == latest.cend() || it->actor.isEmpty() ? QJsonValue() : QJsonValue(it->actor));
            o.insert(QStringLiteral("status_changed_at"),
                     it == latest.cend() ? QJsonValue() : timefmt::utc(it->createdAt));
            array.append(o);
        }
        ctx.printJson(array);
        return 0;
    }
    QList<QStringList> rows;
    for (const Component &c : components)
        rows << QStringList{c.id,
                            groupNames.value(c.groupId),
                            c.name,
                            toString(c.status),
                            QString::number(c.position),
                            latest.value(c.id).actor,
                            c.description};
    ctx.printTable({QStringLiteral("ID"), QStringLiteral("GROUP"), QStringLiteral("NAME"),
                    QStringLiteral("STATUS"), QStringLiteral("POS"), QStringLiteral("STATUS SET BY"),
                    QStringLiteral("DESCRIPTION")},
                   rows);
    return 0;
}

int componentHistory(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("component history needs exactly one component ID"));
    if (!ctx.store->components.find(positional.first()))
        return ctx.fail(QStringLiteral("unknown component id \"%1\"").arg(positional.first()));
    const auto history = ctx.store->components.updatesFor(positional.first()); // newest first
    if (ctx.json) {
        QJsonArray array;
        for (const ComponentUpdate &u : history)
            array.append(QJsonObject{
                {QStringLiteral("id"), u.id},
                {QStringLiteral("created_at"), timefmt::utc(u.createdAt)},
                {QStringLiteral("old_status"), toString(u.oldStatus)},
                {QStringLiteral("new_status"), toString(u.newStatus)},
                {QStringLiteral("actor"), u.actor.isEmpty() ? QJsonValue() : QJsonValue(u.actor)}});
        ctx.printJson(array);
        return 0;
    }
    QList<QStringList> rows;
    for (const ComponentUpdate &u : history)
        rows << QStringList{timefmt::isoUtc(u.createdAt), toString(u.oldStatus), toString(u.newStatus),
                            u.actor};
    ctx.printTable({QStringLiteral("AT"), QStringLiteral("FROM"), QStringLiteral("TO"), QStringLiteral("BY")},
                   rows);
    return 0;
}

int componentUptime(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("component uptime needs exactly one component ID"));
    UptimeReporter reporter(*ctx.store, ctx.services().now);
    auto r = reporter.component(positional.first(), parser.value(QStringLiteral("since")),
                                parser.value(QStringLiteral("until")));
    if (!r)
        return ctx.fail(r.error());
    if (ctx.json) {
        ctx.printJson(json::uptimeReport(r.value(), false));
        return 0;
    }
    ctx.out << r->name << " (" << r->id << ") " << r->rangeStart.toString(Qt::ISODate) << " to "
            << r->rangeEnd.toString(Qt::ISODate) << ": " << QString::number(r->figures.percentage(), 'f', 2)
            << " % uptime; major outage " << uptime::durationText(r->figures.majorOutageSeconds)
            << ", partial outage " << uptime::durationText(r->figures.partialOutageSeconds) << " (counted at 30 %)"
            << ", degraded " << uptime::durationText(r->figures.degradedSeconds) << ", maintenance "
            << uptime::durationText(r->figures.maintenanceSeconds) << Qt::endl;
    for (const auto &i : r->related)
        ctx.out << "  incident " << i.id << ' ' << i.name << Qt::endl;
    for (const QString &w : std::as_const(r->warnings))
        ctx.out << "  note: " << w << Qt::endl;
    return 0;
}

int componentSet(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("component set needs exactly one component ID"));
    ComponentPatch patch;
    if (parser.isSet(QStringLiteral("status"))) {
        auto status = parseStatusArg(parser.value(QStringLiteral("status")));
        if (!status)
            return ctx.fail(status.error());
        patch.status = status.value();
    }
    if (parser.isSet(QStringLiteral("name")))
        patch.name = parser.value(QStringLiteral("name"));
    if (parser.isSet(QStringLiteral("description")))
        patch.description = parser.value(QStringLiteral("description"));
    if (parser.isSet(QStringLiteral("group")))
        patch.group = parser.value(QStringLiteral("group"));
    if (parser.isSet(QStringLiteral("position"))) {
        bool ok = false;
        const int position = parser.value(QStringLiteral("position")).toInt(&ok);
        if (!ok || position < 0)
            return ctx.fail(QStringLiteral("--position must be a whole number of 0 or more"));
        patch.position = position;
    }
    patch.notify = !parser.isSet(QStringLiteral("no-notify"));
    auto change = ComponentService(ctx.services()).update(positional.first(), patch);
    if (!change)
        return ctx.fail(change.error());
    ctx.out << change->component.id << ' ' << toString(change->component.status) << " (" << change->messages
            << " webhook(s) queued)" << Qt::endl;
    ctx.queued += change->messages;
    return 0;
}

int componentRemove(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("component remove needs exactly one component ID"));
    auto removed = ComponentService(ctx.services()).remove(positional.first());
    if (!removed)
        return ctx.fail(removed.error());
    ctx.out << "removed " << positional.first() << Qt::endl;
    return 0;
}

} // namespace

void addComponentCommands(std::vector<Command> &out)
{
    out.push_back({QStringLiteral("component add"), QStringLiteral("Add a component; prints its id."), {},
                   {opt("name", "Component name (required).", "NAME"), opt("group", "Group name or id.", "GROUP"),
                    opt("status", "Initial status (default operational).", "STATUS"),
                    opt("description", "Description.", "TEXT")},
                   false, componentAdd});
    out.push_back({QStringLiteral("component list"), QStringLiteral("List components."), {}, {}, false, componentList});
    out.push_back({QStringLiteral("component history"),
                   QStringLiteral("List a component's status changes and who made them."),
                   QStringLiteral("ID"),
                   {},
                   false,
                   componentHistory});
    out.push_back({QStringLiteral("component uptime"),
                   QStringLiteral("A component's uptime over the page's days (Statuspage's rules: major outage "
                                  "in full, partial outage at 30 %, maintenance and degraded not counted)."),
                   QStringLiteral("ID"),
                   {opt("since", "First day: YYYY, YYYY-MM or YYYY-MM-DD (default 90 days back).", "DATE"),
                    opt("until", "Last day, same forms (default today, in the page's time zone).", "DATE")},
                   false,
                   componentUptime});
    out.push_back({QStringLiteral("component set"),
                   QStringLiteral("Change a component; only a status change notifies subscribers."),
                   QStringLiteral("ID"),
                   {opt("status", "New status.", "STATUS"), opt("name", "New name.", "NAME"),
                    opt("description", "New description.", "TEXT"), opt("group", "Move to group (name or id).", "GROUP"),
                    opt("position", "New position.", "N"), opt("no-notify", "Send no webhooks for this change.")},
                   true, componentSet});
    out.push_back({QStringLiteral("component remove"), QStringLiteral("Remove a component."), QStringLiteral("ID"), {},
                   false, componentRemove});
}

} // namespace sd::cli
