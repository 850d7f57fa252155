#pragma once

#include "apiroutes.h"
#include "servicecontext.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QUrlQuery>

namespace sd::api {

// One HTTP request as the handlers see it: no sockets, so tests and the fuzz target can build one.
struct ApiRequest
{
    QByteArray method; // "GET", "POST", ...
    QString path;      // decoded path, e.g. /v1/pages/abc/subscribers
    QUrlQuery query;
    QByteArray authorization; // the Authorization header, verbatim
    QByteArray body;
};

struct ApiResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers
    int queuedMessages = 0; // webhooks this request queued or released: the server wakes delivery

    static ApiResponse json(int status, const QJsonValue &value);
    static ApiResponse error(int status, const QString &message);
};

// Authenticates and answers API requests and the public unsubscribe page, through the same services the
// console uses. Runs in the thread that owns `store`.
class ApiHandlers final
{
public:
    explicit ApiHandlers(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}

    ApiResponse handle(const ApiRequest &request);

private:
    ApiResponse route(const ApiRequest &request, const RouteMatch &match);
    ApiResponse unsubscribe(const ApiRequest &request);

    ApiResponse listSubscribers(const ApiRequest &request);
    ApiResponse createSubscriber(const ApiRequest &request);
    ApiResponse getSubscriber(const QString &id);
    ApiResponse deleteSubscriber(const QString &id);
    ApiResponse reactivateSubscribers(const ApiRequest &request);
    ApiResponse listComponents();
    ApiResponse getComponent(const QString &id);
    ApiResponse patchComponent(const QString &id, const ApiRequest &request);
    ApiResponse listIncidents();
    ApiResponse getIncident(const QString &id);
    ApiResponse createIncident(const ApiRequest &request);
    ApiResponse updateIncident(const QString &id, const ApiRequest &request);

    QJsonObject componentJson(const Component &c);
    QJsonObject incidentJson(const Incident &i);

    ServiceContext m_ctx;
};

} // namespace sd::api
