#include "app/cli/cli.h"
#include "app/upstream/statuspageclient.h"
#include "app/upstream/statuspageimport.h"
#include "app/upstream/upstreamhttp.h"
#include "models/deliverysettings.h"

#include <QEventLoop>
#include <QFile>
#include <optional>

namespace sd::cli {
namespace {

using namespace sd::upstream;

// --key KEY, --key - (one line on standard input, out of the process list), or STATUSDESK_STATUSPAGE_KEY.
Result<QString> apiKey(const QCommandLineParser &parser)
{
    QString key = parser.value(QStringLiteral("key"));
    if (key == QLatin1String("-")) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return Error{QStringLiteral("cannot read the API key from standard input")};
        key = QString::fromUtf8(in.readLine()).trimmed();
    } else if (key.isEmpty()) {
        key = qEnvironmentVariable("STATUSDESK_STATUSPAGE_KEY").trimmed();
    }
    if (key.isEmpty())
        return Error{
            QStringLiteral("import statuspage needs the page's API key: --key KEY, --key - (read from "
                           "standard input) or STATUSDESK_STATUSPAGE_KEY")};
    return key;
}

QString countsLine(const char *what, const ImportCounts &c)
{
    return QStringLiteral("%1: %2 created, %3 updated, %4 unchanged, %5 skipped")
        .arg(QLatin1String(what))
        .arg(c.created)
        .arg(c.updated)
        .arg(c.unchanged)
        .arg(c.skipped);
}

int importStatuspage(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    const QString pageId = parser.value(QStringLiteral("page")).trimmed();
    if (pageId.isEmpty())
        return ctx.fail(
            QStringLiteral("import statuspage needs --page ID (the page id in Statuspage's API)"));
    auto key = apiKey(parser);
    if (!key)
        return ctx.fail(key.error());
    const QString apiUrl = parser.isSet(QStringLiteral("api-url"))
                               ? parser.value(QStringLiteral("api-url"))
                               : QString::fromLatin1(StatuspageClient::kDefaultApiUrl);
    const QUrl api(apiUrl, QUrl::StrictMode);
    if (!api.isValid() || (api.scheme() != QLatin1String("https") && api.scheme() != QLatin1String("http")) ||
        api.host().isEmpty() || !api.userInfo().isEmpty())
        return ctx.fail(
            QStringLiteral("--api-url \"%1\" is not an http(s) URL without credentials").arg(apiUrl));

    UpstreamHttp http;
    http.setDeliverySettings(DeliverySettings::load(ctx.store->settings));
    http.setTimeoutMs(60'000);
    StatuspageClient client(http, apiUrl, pageId, key.value());
    bool progressShown = false;
    QObject::connect(&client, &StatuspageClient::progress, &client,
                     [&ctx, &progressShown](const QString &list, int items) {
                         if (ctx.json)
                             return;
                         ctx.err << "read " << items << ' ' << list << "   \r" << Qt::flush;
                         progressShown = true;
                     });
    QEventLoop loop;
    std::optional<Result<StatuspageExport>> fetched;
    client.fetch([&](const Result<StatuspageExport> &r) {
        fetched = r;
        loop.quit();
    });
    if (!fetched)
        loop.exec();
    if (progressShown)
        ctx.err << Qt::endl;
    if (!fetched->ok())
        return ctx.fail(fetched->error());

    auto report =
        StatuspageImporter(ctx.services(), parser.isSet(QStringLiteral("replace"))).apply(fetched->value());
    if (!report)
        return ctx.fail(report.error());
    const ImportReport &r = report.value();
    if (ctx.json) {
        ctx.printJson(r.toJson());
    } else {
        ctx.out << "page: " << (r.pageChanged ? "changed" : "unchanged") << '\n'
                << countsLine("component groups", r.groups) << '\n'
                << countsLine("components", r.components) << '\n'
                << countsLine("incidents", r.incidents) << '\n'
                << countsLine("webhook subscribers", r.subscribers) << '\n';
        for (const QString &c : r.conflicts)
            ctx.out << "conflict: " << c << '\n';
        for (const QString &n : r.notes)
            ctx.out << "note: " << n << '\n';
        ctx.out << (r.changed() ? "imported; nobody was notified"
                                : "nothing changed: this store already holds the page as "
                                  "Statuspage has it")
                << Qt::endl;
    }
    if (!r.conflicts.isEmpty()) {
        ctx.err << "statusdesk-cli: " << r.conflicts.size()
                << " conflict(s) kept as they are here; --replace takes Statuspage's" << Qt::endl;
        return 2;
    }
    return 0;
}

} // namespace

void addImportCommands(std::vector<Command> &out)
{
    out.push_back(
        {QStringLiteral("import statuspage"),
         QStringLiteral("Import a page from Statuspage's management API (settings, groups, components, "
                        "incidents, webhook subscribers); nobody is notified. Exit 2: conflicts kept."),
         QString(),
         {option("page", "The page id in Statuspage.", "ID"),
          option("key", "Its API key (never stored or shown); - reads it from standard input.", "KEY"),
          option("api-url", "The API's base URL (default https://api.statuspage.io/v1).", "URL"),
          option("replace", "Where something here differs, take Statuspage's.")},
         false,
         importStatuspage});
}

} // namespace sd::cli
