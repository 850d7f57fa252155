#include "app/cli/cli.h"
#include "app/formats/jsonviews.h"
#include "app/services/pageservice.h"

namespace sd::cli {
namespace {

int pageShow(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    PageService service(ctx.services());
    auto page = service.get();
    if (!page)
        return ctx.fail(page.error());
    const PageStatus status = service.status();
    if (ctx.json) {
        ctx.printJson(json::page(page.value(), status));
        return 0;
    }
    const Page &p = page.value();
    ctx.out << "id:            " << p.id << '\n'
            << "name:          " << p.name << '\n'
            << "url:           " << p.url << '\n'
            << "time zone:     " << p.timeZone << '\n'
            << "documentation: " << p.documentationUrl << '\n'
            << "webhook subscriptions: "
            << (p.allowWebhookSubscribers ? "accepted" : "not accepted (operators may still add)") << '\n'
            << "status:        " << status.indicator << " (" << status.description << ")" << Qt::endl;
    return 0;
}

int pageSet(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    PagePatch patch;
    auto take = [&parser](const char *name, std::optional<QString> &field) {
        if (parser.isSet(QLatin1String(name)))
            field = parser.value(QLatin1String(name));
    };
    take("id", patch.id);
    take("name", patch.name);
    take("url", patch.url);
    take("time-zone", patch.timeZone);
    take("documentation", patch.documentationUrl);
    if (parser.isSet(QStringLiteral("allow-webhook-subscribers"))) {
        const QString v = parser.value(QStringLiteral("allow-webhook-subscribers"));
        if (v != QLatin1String("true") && v != QLatin1String("false"))
            return ctx.fail(QStringLiteral("--allow-webhook-subscribers must be true or false"));
        patch.allowWebhookSubscribers = v == QLatin1String("true");
    }
    if (!patch.id && !patch.name && !patch.url && !patch.timeZone && !patch.documentationUrl &&
        !patch.allowWebhookSubscribers)
        return ctx.fail(QStringLiteral("page set needs at least one of --id, --name, --url, --time-zone, "
                                       "--documentation, --allow-webhook-subscribers"));
    PageService service(ctx.services());
    auto page = service.update(patch);
    if (!page)
        return ctx.fail(page.error());
    return pageShow(ctx, parser, {});
}

} // namespace

void addPageCommands(std::vector<Command> &out)
{
    out.push_back({QStringLiteral("page show"),
                   QStringLiteral("Show the page and its rolled-up status."),
                   {},
                   {},
                   false,
                   pageShow});
    out.push_back(
        {QStringLiteral("page set"),
         QStringLiteral("Change the page's id, name, URL, time zone or documentation link."),
         {},
         {QCommandLineOption(QStringLiteral("id"), QStringLiteral("Page id (12 base-36 characters)."),
                             QStringLiteral("ID")),
          QCommandLineOption(QStringLiteral("name"), QStringLiteral("Page name."), QStringLiteral("NAME")),
          QCommandLineOption(QStringLiteral("url"), QStringLiteral("Public page URL (unsubscribe links)."),
                             QStringLiteral("URL")),
          QCommandLineOption(QStringLiteral("time-zone"), QStringLiteral("IANA time zone."),
                             QStringLiteral("TZ")),
          QCommandLineOption(QStringLiteral("documentation"), QStringLiteral("meta.documentation URL."),
                             QStringLiteral("URL")),
          QCommandLineOption(QStringLiteral("allow-webhook-subscribers"),
                             QStringLiteral("Whether the API and the subscribe form accept webhook "
                                            "subscribers (Statuspage's allow_webhook_subscribers)."),
                             QStringLiteral("true|false"))},
         false,
         pageSet});
}

} // namespace sd::cli
