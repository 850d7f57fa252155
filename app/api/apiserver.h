#pragma once

#include "app/api/guardedtcpserver.h"

#include <QHostAddress>
#include <QObject>
#include <memory>

namespace sd {
class Store;
}

namespace sd::api {

class ApiHandlers;
class HttpFrontend;
class PublicSite;

// The local HTTP API: Statuspage-compatible routes under /v1/pages/{page_id}/ and the public unsubscribe
// page. Answers in the thread that owns `store`; tells delivery about new webhooks through messagesQueued().
class ApiServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    explicit ApiServer(Store &store, QObject *parent = nullptr);
    ~ApiServer() override;

    void setLimits(const ConnectionLimits &limits) { m_limits = limits; } // before listen()
    // Binds to `address` (loopback unless allowRemote) and `port` (0: any free port).
    bool listen(const QHostAddress &address, quint16 port, bool allowRemote, QString *error);
    quint16 port() const;
    QString url() const; // http://127.0.0.1:8787/
    PublicSite &publicSite() { return *m_public; }
    int openConnections() const;

    static bool isLoopback(const QHostAddress &address) { return address.isLoopback(); }

Q_SIGNALS:
    // Webhooks were queued or released by a request: connect to DeliveryController::wake().
    void messagesQueued(int count);

private:
    std::unique_ptr<ApiHandlers> m_handlers;
    PublicSite *m_public; // child: the status page, its feeds and subscribe form, the public API v2
    ConnectionLimits m_limits;
    HttpFrontend *m_http = nullptr;    // child
    GuardedTcpServer *m_tcp = nullptr; // owned by m_http after bind()
};

} // namespace sd::api
