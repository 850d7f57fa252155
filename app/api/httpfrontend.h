#pragma once

#include "app/api/apihandlers.h"

#include <QAbstractHttpServer>
#include <functional>

namespace sd::api {

// QtHttpServer plumbing only: turns each parsed request into an ApiRequest, hands it to `handler` and
// writes the answer. All routing is ours (ApiHandlers), so 404 and 405 answers are consistent JSON.
class HttpFrontend final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpFrontend)

public:
    using Handler = std::function<ApiResponse(const ApiRequest &)>;
    explicit HttpFrontend(Handler handler, QObject *parent = nullptr);
    ~HttpFrontend() override;

    static ApiRequest toApiRequest(const QHttpServerRequest &request);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
};

} // namespace sd::api
