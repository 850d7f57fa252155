#include "app/api/apiserver.h"

#include "app/api/apihandlers.h"
#include "app/api/httpfrontend.h"
#include "app/api/publicsite.h"

namespace sd::api {

ApiServer::ApiServer(Store &store, QObject *parent)
    : QObject(parent)
    , m_handlers(std::make_unique<ApiHandlers>(ServiceContext{store}))
    , m_public(new PublicSite(store, this))
{}

ApiServer::~ApiServer()
{
    // The frontend's sockets may still call into the handlers while QObject tears children down.
    delete m_http;
}

bool ApiServer::listen(const QHostAddress &address, quint16 port, bool allowRemote, QString *error)
{
    if (m_http) {
        *error = QStringLiteral("the API server is already listening");
        return false;
    }
    if (!address.isLoopback() && !allowRemote) {
        *error =
            QStringLiteral("refusing to listen on %1: it is not a loopback address; pass --allow-remote to "
                           "expose the API to the network")
                .arg(address.toString());
        return false;
    }
    auto tcp = std::make_unique<GuardedTcpServer>(m_limits);
    if (!tcp->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(tcp->errorString());
        return false;
    }
    m_http = new HttpFrontend(
        [this](const ApiRequest &request) {
            if (auto answer = m_public->handle(request))
                return *answer;
            ApiResponse response = m_handlers->handle(request);
            if (response.queuedMessages > 0)
                Q_EMIT messagesQueued(response.queuedMessages);
            return response;
        },
        this);
    m_tcp = tcp.release();
    m_http->bind(m_tcp); // takes ownership
    return true;
}

quint16 ApiServer::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QString ApiServer::url() const
{
    if (!m_tcp)
        return {};
    const QHostAddress a = m_tcp->serverAddress();
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + a.toString() + QLatin1Char(']')
                             : a.toString();
    return QStringLiteral("http://%1:%2/").arg(host).arg(port());
}

int ApiServer::openConnections() const
{
    return m_tcp ? m_tcp->openConnections() : 0;
}

} // namespace sd::api
