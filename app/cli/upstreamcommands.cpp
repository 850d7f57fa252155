#include "app/cli/cli.h"
#include "app/upstream/pagereader.h"
#include "app/upstream/pollpolicy.h"
#include "app/upstream/upstreampoller.h"
#include "app/upstream/upstreamservice.h"
#include "models/deliverysettings.h"
#include "models/timeformat.h"
#include "models/upstreamrepository.h"
#include "models/upstreamsummary.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sd::cli {
namespace {

using namespace sd::upstream;

QString staleText(const Upstream &u)
{
    if (u.isStale())
        return QStringLiteral("stale since %1").arg(timefmt::isoUtc(u.staleSince));
    return u.lastSuccessAt.isValid() ? QStringLiteral("fresh") : QStringLiteral("not read yet");
}

QJsonObject upstreamJson(const Upstream &u, int subscribers)
{
    return {
        {QStringLiteral("id"), u.id},
        {QStringLiteral("name"), u.name},
        {QStringLiteral("url"), u.url},
        {QStringLiteral("every"), formatInterval(u.intervalMs)},
        {QStringLiteral("page_id"), u.pageId.isEmpty() ? QJsonValue() : QJsonValue(u.pageId)},
        {QStringLiteral("status_indicator"), u.indicator.isEmpty() ? QJsonValue() : QJsonValue(u.indicator)},
        {QStringLiteral("status_description"),
         u.description.isEmpty() ? QJsonValue() : QJsonValue(u.description)},
        {QStringLiteral("last_checked_at"), timefmt::utc(u.lastCheckedAt)},
        {QStringLiteral("last_success_at"), timefmt::utc(u.lastSuccessAt)},
        {QStringLiteral("stale_since"), timefmt::utc(u.staleSince)},
        {QStringLiteral("last_error"), u.lastError.isEmpty() ? QJsonValue() : QJsonValue(u.lastError)},
        {QStringLiteral("next_poll_at"), timefmt::utc(u.nextPollAt)},
        {QStringLiteral("subscribers"), subscribers}};
}

// Reads the page once (as the poller would) so a typo or a page that is not a Statuspage page is refused
// when it is added rather than found stale later.
Result<Summary> checkPage(Context &ctx, const QString &url)
{
    Upstream probe;
    probe.url = url;
    UpstreamHttp http;
    http.setDeliverySettings(DeliverySettings::load(ctx.store->settings));
    http.setTimeoutMs(static_cast<int>(kDefaultTimeoutMs));
    QEventLoop loop;
    PageRead result;
    readPage(http, probe, [&](const PageRead &read) {
        result = read;
        loop.quit();
    });
    loop.exec();
    if (result.outcome != PageRead::Outcome::Fresh)
        return Error{result.error + QStringLiteral(" (add --no-check to follow it anyway)")};
    return parseSummary(result.body);
}

int upstreamAdd(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("upstream add needs the page's URL, e.g. https://status.example.com"));
    auto url = normalizePageUrl(positional.first());
    if (!url)
        return ctx.fail(url.error());
    NewUpstream input;
    input.url = url.value();
    input.name = parser.value(QStringLiteral("name"));
    if (parser.isSet(QStringLiteral("every"))) {
        auto every = parseInterval(parser.value(QStringLiteral("every")), url.value());
        if (!every)
            return ctx.fail(every.error());
        input.intervalMs = every.value();
    }
    if (!parser.isSet(QStringLiteral("no-check"))) {
        auto page = checkPage(ctx, url.value());
        if (!page)
            return ctx.fail(page.error());
        input.pageName = page->pageName;
    }
    auto added = UpstreamService(ctx.services()).follow(input);
    if (!added)
        return ctx.fail(added.error());
    ctx.out << added->id << Qt::endl;
    ctx.err << "following " << added->name << " (" << added->summaryUrl() << ") every "
            << formatInterval(added->intervalMs)
            << "; a running console or serve reads it (or run: statusdesk-cli upstream poll)" << Qt::endl;
    return 0;
}

int upstreamList(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    auto list = UpstreamService(ctx.services()).list();
    if (!list)
        return ctx.fail(list.error());
    UpstreamRepository repo(ctx.store->db());
    QHash<QString, int> subscribers;
    for (const QStringList &ids : repo.upstreamsBySubscriber())
        for (const QString &id : ids)
            ++subscribers[id];
    if (ctx.json) {
        QJsonArray array;
        for (const Upstream &u : list.value())
            array.append(upstreamJson(u, subscribers.value(u.id)));
        ctx.printJson(array);
        return 0;
    }
    QList<QStringList> rows;
    for (const Upstream &u : list.value())
        rows << QStringList{u.id,
                            u.name,
                            u.url,
                            formatInterval(u.intervalMs),
                            u.description.isEmpty() ? QStringLiteral("-") : u.description,
                            u.lastCheckedAt.isValid() ? timefmt::isoUtc(u.lastCheckedAt)
                                                      : QStringLiteral("never"),
                            staleText(u),
                            QString::number(subscribers.value(u.id))};
    ctx.printTable({QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("URL"),
                    QStringLiteral("EVERY"), QStringLiteral("STATUS"), QStringLiteral("LAST CHECKED"),
                    QStringLiteral("FRESHNESS"), QStringLiteral("SUBSCRIBERS")},
                   rows);
    return 0;
}

int upstreamRemove(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("upstream remove needs one page id (see upstream list)"));
    auto removed = UpstreamService(ctx.services()).unfollow(positional.first());
    if (!removed)
        return ctx.fail(removed.error());
    ctx.out << "no longer following " << removed->name << " (" << removed->url << ")" << Qt::endl;
    return 0;
}

int upstreamEvents(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    bool ok = true;
    const int limit =
        parser.isSet(QStringLiteral("limit")) ? parser.value(QStringLiteral("limit")).toInt(&ok) : 50;
    if (!ok || limit <= 0)
        return ctx.fail(QStringLiteral("--limit expects a positive number"));
    UpstreamRepository repo(ctx.store->db());
    const QString id = positional.value(0);
    if (!id.isEmpty() && !repo.find(id))
        return ctx.fail(QStringLiteral("no followed page with id %1 (see upstream list)").arg(id));
    const std::vector<UpstreamEvent> events = repo.events(id, limit);
    if (ctx.json) {
        QJsonArray array;
        for (const UpstreamEvent &e : events)
            array.append(QJsonObject{
                {QStringLiteral("id"), e.id},
                {QStringLiteral("upstream_id"), e.upstreamId},
                {QStringLiteral("kind"), toString(e.kind)},
                {QStringLiteral("subject_id"), e.subjectId},
                {QStringLiteral("subject_name"), e.subjectName},
                {QStringLiteral("old"), e.oldValue.isEmpty() ? QJsonValue() : QJsonValue(e.oldValue)},
                {QStringLiteral("new"), e.newValue.isEmpty() ? QJsonValue() : QJsonValue(e.newValue)},
                {QStringLiteral("text"), e.text},
                {QStringLiteral("detected_at"), timefmt::utc(e.detectedAt)},
                {QStringLiteral("occurred_at"), timefmt::utc(e.occurredAt)},
                {QStringLiteral("messages"), e.messages}});
        ctx.printJson(array);
        return 0;
    }
    QList<QStringList> rows;
    for (const UpstreamEvent &e : events)
        rows << QStringList{timefmt::isoUtc(e.detectedAt), e.upstreamId, toString(e.kind), e.text,
                            QString::number(e.messages)};
    ctx.printTable({QStringLiteral("DETECTED"), QStringLiteral("UPSTREAM"), QStringLiteral("KIND"),
                    QStringLiteral("CHANGE"), QStringLiteral("WEBHOOKS")},
                   rows);
    return 0;
}

int upstreamPoll(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    UpstreamPoller poller(ctx.dbPath, QStringLiteral("statusdesk-cli upstream poll"));
    QEventLoop loop;
    int read = 0;
    int elsewhere = 0;
    int messages = 0;
    QObject::connect(&poller, &UpstreamPoller::recorded, &loop, [&](const QStringList &texts, int queued) {
        for (const QString &t : texts)
            ctx.out << t << Qt::endl;
        messages += queued;
    });
    QObject::connect(&poller, &UpstreamPoller::warning, &loop,
                     [&](const QString &text) { ctx.err << "statusdesk-cli: " << text << Qt::endl; });
    QObject::connect(&poller, &UpstreamPoller::passFinished, &loop, [&](int r, int e) {
        read = r;
        elsewhere = e;
        loop.quit();
    });
    QMetaObject::invokeMethod(
        &poller, [&poller, &parser] { poller.runOnce(parser.isSet(QStringLiteral("all"))); },
        Qt::QueuedConnection);
    loop.exec();
    poller.stop();
    ctx.err << "read " << read << " page(s)";
    if (elsewhere > 0)
        ctx.err << "; " << elsewhere << " page(s) are read by another process (a console or serve)";
    ctx.err << Qt::endl;
    for (const Upstream &u : UpstreamRepository(ctx.store->db()).all()) {
        if (u.isStale())
            ctx.err << u.name << ": stale since " << timefmt::isoUtc(u.staleSince) << ": " << u.lastError
                    << Qt::endl;
    }
    ctx.queued += messages;
    return 0;
}

int upstreamSubscribe(Context &ctx, const QCommandLineParser &parser, const QStringList &positional, bool add)
{
    if (positional.size() != 1 || !parser.isSet(QStringLiteral("subscriber")))
        return ctx.fail(QStringLiteral("usage: upstream %1 UPSTREAM_ID --subscriber ID [--subscriber ID]...")
                            .arg(add ? QStringLiteral("subscribe") : QStringLiteral("unsubscribe")));
    UpstreamService service(ctx.services());
    UpstreamRepository repo(ctx.store->db());
    for (const QString &subscriber : parser.values(QStringLiteral("subscriber"))) {
        QStringList ids = repo.upstreamsOf(subscriber);
        if (add)
            ids << positional.first();
        else
            ids.removeAll(positional.first());
        auto set = service.setSubscriberUpstreams(subscriber, ids);
        if (!set)
            return ctx.fail(set.error());
        ctx.out << subscriber << ": "
                << (set->isEmpty() ? QStringLiteral("no followed pages") : set->join(QLatin1Char(' ')))
                << Qt::endl;
    }
    return 0;
}

int upstreamLink(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (positional.size() != 3)
        return ctx.fail(QStringLiteral("usage: upstream link INCIDENT_ID UPSTREAM_ID UPSTREAM_INCIDENT_ID"));
    auto linked = UpstreamService(ctx.services()).link(positional.at(0), positional.at(1), positional.at(2));
    if (!linked)
        return ctx.fail(linked.error());
    ctx.out << "incident " << linked->incidentId << ": caused by " << linked->upstreamName << ": "
            << linked->upstreamIncidentName << Qt::endl;
    return 0;
}

} // namespace

void addUpstreamCommands(std::vector<Command> &out)
{
    out.push_back(
        {QStringLiteral("upstream add"),
         QStringLiteral("Follow a public Statuspage page (its /api/v2/summary.json); prints its id."),
         QStringLiteral("URL"),
         {option("name", "Name shown and relayed (default: the page's own name).", "NAME"),
          option("every", "How often to read it (default 60s; at least 30s, 1s on this machine).", "TIME"),
          option("no-check", "Follow it without reading it first.")},
         false,
         upstreamAdd});
    out.push_back({QStringLiteral("upstream list"),
                   QStringLiteral("List followed pages with their status and freshness."),
                   QString(),
                   {},
                   false,
                   upstreamList});
    out.push_back({QStringLiteral("upstream remove"),
                   QStringLiteral("Stop following a page (its events and subscriptions go with it)."),
                   QStringLiteral("ID"),
                   {},
                   false,
                   upstreamRemove});
    out.push_back({QStringLiteral("upstream events"),
                   QStringLiteral("Changes seen on followed pages, newest first."),
                   QStringLiteral("[ID]"),
                   {option("limit", "At most this many (default 50).", "N")},
                   false,
                   upstreamEvents});
    out.push_back(
        {QStringLiteral("upstream poll"),
         QStringLiteral("Read the followed pages that are due once (as a console or serve does), record "
                        "and relay what changed."),
         QString(),
         {option("all", "Read every page this process can take, due or not.")},
         true,
         upstreamPoll});
    out.push_back({QStringLiteral("upstream subscribe"),
                   QStringLiteral("Let subscribers hear a followed page's changes."),
                   QStringLiteral("UPSTREAM_ID"),
                   {option("subscriber", "Subscriber id (repeatable).", "ID")},
                   false,
                   [](Context &c, const QCommandLineParser &p, const QStringList &a) {
                       return upstreamSubscribe(c, p, a, true);
                   }});
    out.push_back({QStringLiteral("upstream unsubscribe"),
                   QStringLiteral("Stop relaying a followed page to subscribers."),
                   QStringLiteral("UPSTREAM_ID"),
                   {option("subscriber", "Subscriber id (repeatable).", "ID")},
                   false,
                   [](Context &c, const QCommandLineParser &p, const QStringList &a) {
                       return upstreamSubscribe(c, p, a, false);
                   }});
    out.push_back({QStringLiteral("upstream link"),
                   QStringLiteral("Mark a local incident as caused by a followed page's incident."),
                   QStringLiteral("INCIDENT_ID UPSTREAM_ID UPSTREAM_INCIDENT_ID"),
                   {},
                   false,
                   upstreamLink});
}

} // namespace sd::cli
