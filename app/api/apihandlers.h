#pragma once

#include "app/api/apiroutes.h"
#include "app/services/servicecontext.h"

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
    static ApiResponse noContent(); // 204, as Statuspage answers some DELETEs
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

    ApiResponse pages();
    ApiResponse patchPage(const ApiRequest &request);
    ApiResponse listSubscribers(const ApiRequest &request);
    ApiResponse countSubscribers(const ApiRequest &request);
    ApiResponse listUnsubscribed(const ApiRequest &request);
    ApiResponse createSubscriber(const ApiRequest &request);
    ApiResponse getSubscriber(const QString &id);
    ApiResponse patchSubscriber(const QString &id, const ApiRequest &request);
    ApiResponse deleteSubscriber(const QString &id);
    ApiResponse unsubscribeSubscribers(const ApiRequest &request);
    ApiResponse reactivateSubscribers(const ApiRequest &request);
    ApiResponse listComponents(const ApiRequest &request);
    ApiResponse createComponent(const ApiRequest &request);
    ApiResponse getComponent(const QString &id);
    ApiResponse patchComponent(const QString &id, const ApiRequest &request);
    ApiResponse deleteComponent(const QString &id);
    ApiResponse listGroups(const ApiRequest &request);
    ApiResponse createGroup(const ApiRequest &request);
    ApiResponse getGroup(const QString &id);
    ApiResponse patchGroup(const QString &id, const ApiRequest &request);
    ApiResponse deleteGroup(const QString &id);
    ApiResponse listIncidents(const ApiRequest &request, Endpoint which);
    ApiResponse getIncident(const QString &id);
    ApiResponse createIncident(const ApiRequest &request);
    ApiResponse updateIncident(const QString &id, const ApiRequest &request);
    ApiResponse deleteIncident(const QString &id);
    ApiResponse patchIncidentUpdate(const QString &id, const QString &updateId, const ApiRequest &request);
    ApiResponse postmortem(const QString &id, Endpoint which, const ApiRequest &request);

    QJsonObject componentJson(const Component &c);
    QJsonObject groupJson(const ComponentGroup &g);
    QJsonObject incidentJson(const Incident &i);

    ServiceContext m_ctx;
};

} // namespace sd::api
