#include "app/delivery/webhookattempt.h"

#include "app/delivery/httpconnectionpool.h"
#include "app/delivery/webhooksigner.h"
#include "models/endpointurl.h"

#include <QHostInfo>
#include <QUrl>

namespace sd {
namespace {

// {"name":"value",...} from Latin-1 header bytes, written directly: this runs twice per attempt and
// QJsonObject's sorted map plus UTF-16 round trip was a measurable share of the engine thread.
void appendJsonString(QByteArray &out, const QByteArray &latin1)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : latin1) {
        const auto u = static_cast<unsigned char>(c);
        if (u == '"' || u == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else if (u >= 0x80) { // Latin-1 to UTF-8
            out += static_cast<char>(0xc0 | (u >> 6));
            out += static_cast<char>(0x80 | (u & 0x3f));
        } else {
            out += c;
        }
    }
    out += '"';
}

} // namespace

QByteArray headersToJson(const QList<QPair<QByteArray, QByteArray>> &headers, bool lowerCaseNames)
{
    QByteArray out;
    out.reserve(256);
    out += '{';
    QList<QByteArray> seen;
    for (const auto &[rawName, value] : headers) {
        const QByteArray name = lowerCaseNames ? rawName.toLower() : rawName;
        if (seen.contains(name))
            continue; // the reply already folds repeated headers into one
        seen << name;
        if (out.size() > 1)
            out += ',';
        appendJsonString(out, name);
        out += ':';
        appendJsonString(out, value);
    }
    out += '}';
    return out;
}

WebhookAttempt::WebhookAttempt(HttpConnectionPool *pool, Message message, Subscriber subscriber,
                               int attemptNumber, AttemptTrigger trigger, Options options, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_message(std::move(message))
    , m_subscriber(std::move(subscriber))
    , m_options(std::move(options))
{
    Attempt &a = m_result.attempt;
    a.messageId = m_message.id;
    a.subscriberId = m_subscriber.id;
    a.endpoint = endpointurl::redacted(m_subscriber.endpoint); // the record never holds the password
    a.attemptNumber = attemptNumber;
    a.trigger = trigger;
    // The claim carries who asked for a manual attempt; the engine's own attempts name nobody.
    if (trigger == AttemptTrigger::Manual)
        a.actor = m_message.nextActor;
}

WebhookAttempt::~WebhookAttempt()
{
    if (m_connection) { // cancelled or destroyed mid-exchange: the connection cannot be reused
        m_connection->disconnect(this);
        m_pool->release(m_connection, false);
    }
}

void WebhookAttempt::start(const QList<QHostAddress> &checked)
{
    m_result.attempt.startedAt = QDateTime::currentDateTimeUtc();
    m_clock.start();
    if (!checked.isEmpty()) {
        send(checked);
        return;
    }
    const QString host = QUrl(m_subscriber.endpoint).host();
    if (QHostAddress literal; literal.setAddress(host)) {
        send({literal});
        return;
    }
    // The attempt is the context: a cancelled attempt hears nothing.
    QHostInfo::lookupHost(host, this, [this, host](const QHostInfo &info) {
        if (m_done)
            return;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            finishWith(QStringLiteral("dns"), QStringLiteral("%1: %2").arg(host, info.errorString()));
            return;
        }
        send(info.addresses());
    });
}

void WebhookAttempt::send(const QList<QHostAddress> &addresses)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 timestamp = now.toSecsSinceEpoch();
    const QByteArray id = m_message.id.toUtf8();
    const QUrl url(m_subscriber.endpoint);

    HttpOrigin origin;
    origin.tls = url.scheme() == QLatin1String("https");
    origin.host = url.host(QUrl::FullyEncoded); // ASCII (IDNA) form: SNI, certificate check, Host header
    origin.port = static_cast<quint16>(url.port(origin.tls ? 443 : 80));

    QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    QByteArray hostHeader =
        origin.host.contains(QLatin1Char(':')) ? '[' + origin.host.toLatin1() + ']' : origin.host.toLatin1();
    if (url.port() != -1)
        hostHeader += ':' + QByteArray::number(origin.port);

    QByteArray request;
    request.reserve(512 + m_message.body.size());
    request += "POST " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n";
    QList<QPair<QByteArray, QByteArray>> sent;
    auto set = [&](const QByteArray &name, const QByteArray &value) {
        request += name + ": " + value + "\r\n";
        sent.append({name, value});
    };
    set("Content-Type", "application/json");
    set("User-Agent", m_options.userAgent);
    set("webhook-id", id);
    set("webhook-timestamp", QByteArray::number(timestamp));
    // Credentials in the URL are sent as HTTP Basic authentication; the record shows "Basic ***".
    if (!url.userInfo().isEmpty()) {
        const QByteArray credentials =
            (url.userName(QUrl::FullyDecoded) + QLatin1Char(':') + url.password(QUrl::FullyDecoded)).toUtf8();
        request += "Authorization: Basic " + credentials.toBase64() + "\r\n";
        sent.append({QByteArrayLiteral("Authorization"), QByteArrayLiteral("Basic ***")});
    }
    const QByteArray signature = signing::header(m_subscriber, id, timestamp, m_message.body, now);
    if (!signature.isEmpty())
        set("webhook-signature", signature);
    m_result.attempt.requestHeaders = headersToJson(sent, false);
    // Compressed answers are inflated (zlib, with a bomb limit) as Qt's client did.
    request +=
        "Accept-Encoding: gzip, deflate\r\nContent-Length: " + QByteArray::number(m_message.body.size()) +
        "\r\n\r\n";
    request += m_message.body;

    m_connection = m_pool->acquire(origin, addresses);
    connect(m_connection, &HttpConnection::finished, this, &WebhookAttempt::onResponse);
    m_connection->exchange(std::move(request), m_options.maxBody);
}

void WebhookAttempt::cancel()
{
    m_done = true;
    if (m_connection) {
        m_connection->disconnect(this);
        m_pool->release(m_connection, false);
        m_connection = nullptr;
    }
    deleteLater();
}

void WebhookAttempt::refuse(const QString &errorClass, const QString &reason)
{
    m_done = true;
    Attempt &a = m_result.attempt;
    a.startedAt = QDateTime::currentDateTimeUtc();
    a.endedAt = a.startedAt;
    a.durationMs = 0;
    a.httpStatus = 0;
    a.errorClass = errorClass;
    a.errorText = reason;
    QMetaObject::invokeMethod(
        this,
        [this]() {
            Q_EMIT finished(m_result);
            deleteLater();
        },
        Qt::QueuedConnection);
}

void WebhookAttempt::expire()
{
    if (m_done)
        return;
    // A late status line does not rescue an attempt that ran out of time.
    finishWith(QStringLiteral("timeout"),
               QStringLiteral("no complete response within %1 ms").arg(m_options.timeoutMs));
}

void WebhookAttempt::finishWith(const QString &errorClass, const QString &reason)
{
    HttpResponse response;
    response.errorClass = errorClass;
    response.errorText = reason;
    onResponse(response);
}

void WebhookAttempt::onResponse(const HttpResponse &response)
{
    if (m_done)
        return;
    m_done = true;
    if (m_connection) {
        m_connection->disconnect(this);
        // Back to the pool only after a complete answer that allows another request.
        m_pool->release(m_connection, response.errorClass.isEmpty() && response.keepAlive);
        m_connection = nullptr;
    }
    Attempt &a = m_result.attempt;
    a.endedAt = QDateTime::currentDateTimeUtc();
    a.durationMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    a.httpStatus = response.status;
    a.responseBody = response.body;
    m_result.bytesReceived = response.bytesReceived;
    a.responseHeaders = headersToJson(response.headers, true);
    for (const auto &[name, value] : response.headers) {
        if (name.compare("retry-after", Qt::CaseInsensitive) == 0)
            m_result.retryAfter = value;
    }
    if (!response.errorClass.isEmpty()) {
        a.errorClass = response.errorClass;
        a.errorText = response.errorText;
        a.httpStatus = 0;
    } else if (a.httpStatus >= 300) {
        a.errorClass = QStringLiteral("http_%1xx").arg(a.httpStatus / 100);
        a.errorText =
            QStringLiteral("HTTP %1 %2").arg(a.httpStatus).arg(QString::fromLatin1(response.reasonPhrase));
        if (a.httpStatus < 400)
            a.errorText += QStringLiteral(" (redirects are not followed)");
    }
    Q_EMIT finished(m_result);
    deleteLater();
}

} // namespace sd
