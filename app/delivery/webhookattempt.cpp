#include "webhookattempt.h"

#include "endpointurl.h"
#include "webhooksigner.h"

#include <QIODevice>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <algorithm>
#include <cstring>

namespace sd {
namespace {

constexpr qint64 kDecompressionThreshold = 10 * 1024 * 1024; // Qt's default, stated so the text can name it

// The stored body as a device Qt can read once and never rewind. Qt 6.4 silently sends a request again (up to
// three more times, QHttpNetworkConnectionChannel::reconnectAttempts) when its connection closes before a
// complete response or the answer does not parse as HTTP; each time it first rewinds the upload device. A
// device that refuses to rewind turns that re-send into an error (ContentReSendError) instead, so every POST
// on the wire is one attempt on the record, and our own retry schedule decides what happens next.
class OneShotBody final : public QIODevice
{
    Q_DISABLE_COPY_MOVE(OneShotBody)

public:
    OneShotBody(QByteArray body, QObject *parent)
        : QIODevice(parent)
        , m_body(std::move(body))
    {
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    bool isSequential() const override { return true; }
    bool reset() override { return false; }
    bool seek(qint64) override { return false; }
    qint64 bytesAvailable() const override { return m_body.size() - m_pos; }
    bool atEnd() const override { return m_pos >= m_body.size(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = std::min<qint64>(maxSize, m_body.size() - m_pos);
        std::memcpy(data, m_body.constData() + m_pos, static_cast<size_t>(n));
        m_pos += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_body;
    qint64 m_pos = 0;
};

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

QString errorClassFor(int networkError, bool timedOut)
{
    if (timedOut)
        return QStringLiteral("timeout");
    switch (static_cast<QNetworkReply::NetworkError>(networkError)) {
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
    case QNetworkReply::InsecureRedirectError:
        return QStringLiteral("tls");
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::UnknownNetworkError:
        return QStringLiteral("unreachable");
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
        return QStringLiteral("protocol");
    default:
        break;
    }
    return QStringLiteral("unreachable");
}

WebhookAttempt::WebhookAttempt(QNetworkAccessManager *nam, Message message, Subscriber subscriber,
                               int attemptNumber, AttemptTrigger trigger, Options options, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
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
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void WebhookAttempt::start()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 timestamp = now.toSecsSinceEpoch();
    const QByteArray id = m_message.id.toUtf8();

    QUrl url(m_subscriber.endpoint);
    // Credentials in the URL are sent as HTTP Basic authentication on this one request, not left to Qt (which
    // would only offer them after a 401 challenge); the record shows "Basic ***".
    QByteArray authorization;
    if (!url.userInfo().isEmpty()) {
        authorization = QByteArrayLiteral("Basic ") + (url.userName(QUrl::FullyDecoded) + QLatin1Char(':') +
                                                       url.password(QUrl::FullyDecoded))
                                                          .toUtf8()
                                                          .toBase64();
        url.setUserInfo(QString());
    }
    QNetworkRequest request{url};
    // 3xx is a failure and is never followed.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // Compressed answers are inflated by Qt; past this size at a suspicious ratio it gives up (named
    // "decompression failed" below) instead of inflating a bomb.
    request.setDecompressedSafetyCheckThreshold(kDecompressionThreshold);
    request.setTransferTimeout(0); // our own deadline covers the whole attempt, not just idle gaps
    // A receiver's Set-Cookie must not ride along on the next delivery (and the jar lookup costs time).
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);

    QList<QPair<QByteArray, QByteArray>> sent;
    auto set = [&](const QByteArray &name, const QByteArray &value) {
        request.setRawHeader(name, value);
        sent.append({name, value});
    };
    set("Content-Type", "application/json");
    set("User-Agent", m_options.userAgent);
    set("webhook-id", id);
    set("webhook-timestamp", QByteArray::number(timestamp));
    if (!authorization.isEmpty()) {
        request.setRawHeader("Authorization", authorization);
        sent.append({QByteArrayLiteral("Authorization"), QByteArrayLiteral("Basic ***")});
    }
    const QByteArray signature = signing::header(m_subscriber, id, timestamp, m_message.body, now);
    if (!signature.isEmpty())
        set("webhook-signature", signature);
    m_result.attempt.requestHeaders = headersToJson(sent, false);

    m_result.attempt.startedAt = now;
    m_clock.start();
    // A sequential body with its length given up front is streamed, never buffered (and so never rewound).
    request.setHeader(QNetworkRequest::ContentLengthHeader, m_message.body.size());
    request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
    auto *body = new OneShotBody(m_message.body, this);
    m_reply = m_nam->post(request, body);
    body->setParent(m_reply); // lives exactly as long as the reply that reads it
    // Bounded read buffer: a huge answer streams through instead of piling up in memory.
    m_reply->setReadBufferSize(64 * 1024);
    connect(m_reply, &QNetworkReply::readyRead, this, &WebhookAttempt::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &WebhookAttempt::onFinished);
}

void WebhookAttempt::cancel()
{
    m_done = true;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
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

void WebhookAttempt::onReadyRead()
{
    const QByteArray chunk = m_reply->readAll();
    m_result.bytesReceived += chunk.size();
    QByteArray &body = m_result.attempt.responseBody;
    if (body.size() < m_options.maxBody)
        body.append(chunk.left(m_options.maxBody - body.size()));
}

void WebhookAttempt::expire()
{
    if (m_done)
        return;
    m_timedOut = true;
    if (m_reply)
        m_reply->abort(); // finished() follows with OperationCanceledError
}

void WebhookAttempt::onFinished()
{
    if (m_done)
        return;
    m_done = true;
    onReadyRead();
    Attempt &a = m_result.attempt;
    a.endedAt = QDateTime::currentDateTimeUtc();
    a.durationMs = m_clock.elapsed();
    a.httpStatus = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.responseHeaders = headersToJson(m_reply->rawHeaderPairs(), true);
    m_result.retryAfter = m_reply->rawHeader("Retry-After");

    const auto error = m_reply->error();
    if (m_timedOut) {
        // A late status line does not rescue an attempt that ran out of time.
        a.errorClass = QStringLiteral("timeout");
        a.errorText = QStringLiteral("no complete response within %1 ms").arg(m_options.timeoutMs);
        a.httpStatus = 0;
    } else if (a.httpStatus >= 200 && a.httpStatus < 300 && error == QNetworkReply::NoError) {
        // delivered
    } else if (a.httpStatus >= 300 && error != QNetworkReply::RemoteHostClosedError) {
        a.errorClass = QStringLiteral("http_%1xx").arg(a.httpStatus / 100);
        a.errorText = QStringLiteral("HTTP %1 %2")
                          .arg(a.httpStatus)
                          .arg(m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        if (a.httpStatus < 400)
            a.errorText += QStringLiteral(" (redirects are not followed)");
    } else if (error == QNetworkReply::ContentReSendError) {
        // Qt wanted to send the request again (OneShotBody refused): the connection ended, or the answer did
        // not parse as HTTP, before a status line and headers were complete. Qt 6.4 reports both the same way
        // (QHttpNetworkConnectionChannel::handleUnexpectedEOF), so the text names both.
        a.errorClass = QStringLiteral("reset");
        a.errorText =
            QStringLiteral("connection closed before a complete response: the receiver closed or reset "
                           "it, or answered with something that is not HTTP (sent once, not re-sent)");
        a.httpStatus = 0;
    } else if (const QString qtText = m_reply->errorString();
               qtText.startsWith(QLatin1String("Decompression failed"), Qt::CaseInsensitive)) {
        a.errorClass = QStringLiteral("protocol");
        QString detail = qtText.mid(qtText.indexOf(QLatin1Char(':')) + 1).trimmed();
        if (detail.isEmpty()) // Qt 6.4 drops its own reason; the size it stopped at tells which one it was
            detail =
                m_result.bytesReceived >= kDecompressionThreshold
                    ? QStringLiteral("the answer inflates past %1 MiB at more than 40 times its compressed "
                                     "size (a decompression bomb); reading stopped there")
                          .arg(kDecompressionThreshold / (1024 * 1024))
                    : QStringLiteral("the compressed answer is corrupt or not in its declared encoding");
        a.errorText = QStringLiteral("decompression failed: ") + detail;
        a.httpStatus = 0;
    } else {
        a.errorClass = errorClassFor(error, false);
        a.errorText = m_reply->errorString();
        if (a.httpStatus == 0 && a.errorClass == QLatin1String("reset"))
            a.errorText = QStringLiteral("connection closed before a complete response: ") + a.errorText;
        if (a.httpStatus > 0 && a.errorClass == QLatin1String("reset"))
            a.errorText = QStringLiteral("connection reset mid-response (HTTP %1 started): %2")
                              .arg(a.httpStatus)
                              .arg(a.errorText);
        a.httpStatus = 0;
    }
    m_reply->deleteLater();
    m_reply = nullptr;
    Q_EMIT finished(m_result);
    deleteLater();
}

} // namespace sd
