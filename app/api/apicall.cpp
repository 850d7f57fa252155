#include "app/api/apicall.h"

namespace sd::api {

ApiResponse serviceError(const QString &message)
{
    if (message.startsWith(QLatin1String("database error")) ||
        message.startsWith(QLatin1String("the disk is full")))
        return ApiResponse::error(500, message);
    return ApiResponse::error(422, message);
}

ApiResponse notFound(const QString &what, const QString &id)
{
    return ApiResponse::error(404, QStringLiteral("unknown %1 id \"%2\"").arg(what, id));
}

ApiResponse queued(ApiResponse response, int messages)
{
    response.queuedMessages = messages;
    return response;
}

bool containsText(const QString &haystack, const QString &needle)
{
    return haystack.contains(needle, Qt::CaseInsensitive);
}

} // namespace sd::api
