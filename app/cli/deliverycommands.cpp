#include "app/cli/cli.h"
#include "app/cli/terminationsignals.h"
#include "app/delivery/deliverycontroller.h"
#include "app/formats/jsonviews.h"
#include "app/services/resendservice.h"
#include "models/endpointurl.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QEventLoop>
#include <QJsonArray>

namespace sd::cli {
namespace {

QString latency(const Message &m)
{
    return m.lastDurationMs < 0 ? QString() : QString::number(m.lastDurationMs);
}

QStringList messageCells(const Message &m)
{
    return QStringList{m.id,
                       timefmt::isoUtc(m.createdAt),
                       toString(m.kind) + QLatin1Char(' ') + m.subjectName,
                       m.endpoint,
                       toString(m.state),
                       QString::number(m.attempts),
                       m.lastHttpStatus ? QString::number(m.lastHttpStatus) : QString(),
                       latency(m),
                       m.lastErrorClass.isEmpty() ? QString()
                                                  : m.lastErrorClass + QStringLiteral(": ") + m.lastError};
}

int listMessages(Context &ctx, const MessageFilter &filter)
{
    return printStreamed(
        ctx,
        {QStringLiteral("ID"), QStringLiteral("CREATED"), QStringLiteral("EVENT"), QStringLiteral("ENDPOINT"),
         QStringLiteral("STATE"), QStringLiteral("ATTEMPTS"), QStringLiteral("HTTP"), QStringLiteral("MS"),
         QStringLiteral("ERROR")},
        [&](ReadSnapshot &snapshot, const auto &visit) {
            ctx.store->outbox.forEach(snapshot, filter, visit);
        },
        [](const Message &m) { return json::message(m); }, messageCells);
}

int messages(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    MessageFilter pending;
    pending.limit = 10000;
    // Queued means not yet finished: waiting, retrying, sending or held.
    std::vector<Message> list;
    for (DeliveryState s :
         {DeliveryState::Queued, DeliveryState::Sending, DeliveryState::Retrying, DeliveryState::Held}) {
        pending.state = s;
        auto part = ctx.store->outbox.list(pending);
        list.insert(list.end(), part.begin(), part.end());
    }
    if (ctx.json) {
        QJsonArray array;
        for (const Message &m : list) {
            QJsonObject o = json::message(m);
            o.insert(QStringLiteral("body"), QString::fromUtf8(ctx.store->outbox.find(m.id)->body));
            array.append(o);
        }
        ctx.printJson(array);
        return 0;
    }
    QList<QStringList> rows;
    for (const Message &m : list)
        rows << QStringList{m.id, toString(m.state), toString(m.kind) + QLatin1Char(' ') + m.subjectName,
                            m.endpoint, timefmt::isoUtc(m.nextAttemptAt)};
    ctx.printTable({QStringLiteral("ID"), QStringLiteral("STATE"), QStringLiteral("EVENT"),
                    QStringLiteral("ENDPOINT"), QStringLiteral("NEXT ATTEMPT")},
                   rows);
    return 0;
}

int deliveries(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    MessageFilter filter;
    const auto state = stateOption(parser);
    if (!state)
        return ctx.fail(state.error());
    filter.state = state.value();
    filter.limit =
        parser.isSet(QStringLiteral("limit")) ? parser.value(QStringLiteral("limit")).toInt() : 1000;
    return listMessages(ctx, filter);
}

int attempts(Context &ctx, const QCommandLineParser &, const QStringList &positional)
{
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("attempts needs exactly one delivery ID"));
    if (!ctx.store->outbox.find(positional.first()))
        return ctx.fail(QStringLiteral("unknown delivery id \"%1\"").arg(positional.first()));
    const auto list = ctx.store->outbox.attempts(positional.first());
    if (ctx.json) {
        QJsonArray array;
        for (const Attempt &a : list)
            array.append(json::attempt(a));
        ctx.printJson(array);
        return 0;
    }
    QList<QStringList> rows;
    for (const Attempt &a : list) {
        rows << QStringList{QString::number(a.attemptNumber),
                            toString(a.trigger),
                            timefmt::isoUtc(a.startedAt),
                            QString::number(a.durationMs),
                            QString::number(a.httpStatus),
                            a.errorClass,
                            a.errorText,
                            timefmt::isoUtc(a.nextAttemptAt),
                            a.actor};
    }
    ctx.printTable({QStringLiteral("#"), QStringLiteral("TRIGGER"), QStringLiteral("STARTED"),
                    QStringLiteral("MS"), QStringLiteral("HTTP"), QStringLiteral("CLASS"),
                    QStringLiteral("ERROR"), QStringLiteral("NEXT"), QStringLiteral("ACTOR")},
                   rows);
    return 0;
}

int resend(Context &ctx, const QCommandLineParser &parser, const QStringList &positional)
{
    ResendService service(ctx.services());
    Result<int> result = Error{};
    if (parser.isSet(QStringLiteral("failed"))) {
        const auto since = sinceOption(parser);
        if (!since)
            return ctx.fail(since.error());
        result = service.resendFailedSince(since.value());
    } else {
        if (positional.isEmpty())
            return ctx.fail(QStringLiteral("resend needs delivery ids, or --failed [--since TIME]"));
        result = service.resend(positional);
    }
    if (!result)
        return ctx.fail(result.error());
    ctx.out << "resending " << result.value() << " deliver" << (result.value() == 1 ? "y" : "ies")
            << Qt::endl;
    ctx.queued += result.value();
    return 0;
}

// Svix's Recover: one endpoint's held and failed webhooks created since TIME go back to the queue.
int recover(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    const bool byEndpoint = parser.isSet(QStringLiteral("endpoint"));
    const bool bySubscriber = parser.isSet(QStringLiteral("subscriber"));
    if (byEndpoint == bySubscriber)
        return ctx.fail(
            QStringLiteral("deliveries recover needs exactly one of --endpoint URL or --subscriber ID"));
    if (!parser.isSet(QStringLiteral("since")))
        return ctx.fail(
            QStringLiteral("deliveries recover needs --since TIME (ISO 8601, e.g. 2026-11-27T10:00:00Z)"));
    const auto since = sinceOption(parser);
    if (!since)
        return ctx.fail(since.error());
    QString subscriberId = parser.value(QStringLiteral("subscriber"));
    if (byEndpoint) {
        const QString url = parser.value(QStringLiteral("endpoint")).trimmed();
        auto s = ctx.store->subscribers.findLiveByEndpoint(endpointurl::normalized(url));
        if (!s)
            s = ctx.store->subscribers.findLiveByEndpoint(url);
        if (!s)
            return ctx.fail(
                QStringLiteral("no subscriber has the endpoint %1").arg(endpointurl::redacted(url)));
        subscriberId = s->id;
    }
    ResendService service(ctx.services());
    const Result<int> moved = service.recover(subscriberId, since.value());
    if (!moved)
        return ctx.fail(moved.error());
    if (ctx.json)
        ctx.printJson(QJsonObject{{QStringLiteral("subscriber_id"), subscriberId},
                                  {QStringLiteral("recovered"), moved.value()}});
    else
        ctx.out << "recovering " << moved.value() << " deliver" << (moved.value() == 1 ? "y" : "ies")
                << " to subscriber " << subscriberId << Qt::endl;
    ctx.queued += moved.value();
    return 0;
}

int dispatch(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    ctx.queued = std::max(1, ctx.store->outbox.countsByState().queued);
    return 0; // the runner delivers everything due because the command mutates
}

} // namespace

int deliverQueued(Context &ctx)
{
    DeliveryController controller(ctx.dbPath);
    controller.setProgram(QStringLiteral("statusdesk-cli dispatch"));
    QEventLoop loop;
    QString failure;
    QObject::connect(&controller, &DeliveryController::idle, &loop, &QEventLoop::quit);
    QObject::connect(&controller, &DeliveryController::engineError, &loop, [&](const QString &text) {
        failure = text;
        loop.quit();
    });
    QObject::connect(&controller, &DeliveryController::noticeAdded, &loop,
                     [&ctx](const QString &text) { ctx.err << "notice: " << text << Qt::endl; });
    QObject::connect(&controller, &DeliveryController::engineWarning, &loop,
                     [&ctx](const QString &text) { ctx.err << "warning: " << text << Qt::endl; });
    // SIGTERM and SIGINT stop the same graceful way: nothing new starts, the requests on the wire finish and
    // are recorded, what was claimed but not started goes back to the queue.
    TerminationSignals termination;
    QObject::connect(&termination, &TerminationSignals::caught, &loop, &QEventLoop::quit);
    controller.start();
    loop.exec();
    if (termination.received() != 0) {
        ctx.err << "statusdesk-cli: " << TerminationSignals::name(termination.received())
                << ": letting the requests on the wire finish (at most "
                << DeliveryController::kDrainDeadlineMs / 1000 << " s), handing the rest back" << Qt::endl;
        if (!controller.drainAndStop())
            ctx.err << "statusdesk-cli: requests still on the wire at the deadline were abandoned; they are "
                       "sent again later with the same webhook-id"
                    << Qt::endl;
    } else {
        controller.stop();
    }
    if (!failure.isEmpty())
        return ctx.fail(failure);

    // This process's own work, counted by its engine: every request it made, and each message by its state
    // after its latest attempt here (other processes' deliveries are theirs to count).
    const DeliveryProgress t = controller.tally();
    ctx.out << "sent " << t.attemptsMade << ", delivered " << t.delivered << ", failed " << t.gaveUp
            << ", retrying " << t.retrying;
    if (t.held > 0)
        ctx.out << ", held " << t.held;
    ctx.out << Qt::endl;
    if (termination.received() != 0)
        return 128 + termination.received(); // the shell's convention for a command a signal ended
    return t.gaveUp > 0 ? 3 : 0;
}

void addDeliveryCommands(std::vector<Command> &out)
{
    out.push_back({QStringLiteral("messages"),
                   QStringLiteral("List webhooks waiting for delivery (with bodies in --json)."),
                   {},
                   {},
                   false,
                   messages});
    out.push_back({QStringLiteral("deliveries"),
                   QStringLiteral("List deliveries with their last attempt."),
                   {},
                   {opt("state", "queued, sending, delivered, retrying, failed, held or cancelled.", "STATE"),
                    opt("limit", "At most this many rows (default 1000).", "N")},
                   false,
                   deliveries});
    out.push_back({QStringLiteral("deliveries recover"),
                   QStringLiteral("Send one endpoint's held and failed webhooks created since TIME again "
                                  "(same webhook-id)."),
                   {},
                   {opt("endpoint", "The subscriber's endpoint URL.", "URL"),
                    opt("subscriber", "Or the subscriber's id.", "ID"),
                    opt("since", "Deliveries created at or after TIME (ISO 8601).", "TIME")},
                   true,
                   recover});
    out.push_back({QStringLiteral("attempts"),
                   QStringLiteral("List every attempt of one delivery."),
                   QStringLiteral("DELIVERY_ID"),
                   {},
                   false,
                   attempts});
    out.push_back({QStringLiteral("resend"),
                   QStringLiteral("Send deliveries again (same webhook-id)."),
                   QStringLiteral("[DELIVERY_ID...]"),
                   {opt("failed", "Resend every failed delivery."),
                    opt("since", "With --failed: failed since TIME.", "TIME")},
                   true,
                   resend});
    out.push_back({QStringLiteral("dispatch"),
                   QStringLiteral("Deliver everything due now and wait for the attempts."),
                   {},
                   {},
                   true,
                   dispatch});
}

} // namespace sd::cli
