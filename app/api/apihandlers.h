#pragma once

#include "app/api/apirequest.h"
#include "app/services/servicecontext.h"

namespace sd::api {

// Authenticates and answers API requests (the routes of apiroutetable.h) and the public unsubscribe page,
// through the same services the console uses. Runs in the thread that owns `store`.
class ApiHandlers final
{
public:
    explicit ApiHandlers(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}

    ApiResponse handle(const ApiRequest &request);

private:
    ApiResponse handleApi(const ApiRequest &request, const Page &page);

    ServiceContext m_ctx;
};

// The page an unsubscribe link opens (GET) and the confirmation it posts (POST), for the subscriber whose
// token the link carries. Acts as "unsubscribe-link".
ApiResponse unsubscribePage(ServiceContext &ctx, const ApiRequest &request);

} // namespace sd::api
