#include "app/cli/cli.h"
#include "app/formats/jsonviews.h"
#include "app/services/templateservice.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QJsonArray>

namespace sd::cli {
namespace {

void report(Context &ctx, const IncidentChange &change)
{
    ctx.out << change.incident.id << Qt::endl;
    ctx.err << toString(change.incident.status) << ", impact " << toString(change.incident.impact) << "; "
            << change.incidentMessages << " incident and " << change.componentMessages
            << " component webhook(s) queued" << Qt::endl;
    ctx.queued += change.incidentMessages + change.componentMessages;
}

// --status, which `command` needs: the message for a missing or unknown one lists the valid values.
Result<IncidentStatus> statusOption(const QCommandLineParser &parser, const char *command)
{
    if (!parser.isSet(QStringLiteral("status")))
        return Error{QLatin1String(command) + QStringLiteral(" needs --status; valid values: ") +
                     incidentStatusNames().join(QStringLiteral(", "))};
    return parseIncidentStatusArg(parser.value(QStringLiteral("status")));
}

int incidentCreate(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    NewIncident input;
    const bool fromTemplate = parser.isSet(QStringLiteral("template"));
    if (fromTemplate) {
        // The template fills every field; the options given beside it win.
        const auto t = ctx.store->templates.find(parser.value(QStringLiteral("template")));
        if (!t)
            return ctx.fail(
                QStringLiteral("no template \"%1\"").arg(parser.value(QStringLiteral("template"))));
        input = TemplateService::incidentFrom(*t, ctx.store->components.all());
    }
    if (!fromTemplate || parser.isSet(QStringLiteral("name")))
        input.name = parser.value(QStringLiteral("name"));
    if (!fromTemplate || parser.isSet(QStringLiteral("body")))
        input.body = parser.value(QStringLiteral("body"));
    // Without a template --status is required; with one, it overrides the template's.
    if (!fromTemplate || parser.isSet(QStringLiteral("status"))) {
        auto status = statusOption(parser, "incident create");
        if (!status)
            return ctx.fail(status.error());
        input.status = status.value();
    }
    if (parser.isSet(QStringLiteral("impact-override"))) {
        auto impact = parseImpactArg(parser.value(QStringLiteral("impact-override")));
        if (!impact)
            return ctx.fail(impact.error());
        input.impactOverride = impact.value();
    }
    auto changes = parseComponentChanges(parser.values(QStringLiteral("component")));
    if (!changes)
        return ctx.fail(changes.error());
    if (!fromTemplate || parser.isSet(QStringLiteral("component")))
        input.components = changes.value();
    if (!fromTemplate || parser.isSet(QStringLiteral("no-notify")))
        input.notify = !parser.isSet(QStringLiteral("no-notify"));
    input.backfilled = parser.isSet(QStringLiteral("backfilled"));
    input.scheduledAutoTransition = parser.isSet(QStringLiteral("auto-transition"));
    for (const char *name : {"scheduled-for", "scheduled-until"}) {
        if (!parser.isSet(QLatin1String(name)))
            continue;
        const QDateTime t = timefmt::parseIso(parser.value(QLatin1String(name)));
        if (!t.isValid())
            return ctx.fail(QStringLiteral("--%1 must be an ISO 8601 time such as 2026-12-01T02:00:00Z")
                                .arg(QLatin1String(name)));
        (QLatin1String(name) == QLatin1String("scheduled-for") ? input.scheduledFor : input.scheduledUntil) =
            t;
    }
    auto created = IncidentService(ctx.services()).create(input);
    if (!created)
        return ctx.fail(created.error());
    report(ctx, created.value());
    return 0;
}

int incidentUpdate(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("incident update needs exactly one incident ID"));
    IncidentUpdateInput input;
    auto status = statusOption(parser, "incident update");
    if (!status)
        return ctx.fail(status.error());
    input.status = status.value();
    input.body = parser.value(QStringLiteral("body"));
    auto changes = parseComponentChanges(parser.values(QStringLiteral("component")));
    if (!changes)
        return ctx.fail(changes.error());
    input.components = changes.value();
    input.notify = !parser.isSet(QStringLiteral("no-notify"));
    auto updated = IncidentService(ctx.services()).update(positional.first(), input);
    if (!updated)
        return ctx.fail(updated.error());
    report(ctx, updated.value());
    return 0;
}

int incidentList(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    const Page page = ctx.store->page.get();
    const auto components = ctx.store->components.all();
    return printList(
        ctx,
        {QStringLiteral("ID"), QStringLiteral("STATUS"), QStringLiteral("IMPACT"), QStringLiteral("NAME"),
         QStringLiteral("CREATED"), QStringLiteral("UPDATES"), QStringLiteral("LATEST BY"),
         QStringLiteral("LATEST")},
        ctx.store->incidents.all(),
        [&](const Incident &i) { return json::incidentWithActors(page, i, components); },
        [](const Incident &i) {
            return QStringList{i.id,
                               toString(i.status),
                               toString(i.impact),
                               i.name,
                               timefmt::isoUtc(i.createdAt),
                               QString::number(i.updates.size()),
                               i.updates.empty() ? QString() : i.updates.front().actor,
                               i.updates.empty() ? QString() : i.updates.front().body};
        });
}

int incidentPostmortem(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("incident postmortem needs exactly one incident ID"));
    const bool notify = parser.isSet(QStringLiteral("notify"));
    if (notify && !parser.isSet(QStringLiteral("publish")))
        return ctx.fail(
            QStringLiteral("--notify goes with --publish: subscribers hear of a published postmortem"));
    IncidentService service(ctx.services());
    auto result = service.setPostmortem(
        positional.first(), {parser.value(QStringLiteral("body")), parser.isSet(QStringLiteral("publish"))});
    if (!result)
        return ctx.fail(result.error());
    if (notify) {
        auto published = service.publishPostmortem(positional.first(), true);
        if (!published)
            return ctx.fail(published.error());
        ctx.err << published->incidentMessages << " incident webhook(s) queued" << Qt::endl;
        ctx.queued += published->incidentMessages;
    }
    ctx.out << result->id << Qt::endl;
    return 0;
}

} // namespace

void addIncidentCommands(std::vector<Command> &out)
{
    const QList<QCommandLineOption> common{
        opt("status", "Incident status.", "STATUS"), opt("body", "Update message.", "TEXT"),
        opt("component", "Affected component and its new status (repeatable).", "ID=STATUS"),
        opt("no-notify", "Send no webhooks for this change.")};
    QList<QCommandLineOption> create = common;
    create << opt("template", "Start from this incident template (id or name); other options override it.",
                  "NAME")
           << opt("name", "Incident name.", "NAME") << opt("impact-override", "Impact override.", "IMPACT")
           << opt("backfilled", "Record a past incident; notifies nobody.")
           << opt("scheduled-for", "Maintenance window start (ISO 8601).", "TIME")
           << opt("scheduled-until", "Maintenance window end (ISO 8601).", "TIME")
           << opt("auto-transition",
                  "Maintenance: the delivery engine (console, serve, dispatch) moves it to "
                  "in_progress at its start and completed at its end, with the components.");
    out.push_back({QStringLiteral("incident create"),
                   QStringLiteral("Create an incident; prints its id."),
                   {},
                   create,
                   true,
                   incidentCreate});
    out.push_back({QStringLiteral("incident update"), QStringLiteral("Post an update to an incident."),
                   QStringLiteral("ID"), common, true, incidentUpdate});
    out.push_back({QStringLiteral("incident list"),
                   QStringLiteral("List incidents (active, resolved, maintenance)."),
                   {},
                   {},
                   false,
                   incidentList});
    out.push_back(
        {QStringLiteral("incident postmortem"),
         QStringLiteral("Write (and optionally publish) a postmortem."),
         QStringLiteral("ID"),
         {opt("body", "Postmortem text.", "TEXT"), opt("publish", "Mark the postmortem published."),
          opt("notify", "With --publish: send subscribers the incident webhook with the postmortem.")},
         true,
         incidentPostmortem});
}

} // namespace sd::cli
