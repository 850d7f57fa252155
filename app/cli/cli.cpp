#include "app/cli/cli.h"

#include "app/report/listingwriter.h"
#include "app/services/operatoridentity.h"
#include "models/database.h"
#include "models/endpointurl.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sd::cli {

int Context::fail(const QString &message)
{
    err << "statusdesk-cli: " << endpointurl::redacted(message) << Qt::endl;
    return 1;
}

void Context::printJson(const QJsonValue &value)
{
    QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    out << QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    out.flush();
}

void Context::printTable(const QStringList &headers, const QList<QStringList> &rows)
{
    // One table layout for every listing, streamed or not (and one place where endpoints are redacted).
    TableWriter table(out, headers);
    for (const QStringList &row : rows)
        table.measure(row);
    table.printHeader();
    for (const QStringList &row : rows)
        table.print(row);
    out.flush();
}

QCommandLineOption opt(const char *name, const char *help, const char *value)
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

Result<ComponentStatus> parseStatusArg(const QString &value)
{
    if (auto s = parseComponentStatus(value))
        return *s;
    return Error{QStringLiteral("unknown component status \"%1\"; valid values: %2")
                     .arg(value, componentStatusNames().join(QStringLiteral(", ")))};
}

Result<IncidentStatus> parseIncidentStatusArg(const QString &value)
{
    if (auto s = parseIncidentStatus(value))
        return *s;
    return Error{QStringLiteral("unknown incident status \"%1\"; valid values: %2")
                     .arg(value, incidentStatusNames().join(QStringLiteral(", ")))};
}

Result<Impact> parseImpactArg(const QString &value)
{
    if (auto s = parseImpact(value))
        return *s;
    return Error{QStringLiteral("unknown impact \"%1\"; valid values: %2")
                     .arg(value, impactNames().join(QStringLiteral(", ")))};
}

Result<std::vector<ComponentStatusChange>> parseComponentChanges(const QStringList &values)
{
    std::vector<ComponentStatusChange> out;
    for (const QString &v : values) {
        const int eq = static_cast<int>(v.indexOf(QLatin1Char('=')));
        if (eq <= 0)
            return Error{QStringLiteral("--component expects ID=STATUS, got \"%1\"").arg(v)};
        auto status = parseStatusArg(v.mid(eq + 1));
        if (!status)
            return Error{status.error()};
        out.push_back({v.left(eq), status.value()});
    }
    return out;
}

namespace {

std::vector<Command> commandTable()
{
    std::vector<Command> table;
    addPageCommands(table);
    addComponentCommands(table);
    addIncidentCommands(table);
    addTemplateCommands(table);
    addSubscriberCommands(table);
    addDeliveryCommands(table);
    addSettingsCommands(table);
    addRecordCommands(table);
    addServerCommands(table);
    addUpstreamCommands(table);
    addImportCommands(table);
    return table;
}

QList<QCommandLineOption> globalOptions()
{
    return {
        QCommandLineOption(
            QStringLiteral("db"),
            QStringLiteral("Database file (default: $STATUSDESK_DB, then %1).").arg(Database::defaultPath()),
            QStringLiteral("PATH")),
        QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print listings as JSON.")),
        QCommandLineOption(QStringLiteral("queue-only"),
                           QStringLiteral("Queue webhooks without delivering them before exit.")),
        QCommandLineOption(QStringLiteral("as"),
                           QStringLiteral("Operator name recorded with every change (default: "
                                          "$STATUSDESK_OPERATOR, then %1).")
                               .arg(defaultOperator()),
                           QStringLiteral("NAME")),
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show help.")),
        QCommandLineOption({QStringLiteral("v"), QStringLiteral("version")},
                           QStringLiteral("Show the version."))};
}

// The command words are the first non-option arguments (skipping the value of --db and --as).
QStringList commandWords(const QStringList &args)
{
    QStringList words;
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--db") || a == QLatin1String("--as")) {
            ++i;
            continue;
        }
        if (a.startsWith(QLatin1Char('-')))
            continue;
        words << a;
        if (words.size() == 2)
            break;
    }
    return words;
}

void printGeneralHelp(QTextStream &out, const std::vector<Command> &table)
{
    out << "Usage: statusdesk-cli [--db PATH] [--as NAME] [--json] [--queue-only] COMMAND [ARGS]\n\n"
        << "StatusDesk command line: edit a status page, keep webhook subscribers and deliver\n"
        << "Statuspage-compatible webhooks.\n\nCommands:\n";
    for (const Command &c : table) {
        const QString synopsis =
            c.name + (c.positional.isEmpty() ? QString() : QLatin1Char(' ') + c.positional);
        // A synopsis longer than the column gets its summary on the next line.
        if (synopsis.size() >= 34)
            out << "  " << synopsis << '\n' << QString(36, QLatin1Char(' ')) << c.summary << '\n';
        else
            out << "  " << synopsis.leftJustified(34) << c.summary << '\n';
    }
    out << "\nRun 'statusdesk-cli COMMAND --help' for a command's options.\n";
    out.flush();
}

} // namespace

int run(const QStringList &arguments)
{
    Context ctx;
    const std::vector<Command> table = commandTable();
    const QStringList words = commandWords(arguments);
    const bool wantsHelp =
        arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"));
    if (arguments.contains(QStringLiteral("--version")) || arguments.contains(QStringLiteral("-v"))) {
        ctx.out << "statusdesk-cli " << QCoreApplication::applicationVersion() << Qt::endl;
        return 0;
    }

    const Command *command = nullptr;
    int consumed = 0;
    for (const Command &c : table) {
        const QStringList parts = c.name.split(QLatin1Char(' '));
        if (words.mid(0, parts.size()) == parts && parts.size() > consumed) {
            command = &c;
            consumed = static_cast<int>(parts.size());
        }
    }
    if (!command) {
        if (words.isEmpty() || wantsHelp) {
            printGeneralHelp(ctx.out, table);
            return words.isEmpty() && !wantsHelp ? 1 : 0;
        }
        return ctx.fail(QStringLiteral("unknown command \"%1\"; run statusdesk-cli --help for the list")
                            .arg(words.join(QLatin1Char(' '))));
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(command->summary);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(globalOptions());
    parser.addOptions(command->options);
    parser.addPositionalArgument(command->name, command->summary,
                                 command->name + QLatin1Char(' ') + command->positional);
    if (!parser.parse(arguments))
        return ctx.fail(parser.errorText());
    if (wantsHelp) {
        ctx.out << parser.helpText();
        return 0;
    }
    const QStringList positional = parser.positionalArguments().mid(consumed);

    ctx.json = parser.isSet(QStringLiteral("json"));
    ctx.queueOnly = parser.isSet(QStringLiteral("queue-only"));
    if (parser.isSet(QStringLiteral("as"))) {
        const QString as = parser.value(QStringLiteral("as"));
        if (const QString err = checkOperatorName(as); !err.isEmpty())
            return ctx.fail(QStringLiteral("--as: %1").arg(err));
    }
    ctx.actor = resolveOperator(parser.value(QStringLiteral("as")));
    if (const QString err = checkOperatorName(ctx.actor); !err.isEmpty())
        return ctx.fail(QStringLiteral("STATUSDESK_OPERATOR: %1").arg(err));
    // --db "" is a mistake, not a request for the default database: Database::open refuses it.
    ctx.dbPath = parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db"))
                                                    : Database::resolvePath(QString());
    QString error;
    ctx.store = Store::open(ctx.dbPath, &error);
    if (!ctx.store)
        return ctx.fail(error);
    for (const QString &notice : ctx.store->db().warnings())
        ctx.err << "statusdesk-cli: notice: " << notice << Qt::endl;

    const int code = command->run(ctx, parser, positional);
    if (code == 0 && command->mutates && ctx.queued > 0) {
        if (ctx.queueOnly) {
            ctx.out << "queued " << ctx.queued << " webhook(s)" << Qt::endl;
            return 0;
        }
        return deliverQueued(ctx);
    }
    return code;
}

} // namespace sd::cli
