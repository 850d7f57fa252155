#include "app/cli/cli.h"
#include "app/formats/jsonviews.h"
#include "app/report/deliveryreport.h"
#include "app/report/reportstream.h"
#include "models/databasefiles.h"
#include "models/endpointurl.h"
#include "models/smtpsettings.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSaveFile>

namespace sd::cli {
namespace {

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

void addRecordCommands(std::vector<Command> &out)
{
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
