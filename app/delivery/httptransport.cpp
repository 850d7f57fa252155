#include "app/delivery/httptransport.h"

#include "models/targetpolicy.h"

#include <QHostInfo>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QPointer>
#include <QSslConfiguration>

namespace sd {
namespace {

QString noProxyList()
{
    // curl reads both spellings; Qt's own system proxy only the lower-case one.
    return qEnvironmentVariable("no_proxy") + QLatin1Char(',') + qEnvironmentVariable("NO_PROXY");
}

QString hostPort(const QString &host, int port)
{
    const QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return h + QLatin1Char(':') + QString::number(port);
}

int defaultPort(const QUrl &url)
{
    return url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
}

// The newest TLS session per HTTPS origin (host as written, port), for every transport of the process (the
// engine's, the follow dialog's, the subscribe form's checks live in different threads). A session is about
// 1.2 kB: a bound keeps a desk that once sent to very many origins from growing.
struct TlsSessions
{
    static constexpr qsizetype kMax = 1000;
    QMutex mutex;
    QHash<QString, QByteArray> byOrigin;
};

TlsSessions &tlsSessions()
{
    static TlsSessions sessions;
    return sessions;
}

QString originKey(const QUrl &url)
{
    return url.scheme() + QLatin1Char(' ') + hostPort(url.host(), defaultPort(url));
}

} // namespace

QNetworkRequest Route::request(int index) const
{
    QNetworkRequest r;
    QUrl target = url;
    if (kind == Kind::Direct && index < addresses.size()) {
        target.setHost(addresses.at(index).toString());
        if (targetpolicy::literalAddress(url.host()).isNull()) {
            // The ASCII (IDNA) form, as certificates and Host headers carry it.
            const QString name = url.host(QUrl::FullyEncoded);
            r.setPeerVerifyName(name);
            QByteArray host = name.toLatin1();
            if (url.port() != -1)
                host += ':' + QByteArray::number(url.port());
            r.setRawHeader("Host", host);
        }
    }
    if (kind == Kind::Proxied && url.scheme() == QLatin1String("http") && !proxy.user().isEmpty()) {
        // A plain-HTTP request goes to the proxy itself: its credentials go with it, up front. Qt would
        // otherwise send them only after a 407, by sending the request (and its body) a second time. (An
        // HTTPS request is tunnelled: Qt gives the credentials with CONNECT, never to the receiver.)
        r.setRawHeader("Proxy-Authorization",
                       "Basic " + (proxy.user() + QLatin1Char(':') + proxy.password()).toUtf8().toBase64());
    }
    r.setUrl(target);
    r.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    r.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // A receiver's Set-Cookie must not ride along on the next request (and the jar lookup costs time).
    r.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    r.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    r.setTransferTimeout(0);
    r.setDecompressedSafetyCheckThreshold(HttpTransport::kDecompressionThreshold);
    return r;
}

QString Route::peer(int index) const
{
    if (kind == Kind::Proxied)
        return QStringLiteral("proxy ") + hostPort(proxy.hostName(), proxy.port());
    if (index < addresses.size())
        return hostPort(addresses.at(index).toString(), defaultPort(url));
    return hostPort(url.host(), defaultPort(url));
}

HttpTransport::HttpTransport(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    for (int i = 0; i < std::max(1, m_settings.directManagers); ++i)
        m_direct.push_back(newManager());
    m_clock.start();
}

HttpTransport::~HttpTransport() = default;

void HttpTransport::setRouting(bool refusePrivateTargets, const ProxySetting &proxy)
{
    m_settings.refusePrivateTargets = refusePrivateTargets;
    m_settings.proxy = proxy;
    m_routes.clear(); // decided under the old setting
}

QNetworkAccessManager *HttpTransport::newManager()
{
    auto *nam = new QNetworkAccessManager(this);
    nam->setAutoDeleteReplies(false);
    nam->setStrictTransportSecurityEnabled(false);
    nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    nam->setTransferTimeout(0);
    // Said explicitly, so the manager never asks the application proxy (which skips loopback targets) and
    // skips the proxy lookup per request; a proxied route gets a manager of its own.
    nam->setProxy(QNetworkProxy::NoProxy);
    return nam;
}

QNetworkRequest HttpTransport::request(const Route &route, int index) const
{
    QNetworkRequest r = route.request(index);
    if (route.url.scheme() != QLatin1String("https"))
        return r;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    // Persistence on: Qt then keeps the session, with a TLS 1.3 ticket, in the reply's configuration.
    tls.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
    TlsSessions &sessions = tlsSessions();
    {
        const QMutexLocker lock(&sessions.mutex);
        tls.setSessionTicket(sessions.byOrigin.value(hostPort(route.url.host(), defaultPort(route.url))));
    }
    r.setSslConfiguration(tls);
    return r;
}

void HttpTransport::keepTlsSession(const Route &route, const QNetworkReply &reply)
{
    if (route.url.scheme() != QLatin1String("https"))
        return;
    const QByteArray session = reply.sslConfiguration().sessionTicket();
    if (session.isEmpty())
        return;
    const QString origin = hostPort(route.url.host(), defaultPort(route.url));
    TlsSessions &sessions = tlsSessions();
    const QMutexLocker lock(&sessions.mutex);
    if (sessions.byOrigin.size() >= TlsSessions::kMax && !sessions.byOrigin.contains(origin))
        sessions.byOrigin.erase(sessions.byOrigin.begin());
    sessions.byOrigin.insert(origin, session);
}

QNetworkProxy HttpTransport::proxyFor(const QUrl &url) const
{
    const ProxySetting &p = m_settings.proxy;
    if (p.kind == ProxySetting::Kind::None || noProxyMatches(url.host(), noProxyList()))
        return QNetworkProxy::NoProxy;
    if (p.kind == ProxySetting::Kind::Url)
        return QNetworkProxy(QNetworkProxy::HttpProxy, p.url.host(), static_cast<quint16>(p.url.port(1080)),
                             p.url.userName(QUrl::FullyDecoded), p.url.password(QUrl::FullyDecoded));
    // https_proxy, http_proxy (and all_proxy) on Linux, as Qt reads them.
    const QList<QNetworkProxy> proxies = QNetworkProxyFactory::systemProxyForQuery(QNetworkProxyQuery(url));
    return proxies.value(0, QNetworkProxy(QNetworkProxy::NoProxy));
}

void HttpTransport::route(const QUrl &url, QObject *context, std::function<void(const Route &)> done)
{
    if (const auto it = m_routes.constFind(originKey(url));
        it != m_routes.cend() && m_clock.elapsed() < it->until) {
        Route r = it->route;
        r.url = url.adjusted(QUrl::RemoveUserInfo);
        done(r);
        return;
    }
    const QString host = url.host();
    const QHostAddress written = targetpolicy::literalAddress(host);
    const QString why = m_settings.addressPolicy && !written.isNull()
                            ? m_settings.addressPolicy(written)
                            : targetpolicy::checkHost(host, m_settings.refusePrivateTargets);
    if (!why.isEmpty()) {
        Route r;
        r.kind = Route::Kind::Refused;
        r.url = url.adjusted(QUrl::RemoveUserInfo);
        r.reason = why;
        remember(r);
        done(r);
        return;
    }
    if (!written.isNull()) {
        const Route r = finish(url, {written}, {});
        remember(r);
        done(r);
        return;
    }
    // Every address the name resolves to is checked; a direct request connects to exactly these (Qt keeps
    // the answer a minute, so a fan-out to one name asks the resolver once).
    QPointer<HttpTransport> self(this);
    auto resolved = [self, url, done = std::move(done)](const QHostInfo &info) {
        if (!self)
            return;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            done(self->finish(url, {}, QStringLiteral("%1: %2").arg(url.host(), info.errorString())));
            return;
        }
        const Route r = self->finish(url, info.addresses(), {});
        self->remember(r);
        done(r);
    };
    if (m_settings.resolver)
        m_settings.resolver(host, context, std::move(resolved));
    else
        QHostInfo::lookupHost(host, context, std::move(resolved));
}

void HttpTransport::remember(const Route &route)
{
    m_routes.insert(originKey(route.url), {route, m_clock.elapsed() + kRouteCacheMs});
}

Route HttpTransport::finish(const QUrl &url, const QList<QHostAddress> &addresses,
                            const QString &lookupError) const
{
    Route r;
    r.url = url.adjusted(QUrl::RemoveUserInfo);
    r.proxy = proxyFor(url);
    const bool proxied = r.proxy.type() != QNetworkProxy::NoProxy;
    if (!lookupError.isEmpty()) {
        // Through a proxy the proxy resolves the name: a desk on a network that resolves only internal names
        // still delivers. The host as written was checked above.
        r.kind = proxied && !m_settings.addressPolicy ? Route::Kind::Proxied : Route::Kind::Unresolved;
        r.reason = lookupError;
        return r;
    }
    QString why;
    if (m_settings.addressPolicy) {
        for (const QHostAddress &a : addresses)
            why = why.isEmpty() ? m_settings.addressPolicy(a) : why;
    } else {
        why = targetpolicy::checkResolved(url.host(), addresses, m_settings.refusePrivateTargets);
    }
    if (!why.isEmpty()) {
        r.kind = Route::Kind::Refused;
        r.reason = why;
        return r;
    }
    if (proxied) {
        r.kind = Route::Kind::Proxied;
        return r;
    }
    r.kind = Route::Kind::Direct;
    for (const QHostAddress &a : addresses) {
        if (!r.addresses.contains(a))
            r.addresses << a;
    }
    return r;
}

QNetworkAccessManager *HttpTransport::manager(const Route &route)
{
    if (route.kind == Route::Kind::Proxied) {
        const QNetworkProxy &p = route.proxy;
        const QString key = QString::number(p.type()) + QLatin1Char(' ') + p.user() + QLatin1Char('@') +
                            hostPort(p.hostName(), p.port());
        QNetworkAccessManager *&nam = m_byProxy[key];
        if (!nam) {
            nam = newManager();
            nam->setProxy(p);
        }
        return nam;
    }
    QNetworkAccessManager *&nam = m_byOrigin[originKey(route.url)];
    if (!nam) // new origins go to the managers in turn
        nam = m_direct.at(static_cast<size_t>(m_byOrigin.size() - 1) % m_direct.size());
    return nam;
}

} // namespace sd
