#include "app/cli/cli.h"
#include "app/formats/templateviews.h"
#include "app/services/templateservice.h"
#include "models/values.h"

#include <QJsonArray>

namespace sd::cli {
namespace {

QCommandLineOption opt(const char *name, const char *help, const char *value = nullptr)
{
    return value ? QCommandLineOption(QLatin1String(name), QLatin1String(help), QLatin1String(value))
                 : QCommandLineOption(QLatin1String(name), QLatin1String(help));
}

// The options add and edit share; only what is given is set.
Result<TemplateInput> readInput(const QCommandLineParser &parser)
{
    TemplateInput in;
    if (parser.isSet(QStringLiteral("name")))
        in.name = parser.value(QStringLiteral("name"));
    if (parser.isSet(QStringLiteral("title")))
        in.title = parser.value(QStringLiteral("title"));
    if (parser.isSet(QStringLiteral("body")))
        in.body = parser.value(QStringLiteral("body"));
    if (parser.isSet(QStringLiteral("status"))) {
        auto status = parseIncidentStatusArg(parser.value(QStringLiteral("status")));
        if (!status)
            return Error{status.error()};
        in.updateStatus = status.value();
    }
    if (parser.isSet(QStringLiteral("no-notify")))
        in.shouldSendNotifications = false;
    if (parser.isSet(QStringLiteral("notify")))
        in.shouldSendNotifications = true;
    if (parser.isSet(QStringLiteral("component")) || parser.isSet(QStringLiteral("no-components"))) {
        auto changes = parseComponentChanges(parser.values(QStringLiteral("component")));
        if (!changes)
            return Error{changes.error()};
        std::vector<TemplateComponent> list;
        for (const ComponentStatusChange &c : changes.value())
            list.push_back({c.componentId, c.status});
        in.components = list;
    }
    return in;
}

QList<QCommandLineOption> fieldOptions()
{
    return {opt("name", "Template name (unique; how it is picked).", "NAME"),
            opt("title", "The incident's name.", "TITLE"),
            opt("body", "The first update's text.", "TEXT"),
            opt("status", "The incident's status (default investigating).", "STATUS"),
            opt("component", "A component and the status the template sets (repeatable).", "ID=STATUS"),
            opt("no-components", "Edit: the template lists no components."),
            opt("no-notify", "Incidents from it notify nobody."),
            opt("notify", "Incidents from it notify subscribers (the default).")};
}

int templateAdd(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    auto in = readInput(parser);
    if (!in)
        return ctx.fail(in.error());
    auto added = TemplateService(ctx.services()).add(in.value());
    if (!added)
        return ctx.fail(added.error());
    ctx.out << added->id << Qt::endl;
    return 0;
}

int templateEdit(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("template edit needs exactly one template id or name"));
    auto in = readInput(parser);
    if (!in)
        return ctx.fail(in.error());
    auto edited = TemplateService(ctx.services()).edit(positional.first(), in.value());
    if (!edited)
        return ctx.fail(edited.error());
    ctx.out << "changed " << edited->id << ' ' << edited->name << Qt::endl;
    return 0;
}

int templateRemove(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("template remove needs exactly one template id or name"));
    auto removed = TemplateService(ctx.services()).remove(positional.first());
    if (!removed)
        return ctx.fail(removed.error());
    ctx.out << "removed " << removed->id << ' ' << removed->name << Qt::endl;
    return 0;
}

int templateList(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    // Only the JSON names the page (reading it writes the default page into a new store) and components.
    const auto components = ctx.json ? ctx.store->components.all() : std::vector<Component>{};
    const QString pageId = ctx.json ? ctx.store->page.get().id : QString();
    return printList(
        ctx,
        {QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("TITLE"), QStringLiteral("STATUS"),
         QStringLiteral("NOTIFY"), QStringLiteral("COMPONENTS")},
        ctx.store->templates.all(),
        [&](const IncidentTemplate &t) { return json::incidentTemplate(t, components, pageId); },
        [](const IncidentTemplate &t) {
            QStringList comps;
            for (const TemplateComponent &c : t.components)
                comps << (c.status ? QStringLiteral("%1=%2").arg(c.componentId, toString(*c.status))
                                   : c.componentId);
            return QStringList{t.id,
                               t.name,
                               t.title,
                               toString(t.updateStatus),
                               t.shouldSendNotifications ? QStringLiteral("yes") : QStringLiteral("no"),
                               comps.join(QLatin1Char(' '))};
        });
}

} // namespace

void addTemplateCommands(std::vector<Command> &out)
{
    out.push_back(
        {QStringLiteral("template add"),
         QStringLiteral("Add an incident template (--name, --title, --body required); prints its id."),
         {},
         fieldOptions(),
         false,
         templateAdd});
    out.push_back({QStringLiteral("template list"),
                   QStringLiteral("List incident templates."),
                   {},
                   {},
                   false,
                   templateList});
    out.push_back({QStringLiteral("template edit"), QStringLiteral("Change an incident template."),
                   QStringLiteral("ID|NAME"), fieldOptions(), false, templateEdit});
    out.push_back({QStringLiteral("template remove"),
                   QStringLiteral("Remove an incident template."),
                   QStringLiteral("ID|NAME"),
                   {},
                   false,
                   templateRemove});
}

} // namespace sd::cli
