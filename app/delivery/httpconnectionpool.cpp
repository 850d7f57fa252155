#include "app/delivery/httpconnectionpool.h"

namespace sd {

HttpConnectionPool::HttpConnectionPool(QObject *parent, int idleMs)
    : QObject(parent)
    , m_idleMs(idleMs)
    , m_sweep(this)
{
    // A coarse sweep is enough: an idle connection lives between idleMs and 1.125 x idleMs.
    m_sweep.setInterval(std::max(idleMs / 8, 10));
    connect(&m_sweep, &QTimer::timeout, this, &HttpConnectionPool::sweep);
}

HttpConnectionPool::~HttpConnectionPool() = default; // connections are children

HttpConnection *HttpConnectionPool::acquire(const HttpOrigin &origin, const QList<QHostAddress> &addresses)
{
    auto it = m_idle.find(origin.key());
    while (it != m_idle.end() && !it->isEmpty()) {
        HttpConnection *c = it->takeLast();
        if (c->reusable()) {
            c->disconnect(this);
            if (it->isEmpty())
                m_idle.erase(it);
            return c;
        }
        c->disconnect(this);
        c->deleteLater();
    }
    if (it != m_idle.end() && it->isEmpty())
        m_idle.erase(it);
    ++m_opened;
    return new HttpConnection(origin, addresses, this);
}

void HttpConnectionPool::release(HttpConnection *connection, bool keep)
{
    if (!connection)
        return;
    connection->disconnect(this);
    if (!keep || !connection->reusable()) {
        connection->abort();
        connection->deleteLater();
        return;
    }
    m_idle[connection->origin().key()].append(connection);
    connect(connection, &HttpConnection::closedWhileIdle, this,
            [this, connection]() { dropIdle(connection); });
    if (!m_sweep.isActive())
        m_sweep.start();
}

int HttpConnectionPool::idleCount() const
{
    int n = 0;
    for (const auto &list : m_idle)
        n += static_cast<int>(list.size());
    return n;
}

void HttpConnectionPool::dropIdle(HttpConnection *connection)
{
    auto it = m_idle.find(connection->origin().key());
    if (it != m_idle.end()) {
        it->removeOne(connection);
        if (it->isEmpty())
            m_idle.erase(it);
    }
    connection->disconnect(this);
    connection->deleteLater(); // not from inside its own signal
}

void HttpConnectionPool::sweep()
{
    for (auto it = m_idle.begin(); it != m_idle.end();) {
        QList<HttpConnection *> &list = it.value();
        // Oldest first: the list is in release order.
        while (!list.isEmpty() && list.first()->idleMs() >= m_idleMs) {
            HttpConnection *c = list.takeFirst();
            c->disconnect(this);
            c->abort();
            c->deleteLater();
        }
        it = list.isEmpty() ? m_idle.erase(it) : std::next(it);
    }
    if (m_idle.isEmpty())
        m_sweep.stop();
}

} // namespace sd
