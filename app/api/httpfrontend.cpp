#include "app/api/httpfrontend.h"

#include "app/api/guardedtcpserver.h"
#include "app/formats/httpmethod.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>

namespace sd::api {

HttpFrontend::HttpFrontend(Handler handler, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler))
{}

HttpFrontend::~HttpFrontend() = default;

ApiRequest HttpFrontend::toApiRequest(const QHttpServerRequest &request)
{
    ApiRequest r;
    r.method = httpMethodName(request.method());
    r.path = request.url().path();
    r.query = request.query();
    r.body = request.body();
    const auto headers = request.headers();
    for (const auto &[name, value] : headers) {
        if (name.compare("authorization", Qt::CaseInsensitive) == 0)
            r.authorization = value;
    }
    return r;
}

bool HttpFrontend::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ApiRequest apiRequest = toApiRequest(request);
    apiRequest.client = GuardedTcpServer::clientOf(socket);
    const ApiResponse answer = m_handler(apiRequest);
    QHttpServerResponse response(answer.contentType, answer.body,
                                 static_cast<QHttpServerResponder::StatusCode>(answer.status));
    for (const auto &[name, value] : answer.headers)
        response.addHeader(name, value);
    response.write(makeResponder(request, socket));
    GuardedTcpServer::requestAnswered(socket); // the connection is idle once this answer is out
    return true;
}

void HttpFrontend::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // handleRequest answers everything; this only runs if that ever changes.
    QHttpServerResponse response(QByteArrayLiteral("application/json"),
                                 QByteArrayLiteral("{\"message\":\"not found\",\"error\":\"not found\"}"),
                                 QHttpServerResponder::StatusCode::NotFound);
    response.write(makeResponder(request, socket));
    GuardedTcpServer::requestAnswered(socket);
}

} // namespace sd::api
