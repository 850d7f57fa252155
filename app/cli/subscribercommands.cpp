#include "app/cli/cli.h"
#include "app/formats/csv.h"
#include "app/formats/jsonviews.h"
#include "app/services/subscriberservice.h"
#include "app/upstream/upstreamservice.h"
#include "models/databasefiles.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/targetpolicy.h"
#include "models/upstreamrepository.h"
#include "models/values.h"

#include <QFile>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QUrl>

namespace sd::cli {
namespace {

int subscriberAdd(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    NewSubscriber input;
    input.endpoint = parser.value(QStringLiteral("endpoint"));
    input.email = parser.value(QStringLiteral("email"));
    input.componentIds = parser.values(QStringLiteral("component"));
    input.secret = parser.value(QStringLiteral("secret"));
    input.generateSecret = parser.isSet(QStringLiteral("generate-secret"));
    if (input.generateSecret && !input.secret.isEmpty())
        return ctx.fail(QStringLiteral("use either --secret or --generate-secret, not both"));
    // The command line may wait for DNS (the console may not): a name that resolves to a refused address is
    // refused now rather than at its first delivery. The engine checks again at every send.
    const QString host = QUrl(input.endpoint.trimmed()).host();
    if (!host.isEmpty() && targetpolicy::literalAddress(host).isNull()) {
        const QHostInfo info = QHostInfo::fromName(host);
        if (info.error() == QHostInfo::NoError) {
            const bool refusePrivate = DeliverySettings::load(ctx.store->settings).refusePrivateTargets;
            if (const QString err = targetpolicy::checkResolved(host, info.addresses(), refusePrivate);
                !err.isEmpty())
                return ctx.fail(err);
        }
    }
    // Followed pages it should hear (issue 23): checked before anything is added.
    const QStringList upstreams = parser.values(QStringLiteral("upstream"));
    for (const QString &id : upstreams) {
        if (!UpstreamRepository(ctx.store->db()).find(id))
            return ctx.fail(
                QStringLiteral("--upstream: no followed page with id %1 (see upstream list)").arg(id));
    }
    SubscriberService service(ctx.services());
    // The operator may add one while the page's switch is off; said first so nobody is surprised.
    if (!service.acceptsWebhookSubscribers())
        ctx.err << "warning: the page does not accept webhook subscriptions (page set "
                   "--allow-webhook-subscribers true opens them); adding this one anyway as the operator"
                << Qt::endl;
    input.operatorOverride = true;
    auto added = service.add(input);
    if (!added)
        return ctx.fail(added.error());
    if (!upstreams.isEmpty()) {
        if (auto set = upstream::UpstreamService(ctx.services()).setSubscriberUpstreams(added->id, upstreams);
            !set)
            return ctx.fail(QStringLiteral("subscriber %1 was added, but: %2").arg(added->id, set.error()));
    }
    ctx.out << added->id << Qt::endl;
    if (input.generateSecret)
        ctx.err << "signing secret: " << added->secret << Qt::endl;
    return 0;
}

QStringList subscriberCells(const Subscriber &s)
{
    return QStringList{s.id,
                       toString(s.state),
                       endpointurl::redacted(s.endpoint),
                       s.email,
                       s.componentIds.isEmpty() ? QStringLiteral("all")
                                                : s.componentIds.join(QLatin1Char(' ')),
                       s.secret.isEmpty() ? QStringLiteral("no") : QStringLiteral("yes")};
}

int subscriberList(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    const QString stateText = parser.value(QStringLiteral("state"));
    std::optional<SubscriberState> state;
    if (!stateText.isEmpty() && stateText != QLatin1String("all")) {
        state = parseSubscriberState(stateText);
        if (!state)
            return ctx.fail(
                QStringLiteral("unknown subscriber state \"%1\"; valid values: active, quarantined, "
                               "unsubscribed, all")
                    .arg(stateText));
    }
    return printStreamed(
        ctx,
        {QStringLiteral("ID"), QStringLiteral("STATE"), QStringLiteral("ENDPOINT"), QStringLiteral("EMAIL"),
         QStringLiteral("COMPONENTS"), QStringLiteral("SIGNED")},
        [&](ReadSnapshot &snapshot, const auto &visit) {
            ctx.store->subscribers.forEach(snapshot, state, visit);
        },
        [](const Subscriber &s) { return json::subscriber(s); }, subscriberCells);
}

int needOne(Context &ctx, const QStringList &positional, const char *what)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("%1 needs exactly one subscriber ID").arg(QLatin1String(what)));
    return 0;
}

int subscriberRemove(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (needOne(ctx, positional, "subscriber remove"))
        return 1;
    auto removed = SubscriberService(ctx.services()).remove(positional.first());
    if (!removed)
        return ctx.fail(removed.error());
    ctx.out << "unsubscribed " << removed->id << " (history kept)" << Qt::endl;
    return 0;
}

int subscriberReactivate(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (needOne(ctx, positional, "subscriber reactivate"))
        return 1;
    auto released = SubscriberService(ctx.services()).reactivate(positional.first());
    if (!released)
        return ctx.fail(released.error());
    ctx.out << "reactivated " << positional.first() << "; " << released.value() << " held webhook(s) released"
            << Qt::endl;
    ctx.queued += released.value();
    return 0;
}

int subscriberRotate(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (needOne(ctx, positional, "subscriber rotate-secret"))
        return 1;
    auto rotated = SubscriberService(ctx.services()).rotateSecret(positional.first());
    if (!rotated)
        return ctx.fail(rotated.error());
    ctx.out << rotated->secret << Qt::endl;
    return 0;
}

int subscriberTest(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (needOne(ctx, positional, "subscriber test"))
        return 1;
    auto id = SubscriberService(ctx.services()).sendTest(positional.first());
    if (!id)
        return ctx.fail(id.error());
    ctx.out << id.value() << Qt::endl;
    ctx.queued += 1;
    return 0;
}

int subscriberImport(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("subscriber import needs one CSV file"));
    const QByteArray encoding = parser.isSet(QStringLiteral("encoding"))
                                    ? parser.value(QStringLiteral("encoding")).toLatin1()
                                    : QByteArrayLiteral("UTF-8");
    if (const QString err = csv::checkEncoding(encoding); !err.isEmpty())
        return ctx.fail(QStringLiteral("--encoding: ") + err);
    // Reading the open database's own files would drop SQLite's locks on them when the file is closed.
    if (const QString refusal = DatabaseFiles::refusal(positional.first()); !refusal.isEmpty())
        return ctx.fail(refusal);
    QFile file(positional.first());
    if (!file.open(QIODevice::ReadOnly))
        return ctx.fail(QStringLiteral("cannot read %1: %2").arg(positional.first(), file.errorString()));
    if (file.size() > 16 * 1024 * 1024)
        return ctx.fail(QStringLiteral("%1 is over 16 MiB").arg(positional.first()));
    const ImportReport report = SubscriberService(ctx.services()).importCsv(file.readAll(), encoding);
    if (ctx.json) {
        QJsonArray added;
        for (const Subscriber &s : report.added)
            added.append(json::subscriber(s));
        QJsonArray errors;
        for (const ImportRowError &e : report.errors)
            errors.append(
                QJsonObject{{QStringLiteral("line"), e.line}, {QStringLiteral("error"), e.message}});
        QJsonArray warnings;
        for (const ImportRowError &w : report.warnings)
            warnings.append(
                QJsonObject{{QStringLiteral("line"), w.line}, {QStringLiteral("warning"), w.message}});
        ctx.printJson(QJsonObject{{QStringLiteral("added"), added},
                                  {QStringLiteral("errors"), errors},
                                  {QStringLiteral("warnings"), warnings}});
    } else {
        for (const Subscriber &s : report.added)
            ctx.out << "added " << s.id << ' ' << endpointurl::redacted(s.endpoint) << '\n';
        for (const ImportRowError &e : report.errors)
            ctx.err << positional.first() << ':' << e.line << ": " << e.message << '\n';
        for (const ImportRowError &w : report.warnings)
            ctx.err << positional.first() << ':' << w.line << ": warning: " << w.message << '\n';
        ctx.out << report.added.size() << " added, " << report.errors.size() << " rejected" << Qt::endl;
        ctx.err.flush();
    }
    return report.errors.empty() ? 0 : 2;
}

} // namespace

void addSubscriberCommands(std::vector<Command> &out)
{
    out.push_back(
        {QStringLiteral("subscriber add"),
         QStringLiteral("Add a webhook subscriber; prints its id."),
         {},
         {opt("endpoint", "Webhook URL (http or https).", "URL"),
          opt("email", "Address for failure notices.", "EMAIL"),
          opt("component", "Only hear about this component (repeatable).", "ID"),
          opt("secret", "Signing secret (whsec_...).", "SECRET"),
          opt("generate-secret", "Generate a signing secret (printed on stderr)."),
          opt("upstream", "Also relay this followed page's changes to it (repeatable; see upstream list).",
              "ID")},
         false,
         subscriberAdd});
    out.push_back(
        {QStringLiteral("subscriber list"),
         QStringLiteral("List subscribers."),
         {},
         {opt("state", "active, quarantined, unsubscribed or all (default: all but unsubscribed).", "STATE")},
         false,
         subscriberList});
    out.push_back({QStringLiteral("subscriber remove"),
                   QStringLiteral("Unsubscribe (history is kept)."),
                   QStringLiteral("ID"),
                   {},
                   false,
                   subscriberRemove});
    out.push_back({QStringLiteral("subscriber reactivate"),
                   QStringLiteral("Lift quarantine; held webhooks go out."),
                   QStringLiteral("ID"),
                   {},
                   true,
                   subscriberReactivate});
    out.push_back({QStringLiteral("subscriber rotate-secret"),
                   QStringLiteral("New signing secret; the old one also signs for 24 h."),
                   QStringLiteral("ID"),
                   {},
                   false,
                   subscriberRotate});
    out.push_back({QStringLiteral("subscriber test"),
                   QStringLiteral("Send a test webhook."),
                   QStringLiteral("ID"),
                   {},
                   true,
                   subscriberTest});
    out.push_back(
        {QStringLiteral("subscriber import"),
         QStringLiteral("Import subscribers from CSV (header: endpoint,email[,components][,secret])."),
         QStringLiteral("FILE.csv"),
         {opt("encoding",
              "The file's encoding (default UTF-8; e.g. ISO-8859-1). Rows that are not valid text in "
              "it are refused with their line.",
              "NAME")},
         false,
         subscriberImport});
}

} // namespace sd::cli
