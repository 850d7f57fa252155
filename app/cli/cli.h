#pragma once

#include "app/report/listingwriter.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/servicecontext.h"
#include "models/result.h"
#include "models/store.h"
#include "models/streamquery.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonValue>
#include <QTextStream>
#include <functional>
#include <memory>
#include <vector>

// statusdesk-cli: one table of commands, each with its own options; a shared context holds the store.
namespace sd::cli {

struct Context
{
    QTextStream out{stdout};
    QTextStream err{stderr};
    QString dbPath;
    bool json = false;
    bool queueOnly = false;
    QString actor; // --as, else STATUSDESK_OPERATOR, else user@host: recorded with every change
    std::unique_ptr<Store> store;
    int queued = 0; // webhooks queued by this command; delivered before exit unless --queue-only
    QDateTime startedAt = QDateTime::currentDateTimeUtc();

    ServiceContext services() { return ServiceContext{*store, systemClock, actor}; }
    int fail(const QString &message); // one line on stderr, exit code 1
    void printJson(const QJsonValue &value);
    void printTable(const QStringList &headers, const QList<QStringList> &rows);
};

struct Command
{
    QString name; // "component add"
    QString summary;
    QString positional; // "ID", "FILE.csv", ...
    QList<QCommandLineOption> options;
    bool mutates = false;
    std::function<int(Context &, const QCommandLineParser &, const QStringList &)> run;
};

int run(const QStringList &arguments);

// Each area registers its commands.
void addPageCommands(std::vector<Command> &out);
void addComponentCommands(std::vector<Command> &out);
void addIncidentCommands(std::vector<Command> &out);
void addTemplateCommands(std::vector<Command> &out);
void addSubscriberCommands(std::vector<Command> &out);
void addDeliveryCommands(std::vector<Command> &out); // messages, deliveries, attempts, resend, dispatch
void addSettingsCommands(std::vector<Command> &out); // settings
void addRecordCommands(std::vector<Command> &out);   // report, audit, notices
void addServerCommands(std::vector<Command> &out);   // serve, api-key
void addUpstreamCommands(std::vector<Command> &out); // followed pages
void addImportCommands(std::vector<Command> &out);   // import statuspage

// A command's option: --name, its help, and the name of its value (none: a switch).
inline QCommandLineOption option(const char *name, const char *help, const char *value = nullptr)
{
    return value ? QCommandLineOption(QLatin1String(name), QLatin1String(help), QLatin1String(value))
                 : QCommandLineOption(QLatin1String(name), QLatin1String(help));
}

// A listing streamed from one snapshot of the store (issue 11): --json writes each row as it is read; the
// table reads the rows twice (widths, then lines) rather than keeping them. `forEach(snapshot, visit)` reads
// the rows.
template<typename ForEach, typename ToJson, typename Cells>
int printStreamed(Context &ctx, const QStringList &headers, ForEach &&forEach, ToJson &&toJson, Cells &&cells)
{
    try {
        ReadSnapshot snapshot(ctx.store->db());
        if (ctx.json) {
            JsonArrayWriter array(ctx.out);
            forEach(snapshot, [&](const auto &row) { array.append(toJson(row)); });
            array.finish();
            return 0;
        }
        TableWriter table(ctx.out, headers);
        forEach(snapshot, [&](const auto &row) { table.measure(cells(row)); });
        table.printHeader();
        forEach(snapshot, [&](const auto &row) { table.print(cells(row)); });
        ctx.out.flush();
        return 0;
    } catch (const StoreError &e) {
        ctx.out.flush();
        return ctx.fail(QStringLiteral("database error: %1").arg(e.message()));
    }
}

// A listing already read: --json prints an array of toJson(row), else a table of cells(row).
template<typename Rows, typename ToJson, typename Cells>
int printList(Context &ctx, const QStringList &headers, const Rows &rows, ToJson &&toJson, Cells &&cells)
{
    if (ctx.json) {
        QJsonArray array;
        for (const auto &row : rows)
            array.append(toJson(row));
        ctx.printJson(array);
        return 0;
    }
    QList<QStringList> table;
    for (const auto &row : rows)
        table << cells(row);
    ctx.printTable(headers, table);
    return 0;
}

// Delivers ctx.queued (and anything else due) and prints one summary line.
int deliverQueued(Context &ctx);

// A command's option: --NAME VALUE when `value` names the value, else a switch.
QCommandLineOption opt(const char *name, const char *help, const char *value = nullptr);
// --since TIME when given (invalid: an error naming the expected form); --state STATE likewise.
Result<QDateTime> sinceOption(const QCommandLineParser &parser);
Result<std::optional<DeliveryState>> stateOption(const QCommandLineParser &parser);

// Shared parsing with messages that list the valid values.
Result<ComponentStatus> parseStatusArg(const QString &value);
Result<IncidentStatus> parseIncidentStatusArg(const QString &value);
Result<Impact> parseImpactArg(const QString &value);
Result<std::vector<ComponentStatusChange>> parseComponentChanges(const QStringList &values);

} // namespace sd::cli
