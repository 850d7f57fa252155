#include "app/delivery/webhookattempt.h"

#include "app/delivery/webhooksigner.h"
#include "models/endpointurl.h"

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

WebhookAttempt::WebhookAttempt(HttpTransport *transport, Message message, Subscriber subscriber,
                               int attemptNumber, AttemptTrigger trigger, Options options, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
    , m_message(std::move(message))
    , m_options(std::move(options))
{
    m_result.subscriber = std::move(subscriber);
    Attempt &a = m_result.attempt;
    a.messageId = m_message.id;
    a.subscriberId = m_result.subscriber.id;
    a.endpoint = endpointurl::redacted(m_result.subscriber.endpoint); // the record never holds the password
    a.attemptNumber = attemptNumber;
    a.trigger = trigger;
    // The claim carries who asked for a manual attempt; the engine's own attempts name nobody.
    if (trigger == AttemptTrigger::Manual)
        a.actor = m_message.nextActor;
}

WebhookAttempt::~WebhookAttempt() = default;

void WebhookAttempt::start()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 timestamp = now.toSecsSinceEpoch();
    const QByteArray id = m_message.id.toUtf8();
    HttpExchange::Request request;
    request.url = QUrl(m_result.subscriber.endpoint);
    QList<QPair<QByteArray, QByteArray>> shown;
    auto set = [&](const QByteArray &name, const QByteArray &value) {
        request.headers.append({name, value});
        shown.append({name, value});
    };
    set("Content-Type", "application/json");
    set("User-Agent", m_options.userAgent);
    set("webhook-id", id);
    set("webhook-timestamp", QByteArray::number(timestamp));
    // Credentials in the URL are sent as HTTP Basic authentication with this one request, not left to Qt
    // (which offers them only after a 401 challenge, by sending the request again); the record shows
    // "Basic ***".
    if (!request.url.userInfo().isEmpty()) {
        const QByteArray credentials = (request.url.userName(QUrl::FullyDecoded) + QLatin1Char(':') +
                                        request.url.password(QUrl::FullyDecoded))
                                           .toUtf8();
        request.headers.append({"Authorization", "Basic " + credentials.toBase64()});
        shown.append({QByteArrayLiteral("Authorization"), QByteArrayLiteral("Basic ***")});
        request.url.setUserInfo(QString());
    }
    const QByteArray signature = signing::header(m_result.subscriber, id, timestamp, m_message.body, now);
    if (!signature.isEmpty())
        set("webhook-signature", signature);
    m_result.attempt.requestHeaders = headersToJson(shown, false);
    request.body = m_message.body;

    HttpExchange::Options options;
    options.deadlineMs = m_options.timeoutMs;
    options.maxBody = m_options.maxBody;
    options.deadlines = m_options.deadlines;
    m_exchange = new HttpExchange(m_transport, std::move(request), options, this);
    connect(m_exchange, &HttpExchange::finished, this, &WebhookAttempt::onFinished);
    m_exchange->start();
}

void WebhookAttempt::cancel()
{
    if (m_exchange)
        m_exchange->abort();
    deleteLater();
}

void WebhookAttempt::onFinished(const HttpOutcome &o)
{
    Attempt &a = m_result.attempt;
    a.startedAt = o.startedAt;
    a.endedAt = o.endedAt;
    a.durationMs = o.durationMs;
    a.httpStatus = o.status;
    a.responseBody = o.body;
    a.responseHeaders = headersToJson(o.headers, true);
    m_result.bytesReceived = o.bytesReceived;
    for (const auto &[name, value] : o.headers) {
        if (name.compare("retry-after", Qt::CaseInsensitive) == 0)
            m_result.retryAfter = value;
    }
    if (!o.errorClass.isEmpty()) {
        a.errorClass = o.errorClass;
        a.errorText = o.note.isEmpty() ? o.errorText : o.errorText + QStringLiteral(" (") + o.note + u')';
        a.httpStatus = 0;
    } else if (a.httpStatus < 200) {
        a.errorClass = QStringLiteral("protocol");
        a.errorText = QStringLiteral("no final HTTP status in the answer (%1)").arg(a.httpStatus);
    } else if (a.httpStatus >= 300) {
        a.errorClass = QStringLiteral("http_%1xx").arg(a.httpStatus / 100);
        a.errorText =
            QStringLiteral("HTTP %1 %2").arg(a.httpStatus).arg(QString::fromLatin1(o.reasonPhrase)).trimmed();
        if (a.httpStatus < 400)
            a.errorText += QStringLiteral(" (redirects are not followed)");
        if (!o.note.isEmpty())
            a.errorText += QStringLiteral(" (") + o.note + u')';
    } else {
        a.errorText = o.note; // delivered; the note says how (an address that did not connect first)
    }
    Q_EMIT finished(m_result);
    deleteLater();
}

} // namespace sd
