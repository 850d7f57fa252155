#include "app/api/apihandlers.h"

#include "app/api/apikeystore.h"
#include "app/api/apiroutetable.h"

#include <QJsonDocument>
#include <QUrl>

namespace sd::api {
namespace {

// "Authorization: OAuth <key>", as Statuspage's API documents; "Bearer <key>" as atlassian-python-api sends.
QString presentedKey(const QByteArray &header)
{
    const QByteArray trimmed = header.trimmed();
    const int space = static_cast<int>(trimmed.indexOf(' '));
    const QByteArray scheme = space <= 0 ? QByteArray() : trimmed.left(space).toLower();
    if (scheme != "oauth" && scheme != "bearer")
        return {};
    return QString::fromLatin1(trimmed.mid(space + 1).trimmed());
}

QString pagePath(const Page &page)
{
    const QString path = QUrl(page.url).path();
    return path.isEmpty() ? QStringLiteral("/") : path;
}

} // namespace

ApiResponse ApiResponse::json(int status, const QJsonValue &value)
{
    ApiResponse r;
    r.status = status;
    r.body = (value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject()))
                 .toJson(QJsonDocument::Compact);
    return r;
}

ApiResponse ApiResponse::error(int status, const QString &message)
{
    // Statuspage's ErrorEntity is {"message": ...}; "error" stays for StatusDesk's earlier clients.
    return json(status,
                QJsonObject{{QStringLiteral("message"), message}, {QStringLiteral("error"), message}});
}

ApiResponse ApiResponse::noContent()
{
    ApiResponse r;
    r.status = 204;
    return r;
}

ApiResponse ApiHandlers::handle(const ApiRequest &request)
{
    // Each request starts and ends on a fresh WAL snapshot; see Database::finishAll().
    struct FreshSnapshot
    {
        Database &db;
        explicit FreshSnapshot(Database &d)
            : db(d)
        {
            db.finishAll();
        }
        ~FreshSnapshot() { db.finishAll(); }
        FreshSnapshot(const FreshSnapshot &) = delete;
        FreshSnapshot &operator=(const FreshSnapshot &) = delete;
    } fresh(m_ctx.store.db());
    // Who this request's changes are recorded under: the API key's name once authenticated; the public
    // unsubscribe page acts for the subscriber who followed its link.
    m_ctx.actor = QStringLiteral("unsubscribe-link");
    try {
        const Page page = m_ctx.store.page.get();
        if (!isApiPath(request.path)) {
            if ((request.path == pagePath(page) || request.path == QLatin1String("/")) &&
                (request.method == "GET" || request.method == "POST"))
                return unsubscribePage(m_ctx, request);
            return ApiResponse::error(404, QStringLiteral("not found"));
        }
        return handleApi(request, page);
    } catch (const StoreError &e) {
        return ApiResponse::error(500, QStringLiteral("database error: %1").arg(e.message()));
    }
}

ApiResponse ApiHandlers::handleApi(const ApiRequest &request, const Page &page)
{
    // Authenticate before routing, so a caller without a key learns nothing about ids or routes.
    // Statuspage also takes the key as ?api_key=; it is not a query parameter of any endpoint.
    ApiRequest req = request;
    const QString queryKey = req.query.queryItemValue(QStringLiteral("api_key"), QUrl::FullyDecoded);
    req.query.removeAllQueryItems(QStringLiteral("api_key"));
    if (request.authorization.isEmpty() && queryKey.isEmpty())
        return ApiResponse::error(
            401, QStringLiteral(
                     "missing Authorization header; send \"Authorization: OAuth <key>\" or ?api_key=<key>"));
    const QString presented =
        request.authorization.isEmpty() ? queryKey : presentedKey(request.authorization);
    const auto key = ApiKeyStore(m_ctx.store.db()).verifiedKey(presented);
    if (!key)
        return ApiResponse::error(401, QStringLiteral("invalid or revoked API key"));
    m_ctx.actor = QStringLiteral("api-key:") + key->name;
    const RouteMatch match = matchRoute(request.method, request.path, page.id);
    switch (match.outcome) {
    case RouteMatch::Outcome::NotFound:
        return ApiResponse::error(
            404,
            QStringLiteral("no such route: %1 %2").arg(QString::fromLatin1(request.method), request.path));
    case RouteMatch::Outcome::WrongPage:
        return ApiResponse::error(404,
                                  QStringLiteral("unknown page id; this server serves page %1").arg(page.id));
    case RouteMatch::Outcome::MethodNotAllowed: {
        ApiResponse r = ApiResponse::error(
            405, QStringLiteral("method %1 is not allowed here; allowed: %2")
                     .arg(QString::fromLatin1(request.method), QString::fromLatin1(match.allowedMethods)));
        r.headers.append({QByteArrayLiteral("Allow"), match.allowedMethods});
        return r;
    }
    case RouteMatch::Outcome::Found:
        break;
    }
    ApiCall call{m_ctx, req, match.id, match.subId};
    return apiRoutes().at(match.row).handler(call);
}

} // namespace sd::api
