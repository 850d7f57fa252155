#include "app/api/apikeystore.h"
#include "app/api/apiserver.h"
#include "app/cli/cli.h"
#include "app/cli/terminationsignals.h"
#include "app/delivery/deliverycontroller.h"
#include "app/upstream/upstreampoller.h"
#include "models/changewatcher.h"
#include "models/timeformat.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QUrl>
#include <algorithm>
#include <sys/resource.h>

namespace sd::cli {

namespace {

constexpr quint16 kDefaultPort = 8787;

struct ListenAddress
{
    QHostAddress address;
    quint16 port = kDefaultPort;
};

// "HOST:PORT", "HOST", "[V6]:PORT" or a bare IPv6 address.
Result<ListenAddress> parseListen(const QString &text)
{
    ListenAddress out;
    QString host = text;
    QString port;
    if (text.startsWith(QLatin1Char('['))) {
        const int close = static_cast<int>(text.indexOf(QLatin1Char(']')));
        if (close < 0)
            return Error{QStringLiteral("--listen: \"%1\" has no closing ]").arg(text)};
        host = text.mid(1, close - 1);
        if (text.size() > close + 1) {
            if (text.at(close + 1) != QLatin1Char(':'))
                return Error{QStringLiteral("--listen: expected [ADDRESS]:PORT, got \"%1\"").arg(text)};
            port = text.mid(close + 2);
        }
    } else if (text.count(QLatin1Char(':')) == 1) {
        const int colon = static_cast<int>(text.indexOf(QLatin1Char(':')));
        host = text.left(colon);
        port = text.mid(colon + 1);
    }
    if (!port.isEmpty() || text.endsWith(QLatin1Char(':'))) {
        bool ok = false;
        const uint n = port.toUInt(&ok);
        if (!ok || n > 65535)
            return Error{QStringLiteral("--listen: \"%1\" is not a port number").arg(port)};
        out.port = static_cast<quint16>(n);
    }
    out.address =
        host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
    if (out.address.isNull())
        return Error{
            QStringLiteral("--listen: \"%1\" is not an IP address (expected e.g. 127.0.0.1:8787)").arg(host)};
    return out;
}

// --max-connections, --max-per-client, --header-timeout, --request-timeout, --idle-timeout, --trusted-proxy.
Result<api::ConnectionLimits> connectionLimits(const QCommandLineParser &parser)
{
    api::ConnectionLimits limits;
    const auto count = [&parser](const char *name, int &into, int lowest) -> QString {
        const QString option = QString::fromLatin1(name);
        if (!parser.isSet(option))
            return {};
        bool ok = false;
        const int n = parser.value(option).toInt(&ok);
        if (!ok || n < lowest || n > 1'000'000)
            return QStringLiteral("--%1 must be a whole number from %2 to 1000000").arg(option).arg(lowest);
        into = n;
        return {};
    };
    const auto seconds = [&parser](const char *name, int &intoMs) -> QString {
        const QString option = QString::fromLatin1(name);
        if (!parser.isSet(option))
            return {};
        bool ok = false;
        const double s = parser.value(option).toDouble(&ok);
        if (!ok || s < 0.1 || s > 3600)
            return QStringLiteral("--%1 must be a number of seconds from 0.1 to 3600").arg(option);
        intoMs = static_cast<int>(s * 1000);
        return {};
    };
    for (const QString &err : {count("max-connections", limits.maxConnections, 1),
                               count("max-per-client", limits.maxConnectionsPerClient, 1),
                               seconds("header-timeout", limits.headerTimeoutMs),
                               seconds("request-timeout", limits.requestTimeoutMs),
                               seconds("idle-timeout", limits.idleTimeoutMs)}) {
        if (!err.isEmpty())
            return Error{err};
    }
    for (const QString &text : parser.values(QStringLiteral("trusted-proxy"))) {
        const QHostAddress proxy(text);
        if (proxy.isNull())
            return Error{QStringLiteral("--trusted-proxy: \"%1\" is not an IP address").arg(text)};
        limits.trustedProxies << proxy;
    }
    return limits;
}

// Each held connection is a file descriptor: the soft limit goes up to the hard one, and the connection cap
// down to what fits (with room for the database, the delivery engine's own sockets and Qt).
int fitToDescriptorLimit(int maxConnections, QString *note)
{
    constexpr int kReserved = 512;
    struct rlimit limit = {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return maxConnections;
    const rlim_t wanted = static_cast<rlim_t>(maxConnections) + kReserved;
    if (limit.rlim_cur < wanted && limit.rlim_cur != RLIM_INFINITY) {
        limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        const int fits = std::max(16, static_cast<int>(limit.rlim_cur) - kReserved);
        *note =
            QStringLiteral("note: only %1 open files are allowed (ulimit -n), so at most %2 connections are "
                           "held instead of %3")
                .arg(limit.rlim_cur)
                .arg(fits)
                .arg(maxConnections);
        return fits;
    }
    return maxConnections;
}

int serve(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    auto listen = parseListen(parser.isSet(QStringLiteral("listen")) ? parser.value(QStringLiteral("listen"))
                                                                     : QStringLiteral("127.0.0.1:8787"));
    if (!listen)
        return ctx.fail(listen.error());
    auto limits = connectionLimits(parser);
    if (!limits)
        return ctx.fail(limits.error());
    QString note;
    limits.value().maxConnections = fitToDescriptorLimit(limits.value().maxConnections, &note);
    if (!note.isEmpty())
        ctx.err << note << Qt::endl;

    api::ApiServer server(*ctx.store);
    server.setLimits(limits.value());
    QString error;
    if (!server.listen(listen->address, listen->port, parser.isSet(QStringLiteral("allow-remote")), &error))
        return ctx.fail(error);

    DeliveryController controller(ctx.dbPath);
    controller.setProgram(QStringLiteral("statusdesk-cli serve"));
    QObject::connect(&server, &api::ApiServer::messagesQueued, &controller, &DeliveryController::wake);
    // Delivery settings changed by a console or the command line reach this running engine.
    ChangeWatcher changes(ctx.dbPath);
    controller.followChanges(&changes);
    QObject::connect(&controller, &DeliveryController::engineError, &controller,
                     [&ctx](const QString &text) { ctx.err << "delivery: " << text << Qt::endl; });
    QObject::connect(&controller, &DeliveryController::engineWarning, &controller,
                     [&ctx](const QString &text) { ctx.err << "delivery: " << text << Qt::endl; });
    QObject::connect(&controller, &DeliveryController::noticeAdded, &controller,
                     [&ctx](const QString &text) { ctx.err << "notice: " << text << Qt::endl; });
    QObject::connect(&controller, &DeliveryController::settingsReloaded, &controller, [&ctx] {
        ctx.out << "delivery settings changed: the engine follows them from the next webhook" << Qt::endl;
    });

    // SIGINT and SIGTERM: a clean quit in the event loop, then the delivery engine's graceful stop.
    TerminationSignals termination;
    if (!termination.isInstalled())
        return ctx.fail(QStringLiteral("cannot set up signal handling"));
    QObject::connect(&termination, &TerminationSignals::caught, &termination,
                     [] { QCoreApplication::quit(); });

    controller.start();
    // Followed pages are read here too (one poller per page across processes: the others wait on its lease).
    upstream::UpstreamController upstreams(ctx.dbPath, QStringLiteral("statusdesk-cli serve"));
    QObject::connect(&upstreams, &upstream::UpstreamController::recorded, &controller,
                     [&ctx, &controller](const QStringList &texts, int messages) {
                         for (const QString &t : texts)
                             ctx.out << "upstream: " << t << Qt::endl;
                         if (messages > 0)
                             controller.wake();
                     });
    QObject::connect(&upstreams, &upstream::UpstreamController::warning, &controller,
                     [&ctx](const QString &text) { ctx.err << "upstream: " << text << Qt::endl; });
    upstreams.start();
    const Page page = ctx.store->page.get();
    ctx.out << "StatusDesk API listening on " << server.url() << " (page " << page.id << ")" << Qt::endl;
    ctx.out << "API base: " << server.url() << "v1/pages/" << page.id << "/" << Qt::endl;
    const QUrl pageUrl(page.url);
    if (pageUrl.port(80) != server.port() ||
        !(pageUrl.host() == listen->address.toString() ||
          (pageUrl.host() == QLatin1String("localhost") && listen->address.isLoopback())))
        ctx.out << "note: unsubscribe links point at the page URL " << page.url
                << "; serve there (or set the page URL) for them to work" << Qt::endl;
    ctx.out << "delivery engine running; press Ctrl+C to stop" << Qt::endl;

    const int code = QCoreApplication::exec();
    ctx.out << "stopping: letting the requests on the wire finish (at most "
            << DeliveryController::kDrainDeadlineMs / 1000 << " s), handing the rest back..." << Qt::endl;
    upstreams.stop();
    if (!controller.drainAndStop())
        ctx.err << "delivery: requests still on the wire at the deadline were abandoned; they are sent again "
                   "later with the same webhook-id"
                << Qt::endl;
    ctx.out << "stopped" << Qt::endl;
    return code;
}

int keyCreate(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    auto created = api::ApiKeyStore(ctx.store->db()).create(parser.value(QStringLiteral("name")), ctx.actor);
    if (!created)
        return ctx.fail(created.error());
    if (ctx.json) {
        ctx.printJson(QJsonObject{{QStringLiteral("id"), created->key.id},
                                  {QStringLiteral("name"), created->key.name},
                                  {QStringLiteral("key"), created->secret}});
    } else {
        ctx.out << created->secret << Qt::endl;
        ctx.err << "API key " << created->key.id << " (" << created->key.name
                << ") created. This is the only time the key is shown; only its SHA-256 is stored."
                << Qt::endl;
    }
    return 0;
}

int keyList(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    const auto keys = api::ApiKeyStore(ctx.store->db()).list();
    if (ctx.json) {
        QJsonArray array;
        for (const api::ApiKey &k : keys)
            array.append(QJsonObject{{QStringLiteral("id"), k.id},
                                     {QStringLiteral("name"), k.name},
                                     {QStringLiteral("created_at"), timefmt::utc(k.createdAt)},
                                     {QStringLiteral("revoked_at"), timefmt::utc(k.revokedAt)}});
        ctx.printJson(array);
        return 0;
    }
    QList<QStringList> rows;
    for (const api::ApiKey &k : keys)
        rows << QStringList{k.id, k.name, timefmt::isoUtc(k.createdAt),
                            k.revokedAt.isValid() ? QStringLiteral("revoked ") + timefmt::isoUtc(k.revokedAt)
                                                  : QStringLiteral("active")};
    ctx.printTable(
        {QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("CREATED"), QStringLiteral("STATE")},
        rows);
    return 0;
}

int keyRevoke(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("api-key revoke needs exactly one key ID (see api-key list)"));
    auto revoked = api::ApiKeyStore(ctx.store->db()).revoke(positional.first(), ctx.actor);
    if (!revoked)
        return ctx.fail(revoked.error());
    ctx.out << "revoked " << revoked->id << " (" << revoked->name << ")" << Qt::endl;
    return 0;
}

} // namespace

void addServerCommands(std::vector<Command> &out)
{
    out.push_back(
        {QStringLiteral("serve"),
         QStringLiteral("Run the HTTP API and the delivery engine until Ctrl+C."),
         QString(),
         {QCommandLineOption(QStringLiteral("listen"),
                             QStringLiteral("Address and port to listen on (default 127.0.0.1:8787)."),
                             QStringLiteral("HOST:PORT")),
          QCommandLineOption(QStringLiteral("allow-remote"),
                             QStringLiteral("Allow a non-loopback --listen address (exposes the API).")),
          QCommandLineOption(QStringLiteral("max-connections"),
                             QStringLiteral("Connections held at once (default 4096; the oldest silent one "
                                            "makes room for a newcomer)."),
                             QStringLiteral("N")),
          QCommandLineOption(
              QStringLiteral("max-per-client"),
              QStringLiteral("Connections one client holds at once (default 256; at its cap its "
                             "own oldest silent one makes room)."),
              QStringLiteral("N")),
          QCommandLineOption(
              QStringLiteral("header-timeout"),
              QStringLiteral("Seconds from connect to a request's complete head (default 10)."),
              QStringLiteral("S")),
          QCommandLineOption(QStringLiteral("request-timeout"),
                             QStringLiteral("Seconds from a request's first byte to its last (default 30)."),
                             QStringLiteral("S")),
          QCommandLineOption(QStringLiteral("idle-timeout"),
                             QStringLiteral("Seconds a keep-alive connection may sit idle (default 30)."),
                             QStringLiteral("S")),
          QCommandLineOption(QStringLiteral("trusted-proxy"),
                             QStringLiteral("A local reverse proxy whose X-Forwarded-For names the client "
                                            "(repeatable)."),
                             QStringLiteral("ADDRESS"))},
         false,
         serve});
    out.push_back({QStringLiteral("api-key create"),
                   QStringLiteral("Create an API key; prints it once."),
                   QString(),
                   {QCommandLineOption(QStringLiteral("name"), QStringLiteral("What the key is for."),
                                       QStringLiteral("NAME"))},
                   true,
                   keyCreate});
    out.push_back({QStringLiteral("api-key list"),
                   QStringLiteral("List API keys (never the keys themselves)."),
                   QString(),
                   {},
                   false,
                   keyList});
    out.push_back({QStringLiteral("api-key revoke"),
                   QStringLiteral("Revoke an API key."),
                   QStringLiteral("ID"),
                   {},
                   true,
                   keyRevoke});
}

} // namespace sd::cli
