#pragma once

#include "app/api/apirequest.h"
#include "app/api/apirequestparser.h"
#include "app/services/servicecontext.h"

#include <QJsonArray>
#include <optional>
#include <vector>

// The one shape of the API's handlers. A route is a row {method, documented path, handler} in its resource's
// list (pageroutes.cpp, subscriberroutes.cpp, componentroutes.cpp, incidentroutes.cpp, postmortemroutes.cpp,
// gathered by apiroutetable.cpp); its handler is a few lines built from the steps below, which hold the
// order every route answers in: 404 for an unknown id, 400 for a body or query that does not parse, 422
// when the service refuses (500 when the database failed underneath), then the JSON.
namespace sd::api {

// What a handler is given: the request (its api_key already taken out), the ids its path captured and the
// context of the services it calls (the actor is the API key's name).
struct ApiCall
{
    ServiceContext &ctx;
    const ApiRequest &request;
    QString id;    // the path's {id}
    QString subId; // its {update_id}

    Store &store() const { return ctx.store; }
};

using Handler = ApiResponse (*)(ApiCall &call);

struct Route
{
    const char *method;
    const char *path; // as documented, e.g. /v1/pages/{page_id}/components/{id}
    Handler handler;
    bool extra = false; // accepted beyond Statuspage's documented methods (a client sends it)
};

// 422 for the caller's mistakes, 500 when the database failed underneath.
ApiResponse serviceError(const QString &message);
ApiResponse notFound(const QString &what, const QString &id);
// A JSON answer that tells the server how many webhooks to wake delivery for.
ApiResponse queued(ApiResponse response, int messages);

// The write: the request's input parsed (400 when it does not), then `call` with it on a fresh snapshot
// (the reads that checked the request must not pin an old one) and `answer` with what the service returned.
// `call` returns the service's Result; an Error from it is the service's refusal (422) or failure (500).
template<typename Input, typename Call, typename Answer>
ApiResponse write(ApiCall &c, const Result<Input> &input, Call &&call, Answer &&answer)
{
    if (!input)
        return ApiResponse::error(400, input.error());
    c.store().db().finishAll();
    const auto done = call(input.value());
    if (!done)
        return serviceError(done.error());
    return answer(done.value());
}

// A write without a body (DELETE and the like).
template<typename Call, typename Answer> ApiResponse write(ApiCall &c, Call &&call, Answer &&answer)
{
    return write(
        c, Result<Ok>(Ok{}), [&](Ok) { return call(); }, std::forward<Answer>(answer));
}

// One item: 404 unless it is there, else 200 with its JSON.
template<typename T, typename ToJson>
ApiResponse found(const std::optional<T> &item, const QString &what, const QString &id, ToJson &&toJson)
{
    if (!item)
        return notFound(what, id);
    return ApiResponse::json(200, toJson(*item));
}

// One page of a list already in its stable order (every listing orders by a unique key last).
template<typename T, typename ToJson>
QJsonArray slice(const std::vector<T> &all, qint64 offset, int limit, ToJson &&toJson)
{
    QJsonArray out;
    for (qint64 i = offset; i >= 0 && i < static_cast<qint64>(all.size()) && out.size() < limit; ++i)
        out.append(toJson(all.at(static_cast<size_t>(i))));
    return out;
}

// A listing paged by page/per_page: 400 when the paging does not parse.
template<typename T, typename ToJson>
ApiResponse listed(const Result<Paging> &paging, const std::vector<T> &all, ToJson &&toJson)
{
    if (!paging)
        return ApiResponse::error(400, paging.error());
    return ApiResponse::json(200, slice(all, paging->offset(), paging->perPage, toJson));
}

bool containsText(const QString &haystack, const QString &needle); // case-insensitive

} // namespace sd::api
