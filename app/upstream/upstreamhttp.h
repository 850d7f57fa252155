#pragma once

#include "app/delivery/httptransport.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>
#include <functional>

namespace sd {
struct DeliverySettings;
}

namespace sd::upstream {

struct HttpAnswer
{
    int status = 0;                        // 0: no HTTP answer (see errorClass)
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    // empty on an answer; dns, refused, reset, tls, timeout, unreachable (a proxy), policy, protocol,
    // too_large
    QString errorClass;
    QString error; // one sentence

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

// GETs for the poller, the follow dialog and the import client, through the same outbound HTTP as webhooks:
// an HttpTransport (the target policy at send time, the `delivery.proxy` setting) and one HttpExchange per
// request (the name resolved and every address checked, the request sent to a checked address with the name
// as Host, SNI and certificate name, or through the proxy; redirects reported, never followed; a deadline
// over the whole request). The body is capped. Lives on one thread; the callback runs there, once.
class UpstreamHttp final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamHttp)

public:
    explicit UpstreamHttp(QObject *parent = nullptr);
    ~UpstreamHttp() override;

    // The target policy and the proxy setting, as webhooks have them. Requests already under way finish
    // as they started; the next ones go the new way.
    void setDeliverySettings(const DeliverySettings &settings);
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    using Done = std::function<void(const HttpAnswer &)>;
    void get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers, const Done &done);

private:
    void release(HttpTransport *transport);

    HttpTransport *m_transport = nullptr;  // child: the one new requests use
    QHash<HttpTransport *, int> m_pending; // requests under way per transport (an old one lives until 0)
    int m_timeoutMs = 20'000;
    int m_maxBody = 8 * 1024 * 1024;
};

} // namespace sd::upstream
