#pragma once

#include "domain.h"
#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QStringList>
#include <QUrlQuery>
#include <optional>
#include <vector>

// Turns request bodies and query strings of the HTTP API into plain inputs, or one sentence saying what is
// wrong. Pure functions with no store and no sockets: the fuzz target calls them directly. Every error they
// return is a 400; checks that need the store (ids, endpoint rules) stay in the services.
namespace sd::api {

struct SubscriberInput
{
    QString endpoint;
    QString email;
    QStringList componentIds;
};

struct ListQuery
{
    std::optional<SubscriberState> state; // nullopt: every state (state=all)
    int page = 1;                         // 1-based, as Statuspage
    int perPage = 100;
};

struct ComponentInput
{
    std::optional<ComponentStatus> status;
    std::optional<QString> name;
    std::optional<QString> description;
};

// Fields shared by creating an incident and posting an update to it. `components` sets statuses;
// `componentIds` names affected components whose status stays as it is.
struct IncidentInput
{
    std::optional<QString> name;
    std::optional<IncidentStatus> status;
    std::optional<QString> body;
    std::optional<Impact> impactOverride;
    QStringList componentIds;
    std::vector<std::pair<QString, ComponentStatus>> components;
    bool deliverNotifications = true;
    bool backfilled = false;
    QDateTime scheduledFor;
    QDateTime scheduledUntil;
};

constexpr int kMaxPerPage = 100;

Result<SubscriberInput> parseSubscriber(const QByteArray &body);
Result<QStringList> parseReactivate(const QByteArray &body);
Result<ComponentInput> parseComponentPatch(const QByteArray &body);
Result<IncidentInput> parseIncidentCreate(const QByteArray &body);
Result<IncidentInput> parseIncidentUpdate(const QByteArray &body);
Result<ListQuery> parseSubscriberQuery(const QUrlQuery &query);
// The token of an unsubscribe confirmation: from the query string or a form-encoded body.
QString unsubscribeToken(const QUrlQuery &query, const QByteArray &formBody);

} // namespace sd::api
