#include "app/upstream/upstreamhttp.h"

#include "app/delivery/httpexchange.h"
#include "models/deliverysettings.h"

namespace sd::upstream {

UpstreamHttp::UpstreamHttp(QObject *parent)
    : QObject(parent)
    , m_transport(new HttpTransport({}, this))
{}

UpstreamHttp::~UpstreamHttp() = default;

void UpstreamHttp::setDeliverySettings(const DeliverySettings &settings)
{
    const HttpTransport::Settings &now = m_transport->settings();
    if (now.refusePrivateTargets == settings.refusePrivateTargets && now.proxy == settings.proxy)
        return;
    HttpTransport::Settings next;
    next.refusePrivateTargets = settings.refusePrivateTargets;
    next.proxy = settings.proxy;
    HttpTransport *old = m_transport;
    m_transport = new HttpTransport(next, this);
    if (m_pending.value(old) == 0) {
        m_pending.remove(old);
        old->deleteLater();
    }
}

void UpstreamHttp::release(HttpTransport *transport)
{
    if (--m_pending[transport] > 0)
        return;
    m_pending.remove(transport);
    if (transport != m_transport)
        transport->deleteLater();
}

void UpstreamHttp::get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers, const Done &done)
{
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        HttpAnswer a;
        a.errorClass = QStringLiteral("policy");
        a.error = QStringLiteral("%1 is not an http or https URL").arg(url.toString());
        done(a);
        return;
    }
    HttpExchange::Request request;
    request.method = "GET";
    request.url = url;
    request.headers = {{"User-Agent", "StatusDesk/" STATUSDESK_VERSION " (following a status page)"},
                       {"Accept", "application/json"}};
    request.headers += headers;
    HttpExchange::Options options;
    options.deadlineMs = m_timeoutMs;
    options.maxBody = m_maxBody + 1; // one byte more tells "larger than" from "exactly"
    HttpTransport *transport = m_transport;
    ++m_pending[transport];
    auto *exchange = new HttpExchange(transport, std::move(request), options, this);
    const int maxBody = m_maxBody;
    // Through a proxy the exchange's reason names it (a proxy that refuses, or "through the proxy ...").
    connect(exchange, &HttpExchange::finished, this, [this, transport, done, maxBody](const HttpOutcome &o) {
        release(transport);
        HttpAnswer a;
        if (!o.errorClass.isEmpty()) {
            a.errorClass = o.errorClass;
            a.error = o.errorText;
        } else if (o.bytesReceived > maxBody) {
            a.errorClass = QStringLiteral("too_large");
            a.error = QStringLiteral("the answer is larger than %1 bytes").arg(maxBody);
        } else {
            a.status = o.status;
            for (const auto &[name, value] : o.headers)
                a.headers.insert(name.toLower(), value);
            a.body = o.body;
        }
        done(a);
    });
    exchange->start();
}

} // namespace sd::upstream
