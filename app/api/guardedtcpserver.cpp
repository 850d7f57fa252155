#include "app/api/guardedtcpserver.h"

#include "app/api/connectionguard.h"

#include <QTcpSocket>

namespace sd::api {

GuardedTcpServer::GuardedTcpServer(ConnectionLimits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(std::move(limits))
{
    // A burst of connects (a reconnecting attacker, or hundreds of visitors at once) waits in the kernel's
    // queue instead of being dropped and retried a second later.
    setListenBacklogSize(1024);
}

GuardedTcpServer::~GuardedTcpServer()
{
    // The guards outlive this destructor's body (they go with the sockets, our children).
    for (ConnectionGuard *guard : m_all.silent)
        guard->m_server = nullptr;
    for (ConnectionGuard *guard : m_all.waiting)
        guard->m_server = nullptr;
    for (ConnectionGuard *guard : findChildren<ConnectionGuard *>())
        guard->m_server = nullptr;
}

int GuardedTcpServer::openConnections(const QByteArray &client) const
{
    return m_clients.value(client).count;
}

void GuardedTcpServer::requestAnswered(QTcpSocket *socket)
{
    if (auto *guard = socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly))
        guard->answered();
}

QByteArray GuardedTcpServer::clientOf(QTcpSocket *socket)
{
    const auto *guard = socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly);
    return guard ? guard->requestClient() : QByteArray();
}

QByteArray GuardedTcpServer::clientKey(const QHostAddress &peer)
{
    bool v4 = false;
    const quint32 ipv4 = peer.toIPv4Address(&v4); // also unwraps ::ffff:a.b.c.d
    if (v4)
        return QHostAddress(ipv4).toString().toLatin1();
    if (peer.protocol() == QAbstractSocket::IPv6Protocol) {
        const Q_IPV6ADDR a = peer.toIPv6Address();
        return QByteArray(reinterpret_cast<const char *>(a.c), 8).toHex() + "::/64";
    }
    return peer.toString().toLatin1();
}

bool GuardedTcpServer::isTrustedProxy(const QHostAddress &peer) const
{
    bool v4 = false;
    const quint32 ipv4 = peer.toIPv4Address(&v4);
    const QHostAddress plain = v4 ? QHostAddress(ipv4) : peer;
    return m_limits.trustedProxies.contains(plain);
}

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    // Behind a trusted proxy the client is known only from the request's X-Forwarded-For: until then the
    // connection counts only against the global cap (the proxy's connections are every client's).
    const bool viaProxy = isTrustedProxy(peer);
    QByteArray client = viaProxy ? QByteArrayLiteral("proxy ") + clientKey(peer) : clientKey(peer);
    QString refusal;
    if (!makeRoom(viaProxy ? QByteArray() : client, &refusal)) {
        ConnectionGuard::rejectSocket(socket, 503, QByteArrayLiteral("Service Unavailable"), refusal);
        return;
    }
    // Connects to readyRead before QtHttpServer does (it connects when it takes the pending connection).
    admit(new ConnectionGuard(socket, std::move(client), viaProxy, m_limits, this));
    addPendingConnection(socket);
}

ConnectionGuard *GuardedTcpServer::evictable(Lists &lists) const
{
    if (!lists.silent.empty())
        return lists.silent.front();
    if (!lists.waiting.empty()) {
        ConnectionGuard *oldest = lists.waiting.front();
        if (ConnectionGuard::now() - oldest->waitingSince() >= m_limits.evictWaitingAfterMs)
            return oldest;
    }
    return nullptr;
}

bool GuardedTcpServer::makeRoom(const QByteArray &client, QString *refusal)
{
    if (!client.isEmpty() && m_limits.maxConnectionsPerClient > 0) {
        const auto it = m_clients.find(client);
        if (it != m_clients.end() && it->count >= m_limits.maxConnectionsPerClient) {
            ConnectionGuard *own = evictable(it->lists);
            if (!own) {
                *refusal = QStringLiteral("too many connections from one address: at most %1 per client, and "
                                          "each of yours is waiting for its answer; try again shortly")
                               .arg(m_limits.maxConnectionsPerClient);
                return false;
            }
            own->evict();
        }
    }
    if (m_open < m_limits.maxConnections)
        return true;
    if (ConnectionGuard *oldest = evictable(m_all)) {
        oldest->evict();
        return true;
    }
    *refusal = QStringLiteral("the server is busy: all %1 connections are in use; try again shortly")
                   .arg(m_limits.maxConnections);
    return false;
}

void GuardedTcpServer::admit(ConnectionGuard *guard)
{
    ++m_open;
    ++m_clients[guard->m_client].count;
    move(guard, Queue::Silent);
}

void GuardedTcpServer::move(ConnectionGuard *guard, Queue to)
{
    if (guard->m_queue == to)
        return;
    Lists &own = m_clients[guard->m_client].lists;
    if (guard->m_queue != Queue::None) {
        m_all.of(guard->m_queue).erase(guard->m_allIt);
        own.of(guard->m_queue).erase(guard->m_clientIt);
    }
    guard->m_queue = to;
    if (to != Queue::None) {
        guard->m_allIt = m_all.of(to).insert(m_all.of(to).end(), guard);
        guard->m_clientIt = own.of(to).insert(own.of(to).end(), guard);
    }
}

void GuardedTcpServer::rekey(ConnectionGuard *guard, const QByteArray &client)
{
    if (guard->m_client == client)
        return;
    const Queue queue = guard->m_queue;
    move(guard, Queue::None);
    auto old = m_clients.find(guard->m_client);
    if (old != m_clients.end() && --old->count <= 0)
        m_clients.erase(old);
    guard->m_client = client;
    ++m_clients[client].count;
    move(guard, queue);
    // The forwarded client may now be over its cap: its own oldest silent or arriving one goes (this one has
    // a complete request and is not in either list).
    const auto it = m_clients.find(client);
    if (m_limits.maxConnectionsPerClient > 0 && it->count > m_limits.maxConnectionsPerClient) {
        if (ConnectionGuard *own = evictable(it->lists); own && own != guard)
            own->evict();
    }
}

void GuardedTcpServer::release(ConnectionGuard *guard)
{
    move(guard, Queue::None);
    --m_open;
    auto it = m_clients.find(guard->m_client);
    if (it != m_clients.end() && --it->count <= 0)
        m_clients.erase(it);
}

} // namespace sd::api
