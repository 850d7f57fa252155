#include "app/cli/cli.h"
#include "app/delivery/deliverycontroller.h"
#include "app/delivery/trustedcas.h"
#include "app/formats/jsonviews.h"
#include "app/report/deliveryreport.h"
#include "app/report/listingwriter.h"
#include "app/report/reportstream.h"
#include "app/services/resendservice.h"
#include "models/databasefiles.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/smtpsettings.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSaveFile>

namespace sd::cli {
namespace {

QCommandLineOption opt(const char *name, const char *help, const char *value = nullptr)
{
    return value ? QCommandLineOption(QLatin1String(name), QLatin1String(help), QLatin1String(value))
                 : QCommandLineOption(QLatin1String(name), QLatin1String(help));
}

// --since TIME when given (invalid: an error naming the expected form); --state STATE likewise.
Result<QDateTime> sinceOption(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("since")))
        return QDateTime();
    const QDateTime since = timefmt::parseIso(parser.value(QStringLiteral("since")));
    if (!since.isValid())
        return Error{QStringLiteral("--since must be an ISO 8601 time such as 2026-11-27T10:00:00Z")};
    return since;
}

Result<std::optional<DeliveryState>> stateOption(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("state")))
        return std::optional<DeliveryState>();
    const auto state = parseDeliveryState(parser.value(QStringLiteral("state")));
    if (!state)
        return Error{
            QStringLiteral("unknown delivery state \"%1\"; valid values: %2")
                .arg(parser.value(QStringLiteral("state")), deliveryStateNames().join(QStringLiteral(", ")))};
    return state;
}

// "Delivery settings: timeout ms 30000 → 5000; max per host 6 → 2"; empty when nothing differs.
QString settingsChange(const DeliverySettings &before, const DeliverySettings &after)
{
    QStringList changes;
    auto note = [&changes](const char *name, const QString &from, const QString &to) {
        if (from != to)
            changes << QStringLiteral("%1 %2 → %3").arg(QLatin1String(name), from, to);
    };
    note("retry schedule", DeliverySettings::formatSchedule(before.retryScheduleMs),
         DeliverySettings::formatSchedule(after.retryScheduleMs));
    note("jitter", QString::number(before.jitter), QString::number(after.jitter));
    note("timeout ms", QString::number(before.timeoutMs), QString::number(after.timeoutMs));
    note("min backoff ms", QString::number(before.minBackoffSlowMs), QString::number(after.minBackoffSlowMs));
    note("max in flight", QString::number(before.maxInFlight), QString::number(after.maxInFlight));
    note("max per host", QString::number(before.maxPerHost), QString::number(after.maxPerHost));
    note("refuse private targets", QLatin1String(before.refusePrivateTargets ? "on" : "off"),
         QLatin1String(after.refusePrivateTargets ? "on" : "off"));
    note("extra CA file", before.caFile, after.caFile);
    return changes.isEmpty() ? QString()
                             : QStringLiteral("Delivery settings: ") + changes.join(QStringLiteral("; "));
}

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

// Streamed from one snapshot of the store (issue 11): --json writes each delivery as it is read; the table
// reads the rows twice (widths, then lines) rather than keeping them.
int listMessages(Context &ctx, const MessageFilter &filter)
{
    try {
        ReadSnapshot snapshot(ctx.store->db());
        if (ctx.json) {
            JsonArrayWriter array(ctx.out);
            ctx.store->outbox.forEach(snapshot, filter,
                                      [&](const Message &m) { array.append(json::message(m)); });
            array.finish();
            return 0;
        }
        TableWriter table(ctx.out,
                          {QStringLiteral("ID"), QStringLiteral("CREATED"), QStringLiteral("EVENT"),
                           QStringLiteral("ENDPOINT"), QStringLiteral("STATE"), QStringLiteral("ATTEMPTS"),
                           QStringLiteral("HTTP"), QStringLiteral("MS"), QStringLiteral("ERROR")});
        ctx.store->outbox.forEach(snapshot, filter,
                                  [&](const Message &m) { table.measure(messageCells(m)); });
        table.printHeader();
        ctx.store->outbox.forEach(snapshot, filter, [&](const Message &m) { table.print(messageCells(m)); });
        ctx.out.flush();
        return 0;
    } catch (const StoreError &e) {
        ctx.out.flush();
        return ctx.fail(QStringLiteral("database error: %1").arg(e.message()));
    }
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

// --smtp-url, --smtp-from, --smtp-user, --smtp-starttls, --smtp-ca-file; the password comes from
// STATUSDESK_SMTP_PASSWORD (never an option: it would sit in shell history and `ps`). True when anything
// changed.
Result<bool> smtpOptions(const QCommandLineParser &parser, SmtpSettings &smtp)
{
    bool changed = false;
    if (parser.isSet(QStringLiteral("smtp-url"))) {
        const QString url = parser.value(QStringLiteral("smtp-url")).trimmed();
        if (const QString err = SmtpSettings::checkUrl(url); !err.isEmpty())
            return Error{err};
        smtp.url = url;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("smtp-from"))) {
        const QString from = parser.value(QStringLiteral("smtp-from")).trimmed();
        if (const QString err = SmtpSettings::checkFrom(from); !err.isEmpty())
            return Error{err};
        smtp.from = from;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("smtp-user"))) {
        smtp.user = parser.value(QStringLiteral("smtp-user")).trimmed();
        changed = true;
    }
    if (parser.isSet(QStringLiteral("smtp-starttls"))) {
        const QString v = parser.value(QStringLiteral("smtp-starttls"));
        if (v != QLatin1String("required") && v != QLatin1String("opportunistic"))
            return Error{QStringLiteral("--smtp-starttls must be required or opportunistic")};
        smtp.startTls = v == QLatin1String("required") ? SmtpSettings::StartTls::Required
                                                       : SmtpSettings::StartTls::Opportunistic;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("smtp-ca-file"))) {
        QString path = parser.value(QStringLiteral("smtp-ca-file"));
        if (!path.isEmpty()) {
            path = QFileInfo(path).absoluteFilePath();
            if (auto cas = trustedcas::load(path); !cas)
                return Error{cas.error()};
        }
        smtp.caFile = path;
        changed = true;
    }
    if (changed && qEnvironmentVariableIsSet("STATUSDESK_SMTP_PASSWORD")) {
        smtp.password = qEnvironmentVariable("STATUSDESK_SMTP_PASSWORD");
        changed = true;
    }
    if (changed && !smtp.url.isEmpty() && smtp.from.isEmpty())
        return Error{QStringLiteral("an SMTP server needs a sender address too: add --smtp-from ADDRESS")};
    return changed;
}

int dispatch(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    ctx.queued = std::max(1, ctx.store->outbox.countsByState().queued);
    return 0; // the runner delivers everything due because the command mutates
}

int settings(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    DeliverySettings s = DeliverySettings::load(ctx.store->settings);
    bool changed = false;
    if (parser.isSet(QStringLiteral("retry-schedule"))) {
        if (!DeliverySettings::parseSchedule(parser.value(QStringLiteral("retry-schedule")),
                                             &s.retryScheduleMs))
            return ctx.fail(
                QStringLiteral("--retry-schedule must be a comma-separated list of delays such as "
                               "0,5s,5m,30m,2h,5h,10h,10h"));
        changed = true;
    }
    auto number = [&](const char *name, auto &field, qint64 min, qint64 max) -> bool {
        if (!parser.isSet(QLatin1String(name)))
            return true;
        bool ok = false;
        const qint64 v = parser.value(QLatin1String(name)).toLongLong(&ok);
        if (!ok || v < min || v > max) {
            ctx.fail(QStringLiteral("--%1 must be a whole number from %2 to %3")
                         .arg(QLatin1String(name))
                         .arg(min)
                         .arg(max));
            return false;
        }
        field = static_cast<std::remove_reference_t<decltype(field)>>(v);
        changed = true;
        return true;
    };
    if (!number("timeout-ms", s.timeoutMs, 100, 600'000) ||
        !number("max-in-flight", s.maxInFlight, 1, 10'000) ||
        !number("max-per-host", s.maxPerHost, 1, 1'000) ||
        !number("min-backoff-ms", s.minBackoffSlowMs, 0, 86'400'000))
        return 1;
    if (parser.isSet(QStringLiteral("jitter"))) {
        bool ok = false;
        const double j = parser.value(QStringLiteral("jitter")).toDouble(&ok);
        if (!ok || j < 0 || j >= 1)
            return ctx.fail(QStringLiteral("--jitter must be a fraction from 0 to below 1, such as 0.2"));
        s.jitter = j;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("refuse-private-targets"))) {
        const QString v = parser.value(QStringLiteral("refuse-private-targets"));
        if (v != QLatin1String("on") && v != QLatin1String("off"))
            return ctx.fail(QStringLiteral("--refuse-private-targets must be on or off"));
        s.refusePrivateTargets = v == QLatin1String("on");
        changed = true;
    }
    if (parser.isSet(QStringLiteral("ca-file"))) {
        QString path = parser.value(QStringLiteral("ca-file"));
        if (!path.isEmpty()) {
            // Checked now, so a typo is named here rather than as a handshake failure at 3 a.m.
            path = QFileInfo(path).absoluteFilePath();
            if (auto cas = trustedcas::load(path); !cas)
                return ctx.fail(cas.error());
        }
        s.caFile = path;
        changed = true;
    }
    SmtpSettings smtp = SmtpSettings::load(ctx.store->settings);
    const auto smtpChanged = smtpOptions(parser, smtp);
    if (!smtpChanged)
        return ctx.fail(smtpChanged.error());
    if (changed || smtpChanged.value()) {
        // The new values and their audit row commit together.
        ServiceContext services = ctx.services();
        auto saved = inTransaction(*ctx.store, [&]() -> Result<Ok> {
            const DeliverySettings before = DeliverySettings::load(ctx.store->settings);
            const SmtpSettings smtpBefore = SmtpSettings::load(ctx.store->settings);
            s.save(ctx.store->settings);
            smtp.save(ctx.store->settings);
            QStringList details;
            if (const QString detail = settingsChange(before, s); !detail.isEmpty())
                details << detail;
            // Described, never the password itself.
            if (smtpBefore.describe() != smtp.describe() || smtpBefore.password != smtp.password)
                details << QStringLiteral("Email: ") + smtp.describe() +
                               (smtpBefore.password != smtp.password && !smtp.password.isEmpty()
                                    ? QStringLiteral(" (new password)")
                                    : QString());
            if (!details.isEmpty())
                services.audit(QStringLiteral("settings.set"), QStringLiteral("settings"), QString(),
                               details.join(QStringLiteral("; ")));
            return Ok{};
        });
        if (!saved)
            return ctx.fail(saved.error());
    }
    if (ctx.json) {
        ctx.printJson(QJsonObject{
            {QStringLiteral("retry_schedule"), DeliverySettings::formatSchedule(s.retryScheduleMs)},
            {QStringLiteral("jitter"), s.jitter},
            {QStringLiteral("timeout_ms"), s.timeoutMs},
            {QStringLiteral("min_backoff_ms"), s.minBackoffSlowMs},
            {QStringLiteral("max_in_flight"), s.maxInFlight},
            {QStringLiteral("max_per_host"), s.maxPerHost},
            {QStringLiteral("refuse_private_targets"), s.refusePrivateTargets},
            {QStringLiteral("ca_file"), s.caFile},
            {QStringLiteral("smtp_url"), smtp.url},
            {QStringLiteral("smtp_from"), smtp.from},
            {QStringLiteral("smtp_user"), smtp.user},
            {QStringLiteral("smtp_password_set"), !smtp.password.isEmpty()},
            {QStringLiteral("smtp_starttls"), smtp.startTls == SmtpSettings::StartTls::Required
                                                  ? QStringLiteral("required")
                                                  : QStringLiteral("opportunistic")},
            {QStringLiteral("smtp_ca_file"), smtp.caFile}});
        return 0;
    }
    ctx.out << "retry schedule: " << DeliverySettings::formatSchedule(s.retryScheduleMs) << '\n'
            << "jitter:         " << s.jitter << '\n'
            << "timeout:        " << s.timeoutMs << " ms\n"
            << "min backoff:    " << s.minBackoffSlowMs << " ms (429 and timeouts)\n"
            << "max in flight:  " << s.maxInFlight << '\n'
            << "max per host:   " << s.maxPerHost << '\n'
            << "refuse private targets: " << (s.refusePrivateTargets ? "on" : "off")
            << " (link-local, metadata, unspecified and multicast targets are always refused)\n"
            << "extra CAs:      "
            << (s.caFile.isEmpty() ? QStringLiteral("none (system CAs only)") : s.caFile) << '\n'
            << "email (SMTP):   " << smtp.describe() << Qt::endl;
    return 0;
}

int audit(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    AuditFilter filter;
    const auto since = sinceOption(parser);
    if (!since)
        return ctx.fail(since.error());
    filter.since = since.value();
    filter.actor = parser.value(QStringLiteral("actor"));
    filter.subjectId = parser.value(QStringLiteral("subject"));
    filter.limit = 1000;
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        filter.limit = parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || filter.limit < 1)
            return ctx.fail(QStringLiteral("--limit must be a whole number of 1 or more"));
    }
    const auto list = ctx.store->audit.list(filter); // newest first
    if (ctx.json) {
        QJsonArray array;
        for (const AuditEntry &e : list)
            array.append(json::auditEntry(e));
        ctx.printJson(array);
        return 0;
    }
    // Like printTable, but the detail is the answer to "what": never cut short.
    QList<QStringList> rows{{QStringLiteral("AT"), QStringLiteral("ACTOR"), QStringLiteral("ACTION"),
                             QStringLiteral("SUBJECT"), QStringLiteral("DETAIL")}};
    for (const AuditEntry &e : list)
        rows << QStringList{timefmt::isoUtc(e.at), e.actor, e.action, e.subjectId, e.detail};
    QList<qsizetype> widths(4, 0);
    for (const QStringList &row : rows) {
        for (int i = 0; i < 4; ++i)
            widths[i] = std::max(widths[i], row.at(i).size());
    }
    for (const QStringList &row : rows) {
        for (int i = 0; i < 4; ++i)
            ctx.out << row.at(i).leftJustified(widths.at(i) + 2);
        ctx.out << row.at(4) << '\n';
    }
    ctx.out.flush();
    return 0;
}

// The email a notice names (quarantine, reactivation, purge), as it stands now.
std::optional<Message> noticeEmail(Store &store, const Notice &n)
{
    static const QRegularExpression id(QStringLiteral("\\b(msg_[a-z0-9]{20})\\b"));
    const auto match = id.match(n.text);
    if (!match.hasMatch())
        return std::nullopt;
    auto m = store.outbox.find(match.captured(1));
    if (!m || m->channel != Channel::Email)
        return std::nullopt;
    return m;
}

// "sent 2026-11-27T10:00:00Z" or "queued (attempt 2: refused: Connection refused; next 10:05:00Z)".
QString emailState(const Message &m)
{
    if (m.state == DeliveryState::Delivered)
        return QStringLiteral("sent ") + timefmt::isoUtc(m.updatedAt);
    QString out = m.state == DeliveryState::Failed || m.state == DeliveryState::Cancelled
                      ? toString(m.state)
                      : QStringLiteral("queued");
    if (m.attempts > 0)
        out += QStringLiteral(" (attempt %1: %2%3)")
                   .arg(m.attempts)
                   .arg(m.lastErrorClass,
                        m.lastError.isEmpty() ? QString() : QStringLiteral(": ") + m.lastError);
    return out;
}

int notices(Context &ctx, const QCommandLineParser &, const QStringList &)
{
    const auto list = ctx.store->notices.recent(100);
    if (ctx.json) {
        QJsonArray array;
        for (const Notice &n : list) {
            QJsonObject o{{QStringLiteral("id"), n.id},
                          {QStringLiteral("created_at"), timefmt::utc(n.createdAt)},
                          {QStringLiteral("kind"), n.kind},
                          {QStringLiteral("subscriber_id"), n.subscriberId},
                          {QStringLiteral("text"), n.text}};
            if (const auto m = noticeEmail(*ctx.store, n))
                o.insert(QStringLiteral("email"),
                         QJsonObject{{QStringLiteral("id"), m->id},
                                     {QStringLiteral("to"), m->recipient},
                                     {QStringLiteral("state"), toString(m->state)},
                                     {QStringLiteral("sent"), m->state == DeliveryState::Delivered},
                                     {QStringLiteral("attempts"), m->attempts},
                                     {QStringLiteral("last_error"), m->lastError}});
            array.append(o);
        }
        ctx.printJson(array);
        return 0;
    }
    for (const Notice &n : list) {
        ctx.out << timefmt::isoUtc(n.createdAt) << "  " << n.kind << "  " << n.text << '\n';
        if (const auto m = noticeEmail(*ctx.store, n))
            ctx.out << "    email to " << m->recipient << ": " << emailState(*m) << '\n';
    }
    const bool anyQuarantine = std::any_of(
        list.begin(), list.end(), [](const Notice &n) { return n.kind == QLatin1String("quarantined"); });
    if (anyQuarantine && !SmtpSettings::load(ctx.store->settings).configured())
        ctx.out
            << "(no SMTP server is set, so quarantined subscribers are not emailed: statusdesk-cli settings "
               "--smtp-url smtp://host:port --smtp-from ADDRESS)\n";
    ctx.out.flush();
    return 0;
}

int report(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("csv") && format != QLatin1String("json"))
        return ctx.fail(
            QStringLiteral("--format must be csv or json (the console also writes HTML and PDF)"));
    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty())
        return ctx.fail(QStringLiteral("report needs --out FILE (or --out - for standard output)"));
    if (out != QLatin1String("-")) {
        // Writing over (or beside, through a link) the open database would drop its locks or destroy it.
        if (const QString refusal = DatabaseFiles::refusal(out); !refusal.isEmpty())
            return ctx.fail(refusal);
    }
    const auto since = sinceOption(parser);
    if (!since)
        return ctx.fail(since.error());
    const auto state = stateOption(parser);
    if (!state)
        return ctx.fail(state.error());
    MessageFilter filter;
    filter.endpointContains = parser.value(QStringLiteral("endpoint"));
    filter.state = state.value();
    const bool csv = format == QLatin1String("csv");
    // Written row by row as the store is read (issue 11): memory stays flat however many attempts there are.
    auto write = [&](QIODevice &device) -> Result<ReportStream::Written> {
        try {
            ReportStream stream(*ctx.store, filter, since.value());
            return csv ? stream.writeCsv(device) : stream.writeJson(device, QDateTime::currentDateTimeUtc());
        } catch (const StoreError &e) {
            return Error{QStringLiteral("database error: %1").arg(e.message())};
        }
    };
    if (out == QLatin1String("-")) {
        ctx.out.flush();
        QFile stdoutFile;
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly))
            return ctx.fail(QStringLiteral("cannot write to standard output"));
        const Result<ReportStream::Written> written = write(stdoutFile);
        stdoutFile.flush();
        if (!written)
            return ctx.fail(written.error());
        return 0;
    }
    if (QFileInfo(out).isDir())
        return ctx.fail(QStringLiteral("%1 is a directory; give a file name").arg(out));
    // Written beside the target and renamed over it: a failed export leaves any earlier file as it was.
    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly))
        return ctx.fail(QStringLiteral("cannot write %1: %2").arg(out, file.errorString()));
    const Result<ReportStream::Written> written = write(file);
    if (!written) {
        file.cancelWriting();
        return ctx.fail(written.error());
    }
    if (!file.commit())
        return ctx.fail(QStringLiteral("cannot write %1: %2").arg(out, file.errorString()));
    const ReportStream::Written &w = written.value();
    ctx.err << "wrote " << out << ": " << w.attempts << " attempts, " << w.endpoints << " endpoints, "
            << w.successes << " succeeded, " << (w.attempts - w.successes) << " failed" << Qt::endl;
    return 0;
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
    controller.start();
    loop.exec();
    controller.stop();
    if (!failure.isEmpty())
        return ctx.fail(failure);

    MessageFilter mine;
    mine.since = ctx.startedAt.addMSecs(-1);
    int delivered = 0, failed = 0, retrying = 0;
    for (const Message &m : ctx.store->outbox.list(mine)) {
        if (m.state == DeliveryState::Delivered)
            ++delivered;
        else if (m.state == DeliveryState::Failed)
            ++failed;
        else
            ++retrying;
    }
    // A resend touches older messages: count those by their latest update instead.
    if (delivered + failed + retrying == 0) {
        QSqlQuery &q = ctx.store->db().run(
            QStringLiteral("SELECT state, count(*) FROM messages WHERE updated_at >= ? GROUP BY state"),
            {toDb(ctx.startedAt.addMSecs(-1))});
        while (q.next()) {
            const QString s = q.value(0).toString();
            const int n = q.value(1).toInt();
            if (s == QLatin1String("delivered"))
                delivered += n;
            else if (s == QLatin1String("failed"))
                failed += n;
            else
                retrying += n;
        }
    }
    ctx.out << "sent " << (delivered + failed + retrying) << ", delivered " << delivered << ", failed "
            << failed << ", retrying " << retrying << Qt::endl;
    return failed > 0 ? 3 : 0;
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
    out.push_back(
        {QStringLiteral("settings"),
         QStringLiteral("Show or change delivery settings."),
         {},
         {opt("retry-schedule", "Delays, e.g. 0,5s,5m,30m,2h,5h,10h,10h.", "LIST"),
          opt("timeout-ms", "Whole-attempt deadline.", "MS"), opt("max-in-flight", "Global cap.", "N"),
          opt("max-per-host", "Per-origin cap.", "N"),
          opt("min-backoff-ms", "Floor for 429 and timeouts.", "MS"),
          opt("jitter", "Fraction, e.g. 0.2.", "F"),
          opt("refuse-private-targets", "on: also refuse loopback and private addresses as webhook targets.",
              "on|off"),
          opt("ca-file", "PEM file of CAs trusted for HTTPS endpoints beside the system's; \"\" clears.",
              "FILE"),
          opt("smtp-url",
              "Mail server for quarantine emails: smtp://host:port (STARTTLS) or smtps://host:port "
              "(implicit TLS); \"\" turns email off. Password: STATUSDESK_SMTP_PASSWORD.",
              "URL"),
          opt("smtp-from", "Sender address of those emails.", "ADDRESS"),
          opt("smtp-user", "AUTH user (PLAIN or LOGIN); \"\" for none.", "USER"),
          opt("smtp-starttls", "With smtp://: required, or opportunistic (the default).", "MODE"),
          opt("smtp-ca-file", "PEM file of CAs trusted for the mail server beside the system's.", "FILE")},
         false,
         settings});
    out.push_back(
        {QStringLiteral("report"),
         QStringLiteral("Export a delivery report: one row per attempt (JSON adds totals per endpoint)."),
         {},
         {opt("format", "csv or json.", "FORMAT"),
          opt("out", "File to write, or - for standard output.", "FILE"),
          opt("since", "Attempts started at or after TIME (ISO 8601).", "TIME"),
          opt("endpoint", "Only endpoints containing TEXT.", "TEXT"),
          opt("state", "Only deliveries now in STATE.", "STATE")},
         false,
         report});
    out.push_back({QStringLiteral("audit"),
                   QStringLiteral("List who changed what (newest first)."),
                   {},
                   {opt("since", "Changes at or after TIME (ISO 8601).", "TIME"),
                    opt("actor", "Only this operator's changes.", "NAME"),
                    opt("subject", "Only changes to this component, incident, subscriber or delivery.", "ID"),
                    opt("limit", "At most this many rows (default 1000).", "N")},
                   false,
                   audit});
    out.push_back({QStringLiteral("notices"),
                   QStringLiteral("Show operator notices (quarantines, purges)."),
                   {},
                   {},
                   false,
                   notices});
}

} // namespace sd::cli
