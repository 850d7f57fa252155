#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;

namespace sd::upstream {

struct HttpAnswer
{
    int status = 0;                        // 0: no HTTP answer (see errorClass)
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QString errorClass; // empty on an answer; dns, refused, reset, tls, timeout, policy, protocol, too_large
    QString error;      // one sentence

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

// GETs over QNetworkAccessManager for the poller and the import client, with the webhook target policy:
// the host is resolved, every address checked, and the request sent to a checked address (the name stays
// the Host header, SNI and certificate name), so DNS rebinding cannot point a followed page at a metadata
// service. Redirects are reported, never followed; the body is capped; a deadline covers the whole request.
// Lives on one thread; the callback runs there, once.
class UpstreamHttp final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamHttp)

public:
    explicit UpstreamHttp(QObject *parent = nullptr);
    ~UpstreamHttp() override;

    void setRefusePrivateTargets(bool refuse) { m_refusePrivate = refuse; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    void setMaxBodyBytes(qint64 bytes) { m_maxBody = bytes; }

    using Done = std::function<void(const HttpAnswer &)>;
    void get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers, const Done &done);

private:
    void send(const QUrl &url, const QHostAddress &address,
              const QList<QPair<QByteArray, QByteArray>> &headers, const Done &done);

    QNetworkAccessManager *m_nam = nullptr; // child
    bool m_refusePrivate = false;
    int m_timeoutMs = 20'000;
    qint64 m_maxBody = 8 * 1024 * 1024;
};

} // namespace sd::upstream
