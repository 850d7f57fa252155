#pragma once

#include "app/delivery/httpconnection.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace sd {

// Keep-alive connections per origin (scheme, host, port). An idle connection is handed out again (the most
// recently used first); one the receiver closes, or that has been idle for `idleMs`, is closed and dropped.
// How many run at once per origin is the HostScheduler's business, not the pool's.
class HttpConnectionPool final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnectionPool)

public:
    // 4 s idle: below the 5 s keep-alive timeout of Node.js servers (a common receiver), so the pool
    // usually closes first rather than racing the receiver's close with a request (a recorded reset).
    explicit HttpConnectionPool(QObject *parent = nullptr, int idleMs = 4'000);
    ~HttpConnectionPool() override;

    // An idle connection to `origin`, or a new one that will connect to `addresses` (already checked by the
    // target policy) when it is given its exchange. The pool owns it; hand it back with release().
    HttpConnection *acquire(const HttpOrigin &origin, const QList<QHostAddress> &addresses);
    // `keep`: the answer allows another request and the exchange ended cleanly.
    void release(HttpConnection *connection, bool keep);

    int idleCount() const;
    int opened() const { return m_opened; } // connections created since the pool started

private:
    void sweep();
    void dropIdle(HttpConnection *connection);

    int m_idleMs;
    QHash<QString, QList<HttpConnection *>> m_idle; // origin key -> idle connections, most recent last
    QTimer m_sweep;
    int m_opened = 0;
};

} // namespace sd
