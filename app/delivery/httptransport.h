#pragma once

#include "models/proxysetting.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QHostInfo>
#include <QList>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QObject>
#include <QUrl>
#include <functional>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace sd {

// Where one request goes, decided before anything is sent.
struct Route
{
    enum class Kind
    {
        Direct,     // to the checked addresses, one after the other
        Proxied,    // to the host name through `proxy`, which makes the connection
        Refused,    // the target policy refused it: `reason`
        Unresolved, // the name does not resolve: `reason`
    };
    Kind kind = Kind::Unresolved;
    QUrl url;                      // the endpoint without user name and password
    QList<QHostAddress> addresses; // Direct: checked by the target policy, in the order to try them
    QNetworkProxy proxy;           // Proxied
    QString reason;

    // The request for the `index`th address of a direct route: the URL names the checked address itself (no
    // second lookup, so DNS rebinding cannot slip past the check) while the host name is the TLS peer name
    // (SNI and certificate check) and the Host header. Through a proxy the URL keeps the name. Either way:
    // HTTP/1.1 only (HTTP/2 would put the address in :authority), redirects not followed, no cookies, no
    // cache, no transfer timeout (the caller's deadline covers the whole exchange).
    QNetworkRequest request(int index = 0) const;
    // How the request at `index` is shown in a reason: "127.0.0.1:8443", or "proxy 10.0.0.1:3128".
    QString peer(int index = 0) const;
};

// The outbound HTTP of this process: the target policy at send time, the proxy setting and the
// QNetworkAccessManagers that carry the requests. Shared by everything that sends HTTP to a URL an operator
// or a visitor gave: webhooks (WebhookAttempt), the subscribe form's test webhook, pages followed upstream.
// Use it through HttpExchange, or route() + manager() + Route::request() for a request of your own.
// Lives in one thread (its managers' replies finish there).
class HttpTransport final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpTransport)

public:
    struct Settings
    {
        bool refusePrivateTargets = false; // DeliverySettings::refusePrivateTargets
        ProxySetting proxy;                // DeliverySettings::proxy
        // Direct requests are spread over this many managers (each does its socket work in a thread of its
        // own); every origin stays with one of them so its kept-alive connections are reused.
        int directManagers = 1;
        // Replaces the operator's policy for every address, written or resolved (the subscribe form's
        // targetpolicy::checkPublicAddress): one sentence, or empty when allowed. A name that does not
        // resolve is then refused even through a proxy (the proxy might resolve internal names).
        std::function<QString(const QHostAddress &)> addressPolicy;
        // Looks a name up and calls `done` in `context`'s thread: QHostInfo::lookupHost when empty (tests
        // give names that resolve to loopback).
        std::function<void(const QString &host, QObject *context,
                           std::function<void(const QHostInfo &)> done)>
            resolver;
    };
    // Qt's default, stated so a decompression failure can name it: past this many inflated bytes an answer
    // that inflates more than 40 times over is a bomb, and reading stops.
    static constexpr qint64 kDecompressionThreshold = 10 * 1024 * 1024;

    explicit HttpTransport(Settings settings, QObject *parent = nullptr);
    ~HttpTransport() override;

    const Settings &settings() const { return m_settings; }
    // A changed delivery setting in a running process: the next route decided follows it (requests under way
    // keep theirs).
    void setRouting(bool refusePrivateTargets, const ProxySetting &proxy);

    // Decides where `url` goes: the host as written, then (for a name) every address it resolves to, is
    // checked against the target policy (one refused address refuses the target); then the proxy setting
    // picks direct or proxied. `done` runs on this thread, possibly before route() returns (an IP literal);
    // not at all once `context` is gone.
    void route(const QUrl &url, QObject *context, std::function<void(const Route &)> done);
    // The manager that carries requests for `route` (one per origin, or the proxy's).
    QNetworkAccessManager *manager(const Route &route);
    // Route::request(index), and for HTTPS the TLS session to resume: the newest one this process got from
    // the origin (kept by keepTlsSession, whichever transport got it). Qt 6.4 resumes sessions only within
    // one connection pool (one per origin and manager), from the QSslContext its connections share, which
    // never gets a TLS 1.3 session's ticket (it comes after the handshake); a new pool (Qt drops one that
    // sat idle ~2 minutes; a new manager starts empty) starts from the configuration of its first request,
    // so carrying the session there resumes the pool's first connection, TLS 1.2 and 1.3 alike.
    QNetworkRequest request(const Route &route, int index) const;
    // Keeps the TLS session `reply` ended with, for the origin's next pool (see request()).
    void keepTlsSession(const Route &route, const QNetworkReply &reply);

    // The proxy the setting picks for `url`, or NoProxy (exposed for the settings dialog and tests).
    QNetworkProxy proxyFor(const QUrl &url) const;

private:
    QNetworkAccessManager *newManager();
    Route finish(const QUrl &url, const QList<QHostAddress> &addresses, const QString &lookupError) const;
    void remember(const Route &route);

    Settings m_settings;
    // Routes decided within the last kRouteCacheMs, by origin: a fan-out asks the target policy, the proxy
    // setting (the system one is a round trip to libproxy's thread) and the resolver once per origin and
    // minute instead of once per request. A name that did not resolve is asked again each time.
    struct CachedRoute
    {
        Route route;
        qint64 until = 0; // m_clock time
    };
    static constexpr qint64 kRouteCacheMs = 60'000; // as long as Qt's own host cache keeps an answer
    QHash<QString, CachedRoute> m_routes;
    QElapsedTimer m_clock;
    std::vector<QNetworkAccessManager *> m_direct; // children
    QHash<QString, QNetworkAccessManager *> m_byOrigin;
    QHash<QString, QNetworkAccessManager *> m_byProxy; // children, one per proxy
};

} // namespace sd
