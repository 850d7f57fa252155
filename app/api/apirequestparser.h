#pragma once

#include "app/services/componentservice.h"
#include "models/domain.h"
#include "models/result.h"

#include <QByteArray>
#include <QDate>
#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <QUrlQuery>
#include <optional>
#include <vector>

// Turns request bodies and query strings of the HTTP API into plain inputs, or one sentence saying what is
// wrong. Pure functions with no store and no sockets: the fuzz target calls them directly. Every error they
// return is a 400; checks that need the store (ids, endpoint rules) stay in the services.
//
// Tolerant as Statuspage is: a body may be JSON or form-encoded (component[name]=x,
// incident[component_ids][]=a), every field Statuspage documents for a request is accepted (the ones
// StatusDesk has no use for are ignored), and an empty string in an optional enum, time or date reads as
// absent. Strict where it matters: a field nobody documents, a wrong type or a value out of range is refused,
// so nothing half-understood is written. The incident routes' bodies are read in incidentrequests.h.
namespace sd::api {

struct SubscriberInput
{
    QString endpoint;
    QString email;
    QStringList componentIds;
};

// PATCH /subscribers/{id}: Statuspage documents a top-level component_ids.
struct SubscriberPatchInput
{
    std::optional<QStringList> componentIds;
};

// POST /subscribers/unsubscribe and /subscribers/reactivate.
struct BulkSubscribers
{
    bool all = false;                     // "subscribers": "all"
    QStringList ids;                      // otherwise: the ids, trimmed, each once
    std::optional<SubscriberState> state; // unsubscribe's "state" filter with "all"; nullopt: every live one
};

struct ListQuery
{
    std::optional<SubscriberState> state; // nullopt: every state (state=all)
    bool unconfirmed = false; // state=unconfirmed: webhook subscribers never wait for confirmation
    int page = 0;             // zero-based, as Statuspage documents for subscribers
    int perPage = 100;        // "limit" (or per_page)
    QString q;                // search in email and endpoint
    bool newestFirst = false; // sort_direction=desc
    // sort_field as Statuspage documents it: primary (the identifying field: a webhook's endpoint),
    // created_at, quarantined_at, relevance (how well the endpoint or email matches q; q required).
    enum class Sort
    {
        Primary,
        CreatedAt,
        QuarantinedAt,
        Relevance
    };
    Sort sort = Sort::Primary;
};

// page/per_page (1-based) for components, groups and the incident lists; incidents also take q and limit.
struct Paging
{
    int page = 1;
    int perPage = 100;
    QString q;
    int offset() const { return (page - 1) * perPage; }
};

struct PageInput
{
    std::optional<QString> name;
    std::optional<QString> url;
    std::optional<QString> timeZone;
    std::optional<bool> allowWebhookSubscribers; // the page's webhook-subscription switch
};

struct GroupInput
{
    std::optional<QString> name;
    std::optional<QStringList> components;
    std::optional<QString> description;
};

constexpr int kMaxPerPage = 100;

// The body as one JSON object: parsed JSON, or a form-encoded body turned into nested objects whose leaves
// are strings (`form` set, so booleans and numbers are read from their text).
struct RequestBody
{
    QJsonObject top;
    bool form = false;
};
Result<RequestBody> readBody(const QByteArray &body);

Result<SubscriberInput> parseSubscriber(const QByteArray &body);
Result<SubscriberPatchInput> parseSubscriberPatch(const QByteArray &body);
Result<QStringList> parseReactivate(const QByteArray &body); // ids only (kept for the fuzz target)
Result<BulkSubscribers> parseBulkSubscribers(const QByteArray &body, bool unsubscribe);
Result<PageInput> parsePagePatch(const QByteArray &body);
// A component body reads straight into the service's patch (a creation reads the same fields).
Result<ComponentPatch> parseComponentCreate(const QByteArray &body);
Result<ComponentPatch> parseComponentPatch(const QByteArray &body);
Result<GroupInput> parseGroup(const QByteArray &body, bool create);
Result<ListQuery> parseSubscriberQuery(const QUrlQuery &query);
// `withSearch`: the incidents listing, which also takes q and limit (an alias of per_page).
Result<Paging> parsePaging(const QUrlQuery &query, bool withSearch = false);
// ?start=&end= of the uptime routes ("YYYY", "YYYY-MM" or "YYYY-MM-DD"; the range is checked by
// UptimeReporter).
struct UptimeQuery
{
    QString start;
    QString end;
};
Result<UptimeQuery> parseUptimeQuery(const QUrlQuery &query);
// The token of an unsubscribe confirmation: from the query string or a form-encoded body.
QString unsubscribeToken(const QUrlQuery &query, const QByteArray &formBody);

} // namespace sd::api
