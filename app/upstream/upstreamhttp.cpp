#include "app/upstream/upstreamhttp.h"

#include "models/targetpolicy.h"

#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <memory>

namespace sd::upstream {
namespace {

QString classify(QNetworkReply::NetworkError e)
{
    switch (e) {
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("dns");
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("refused");
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("reset");
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return QStringLiteral("timeout");
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("tls");
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::UnknownNetworkError:
        return QStringLiteral("unreachable");
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
    case QNetworkReply::UnknownProxyError:
        return QStringLiteral("proxy");
    default:
        return QStringLiteral("protocol");
    }
}

QString hostHeader(const QUrl &url)
{
    QString host = url.host(QUrl::FullyEncoded);
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    const int defaultPort = url.scheme() == QLatin1String("https") ? 443 : 80;
    if (url.port(defaultPort) != defaultPort)
        host += QLatin1Char(':') + QString::number(url.port());
    return host;
}

} // namespace

UpstreamHttp::UpstreamHttp(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_nam->setCookieJar(nullptr);
}

UpstreamHttp::~UpstreamHttp() = default;

void UpstreamHttp::get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers, const Done &done)
{
    const QString host = url.host();
    const QString scheme = url.scheme();
    if (!url.isValid() || host.isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        done({0,
              {},
              {},
              QStringLiteral("policy"),
              QStringLiteral("%1 is not an http or https URL").arg(url.toString())});
        return;
    }
    if (const QString why = targetpolicy::checkHost(host, m_refusePrivate); !why.isEmpty()) {
        done({0, {}, {}, QStringLiteral("policy"), why});
        return;
    }
    const QHostAddress literal = targetpolicy::literalAddress(host);
    if (!literal.isNull()) {
        send(url, literal, headers, done);
        return;
    }
    const bool refusePrivate = m_refusePrivate;
    QPointer<UpstreamHttp> self(this);
    QHostInfo::lookupHost(host, this, [self, url, host, headers, done, refusePrivate](const QHostInfo &info) {
        if (!self)
            return;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            done({0,
                  {},
                  {},
                  QStringLiteral("dns"),
                  QStringLiteral("cannot resolve %1: %2").arg(host, info.errorString())});
            return;
        }
        if (const QString why = targetpolicy::checkResolved(host, info.addresses(), refusePrivate);
            !why.isEmpty()) {
            done({0, {}, {}, QStringLiteral("policy"), why});
            return;
        }
        self->send(url, info.addresses().constFirst(), headers, done);
    });
}

void UpstreamHttp::send(const QUrl &url, const QHostAddress &address,
                        const QList<QPair<QByteArray, QByteArray>> &headers, const Done &done)
{
    // The request goes to the checked address; the name stays in Host, SNI and the certificate check.
    QUrl target = url;
    QHostAddress plain = address;
    plain.setScopeId(QString());
    target.setHost(plain.toString());
    QNetworkRequest request(target);
    request.setRawHeader("Host", hostHeader(url).toUtf8());
    request.setPeerVerifyName(url.host());
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false); // :authority would carry the address
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("StatusDesk/" STATUSDESK_VERSION " (following a status page)"));
    request.setRawHeader("Accept", "application/json");
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_nam->get(request);
    auto timer = new QTimer(reply);
    timer->setSingleShot(true);
    auto state = std::make_shared<QString>(); // why we aborted, when we did
    const qint64 maxBody = m_maxBody;
    connect(timer, &QTimer::timeout, reply, [reply, state, this] {
        *state = QStringLiteral("timeout: no complete answer within %1 ms").arg(m_timeoutMs);
        reply->abort();
    });
    timer->start(m_timeoutMs);
    connect(reply, &QNetworkReply::downloadProgress, reply,
            [reply, state, maxBody](qint64 received, qint64 total) {
                if (state->isEmpty() && (received > maxBody || total > maxBody)) {
                    *state = QStringLiteral("too_large: the answer is larger than %1 bytes").arg(maxBody);
                    reply->abort();
                }
            });
    connect(reply, &QNetworkReply::finished, this, [reply, state, done, url] {
        reply->deleteLater();
        HttpAnswer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            a.headers.insert(name.toLower(), value);
        if (!state->isEmpty()) {
            const qsizetype colon = state->indexOf(QLatin1Char(':'));
            a.status = 0;
            a.errorClass = state->left(colon);
            a.error = state->mid(colon + 2);
        } else if (reply->error() != QNetworkReply::NoError && a.status == 0) {
            a.errorClass = classify(reply->error());
            // Qt's text names the checked address it connected to; the caller names the URL.
            a.error = reply->errorString().replace(reply->url().toString(), url.toString());
        } else {
            a.body = reply->readAll();
        }
        done(a);
    });
}

} // namespace sd::upstream
