#include "app/delivery/httpexchange.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <algorithm>
#include <cstring>

namespace sd {
namespace {

// How often a request that had not gone out is sent again on another connection before the exchange gives
// up: one per connection Qt keeps to an origin, so a receiver that closed all six while they sat idle still
// gets the request.
constexpr int kMaxResends = 6;

// The body as a device Qt reads once and cannot rewind (see HttpExchange).
class OneShotBody final : public QIODevice
{
    Q_DISABLE_COPY_MOVE(OneShotBody)

public:
    explicit OneShotBody(QByteArray body)
        : m_body(std::move(body))
    {
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    bool isSequential() const override { return true; }
    bool reset() override { return false; }
    bool seek(qint64) override { return false; }
    qint64 bytesAvailable() const override { return m_body.size() - m_pos + QIODevice::bytesAvailable(); }
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

// A failure to connect at all: nothing was sent, so another address may be tried.
bool connectFailure(QNetworkReply::NetworkError e)
{
    switch (e) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::UnknownNetworkError:
        return true;
    default:
        return false;
    }
}

bool isProxyError(QNetworkReply::NetworkError e)
{
    return e >= QNetworkReply::ProxyConnectionRefusedError && e <= QNetworkReply::UnknownProxyError;
}

// Through a proxy this desk connects only to the proxy, so a refused connection is the proxy's. Qt 6.4 says
// so for neither scheme: a plain-HTTP request's proxy refusing is ConnectionRefusedError ("Connection
// refused"), an HTTPS request's (the CONNECT tunnel's socket) UnknownNetworkError with the socket's text.
bool proxyRefused(QNetworkReply::NetworkError e, const QString &qtText)
{
    return e == QNetworkReply::ConnectionRefusedError || e == QNetworkReply::ProxyConnectionRefusedError ||
           (e == QNetworkReply::UnknownNetworkError &&
            qtText.compare(QLatin1String("Proxy connection refused"), Qt::CaseInsensitive) == 0);
}

// Names a failure Qt reports: dns, refused, reset, tls, timeout, unreachable, protocol.
QString errorClassFor(QNetworkReply::NetworkError e)
{
    switch (e) {
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("dns");
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("refused");
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::ContentReSendError:
        return QStringLiteral("reset");
    case QNetworkReply::TimeoutError:
        return QStringLiteral("timeout");
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::InsecureRedirectError:
        return QStringLiteral("tls");
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
    case QNetworkReply::UnknownContentError:
        return QStringLiteral("protocol");
    default:
        break;
    }
    return QStringLiteral("unreachable");
}

// An answer without Content-Length or chunked framing ends when the connection closes (HTTP/1.1, 6.3).
bool closeDelimited(const QNetworkReply *reply)
{
    return !reply->hasRawHeader("Content-Length") &&
           !reply->rawHeader("Transfer-Encoding").toLower().contains("chunked");
}

bool validContentLength(const QByteArray &value)
{
    const QByteArray v = value.trimmed();
    return !v.isEmpty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

HttpExchange::HttpExchange(HttpTransport *transport, Request request, Options options, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
    , m_request(std::move(request))
    , m_options(options)
    , m_deadlines(options.deadlines)
{}

HttpExchange::~HttpExchange()
{
    abort();
}

void HttpExchange::start()
{
    QMetaObject::invokeMethod(
        this, [this]() { begin(std::nullopt); }, Qt::QueuedConnection);
}

void HttpExchange::start(const Route &route)
{
    Route r = route;
    r.url.setPath(m_request.url.path());
    r.url.setQuery(m_request.url.hasQuery() ? m_request.url.query(QUrl::FullyEncoded) : QString());
    QMetaObject::invokeMethod(
        this, [this, r]() { begin(r); }, Qt::QueuedConnection);
}

void HttpExchange::abort()
{
    if (m_deadlines) {
        m_deadlines->cancel(m_deadline);
        m_deadlines->cancel(m_connectTimer);
    }
    m_deadline = 0;
    m_connectTimer = 0;
    m_done = true;
    dropReply();
}

void HttpExchange::begin(std::optional<Route> route)
{
    if (m_done)
        return;
    m_outcome.startedAt = QDateTime::currentDateTimeUtc();
    m_clock.start();
    if (!m_deadlines)
        m_deadlines = new DeadlineQueue(this);
    m_deadline = m_deadlines->add(m_options.deadlineMs, [this]() { expire(); });
    if (route)
        onRouted(*route);
    else
        m_transport->route(m_request.url, this, [this](const Route &r) { onRouted(r); });
}

void HttpExchange::onRouted(const Route &route)
{
    if (m_done)
        return;
    m_route = route;
    switch (route.kind) {
    case Route::Kind::Refused:
        fail(QStringLiteral("policy"), route.reason);
        return;
    case Route::Kind::Unresolved:
        fail(QStringLiteral("dns"), route.reason);
        return;
    case Route::Kind::Direct:
    case Route::Kind::Proxied:
        break;
    }
    send();
}

void HttpExchange::send()
{
    QNetworkRequest request = m_transport->request(m_route, m_address);
    for (const auto &[name, value] : m_request.headers)
        request.setRawHeader(name, value);
    OneShotBody *body = nullptr;
    const bool hasBody = !m_request.body.isEmpty() || m_request.method == "POST" || m_request.method == "PUT";
    if (hasBody) {
        // Given up front, so Qt streams the body instead of buffering it (and so never rewinds it).
        request.setHeader(QNetworkRequest::ContentLengthHeader, m_request.body.size());
        request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
        body = new OneShotBody(m_request.body);
    }
    QNetworkAccessManager *nam = m_transport->manager(m_route);
    if (m_request.method == "POST")
        m_reply = nam->post(request, body);
    else if (m_request.method == "GET" && !body)
        m_reply = nam->get(request);
    else
        m_reply = nam->sendCustomRequest(request, m_request.method, body);
    if (body)
        body->setParent(m_reply); // lives exactly as long as the reply that reads it
    m_sent = false;
    m_newConnection = false;
    m_outcome.body.clear();
    m_outcome.bytesReceived = 0;
    // A bounded read buffer: a huge answer streams through instead of piling up.
    m_reply->setReadBufferSize(64 * 1024);
    connect(m_reply, &QNetworkReply::readyRead, this, &HttpExchange::readBody);
    connect(m_reply, &QNetworkReply::socketStartedConnecting, this, &HttpExchange::onStartedConnecting);
    connect(m_reply, &QNetworkReply::requestSent, this, &HttpExchange::onRequestSent);
    connect(m_reply, &QNetworkReply::finished, this, &HttpExchange::onReplyFinished);
}

void HttpExchange::readBody()
{
    if (!m_reply)
        return;
    const QByteArray chunk = m_reply->readAll();
    m_outcome.bytesReceived += chunk.size();
    QByteArray &body = m_outcome.body;
    if (body.size() < m_options.maxBody)
        body.append(chunk.constData(), std::min<qsizetype>(chunk.size(), m_options.maxBody - body.size()));
}

void HttpExchange::onStartedConnecting()
{
    m_newConnection = true;
    // Only worth a clock while another checked address is left to try.
    if (m_route.kind != Route::Kind::Direct || m_address + 1 >= m_route.addresses.size() || m_connectTimer)
        return;
    m_connectTimer = m_deadlines->add(m_options.connectTimeoutMs, [this]() {
        m_connectTimer = 0;
        onConnectTimeout();
    });
}

void HttpExchange::onRequestSent()
{
    m_sent = true;
    if (m_deadlines)
        m_deadlines->cancel(m_connectTimer);
    m_connectTimer = 0;
}

void HttpExchange::onConnectTimeout()
{
    if (m_done || m_sent)
        return;
    m_notes << QStringLiteral("%1 did not connect within %2 s")
                   .arg(m_route.peer(m_address))
                   .arg(m_options.connectTimeoutMs / 1000.0);
    dropReply();
    ++m_address;
    send();
}

void HttpExchange::dropReply()
{
    if (m_deadlines && m_connectTimer)
        m_deadlines->cancel(m_connectTimer);
    m_connectTimer = 0;
    if (!m_reply)
        return;
    m_reply->disconnect(this);
    m_reply->abort();
    m_reply->deleteLater();
    m_reply = nullptr;
}

void HttpExchange::expire()
{
    m_deadline = 0;
    if (m_done)
        return;
    const int status = m_reply ? m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
    QString stage;
    if (!m_sent)
        stage = m_route.kind == Route::Kind::Direct || m_route.kind == Route::Kind::Proxied
                    ? QStringLiteral("the request could not be sent to %1").arg(m_route.peer(m_address))
                    : QStringLiteral("the name did not resolve");
    else if (status == 0)
        stage = QStringLiteral("the request was sent, no answer came");
    else
        stage = QStringLiteral("HTTP %1 started, the body did not end").arg(status);
    // A late status line does not rescue an exchange that ran out of time.
    m_outcome.status = 0;
    fail(QStringLiteral("timeout"),
         QStringLiteral("no complete response within %1 ms: %2").arg(m_options.deadlineMs).arg(stage));
}

void HttpExchange::onReplyFinished()
{
    if (m_done || !m_reply)
        return;
    readBody();
    m_transport->keepTlsSession(m_route, *m_reply);
    const QNetworkReply::NetworkError error = m_reply->error();
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (error != QNetworkReply::NoError && !m_sent && status == 0) {
        // Qt found the connection closed before the whole request was written (a kept-alive connection the
        // receiver had closed), then refused to re-send it: the receiver cannot have read it, so it goes out
        // again, on another connection, as part of this same exchange.
        if ((error == QNetworkReply::ContentReSendError || error == QNetworkReply::RemoteHostClosedError) &&
            m_resends < kMaxResends) {
            ++m_resends;
            dropReply();
            send();
            return;
        }
    }
    if (error != QNetworkReply::NoError && m_sent && !m_newConnection && status == 0 &&
        m_outcome.bytesReceived == 0 &&
        (error == QNetworkReply::ContentReSendError || error == QNetworkReply::RemoteHostClosedError) &&
        m_resends < kMaxResends) {
        // Written onto a kept-alive connection just as the receiver closed it (the keep-alive race: a
        // receiver that closes after each answer without saying so, or an idle timeout), and closed without a
        // byte of answer. As curl and browsers do, the request goes again on a new connection: the receiver
        // closed before reading it. (One that read it and closed without answering on a reused connection
        // gets it twice, with the same webhook-id: delivery is at-least-once.)
        ++m_resends;
        dropReply();
        send();
        return;
    }
    if (error != QNetworkReply::NoError && !m_sent && status == 0) {
        if (connectFailure(error) && m_route.kind == Route::Kind::Direct &&
            m_address + 1 < m_route.addresses.size()) {
            m_notes << QStringLiteral("%1: %2").arg(m_route.peer(m_address), m_reply->errorString());
            dropReply();
            ++m_address;
            send();
            return;
        }
    }
    HttpOutcome &o = m_outcome;
    o.status = status;
    o.reasonPhrase = m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
    o.headers = m_reply->rawHeaderPairs();
    const QString qtText = m_reply->errorString();
    const QString peer = m_route.peer(m_address);
    // Qt 6.4 reads an unparsable Content-Length as 0 and says nothing.
    if (status > 0 && m_reply->hasRawHeader("Content-Length") &&
        !validContentLength(m_reply->rawHeader("Content-Length")))
        return fail(QStringLiteral("protocol"),
                    QStringLiteral("invalid Content-Length \"%1\"")
                        .arg(QString::fromLatin1(m_reply->rawHeader("Content-Length").left(40))));
    if (error == QNetworkReply::NoError)
        return complete();
    if (status == 407 && m_route.kind == Route::Kind::Proxied) // the proxy's answer, not the receiver's
        return fail(QStringLiteral("unreachable"),
                    QStringLiteral("%1 asks for credentials (HTTP 407 Proxy Authentication Required): give "
                                   "them in the proxy setting, http://user:password@host:port")
                        .arg(peer));
    // A complete answer that Qt would have acted on (a 401/407 challenge, a 307/308 it wanted to send the
    // body again for): that answer is the result.
    if (status >= 300 && error != QNetworkReply::RemoteHostClosedError)
        return complete();
    // No Content-Length, not chunked: the body ends when the connection closes.
    if (status >= 200 && status < 300 && closeDelimited(m_reply) &&
        (error == QNetworkReply::RemoteHostClosedError || error == QNetworkReply::ContentReSendError))
        return complete();
    if (error == QNetworkReply::UnknownContentError &&
        qtText.startsWith(QLatin1String("Decompression failed"), Qt::CaseInsensitive)) {
        QString detail = qtText.mid(qtText.indexOf(QLatin1Char(':')) + 1).trimmed();
        if (detail.isEmpty()) // Qt 6.4 gives no reason, and nothing of the body tells the two apart
            detail =
                QStringLiteral("the %1 answer is corrupt, or inflates past %2 MiB at more than 40 times its "
                               "compressed size (a decompression bomb; reading stopped there)")
                    .arg(QString::fromLatin1(m_reply->rawHeader("Content-Encoding").left(40)))
                    .arg(HttpTransport::kDecompressionThreshold / (1024 * 1024));
        return fail(QStringLiteral("protocol"), QStringLiteral("decompression failed: ") + detail);
    }
    if (status > 0)
        return fail(
            errorClassFor(error),
            QStringLiteral("connection reset mid-response (HTTP %1 started): %2").arg(status).arg(qtText));
    if (error == QNetworkReply::ContentReSendError)
        // Qt 6.4 reports a connection closed after the request and an answer that is not HTTP (an invalid
        // status line, garbage) the same way: it wanted to send the request again.
        return fail(QStringLiteral("reset"),
                    QStringLiteral("connection closed before a complete HTTP answer: the receiver closed or "
                                   "reset it after the request, or answered with something that is not "
                                   "HTTP (sent once, not re-sent)"));
    if (error == QNetworkReply::RemoteHostClosedError)
        return fail(QStringLiteral("reset"),
                    QStringLiteral("connection closed before a complete response: %1").arg(qtText));
    if (m_route.kind == Route::Kind::Proxied && proxyRefused(error, qtText))
        return fail(QStringLiteral("unreachable"), QStringLiteral("%1 refused the connection").arg(peer));
    if (error == QNetworkReply::ProxyAuthenticationRequiredError)
        return fail(QStringLiteral("unreachable"),
                    QStringLiteral("%1 asks for credentials (407 Proxy Authentication Required): give them "
                                   "in the proxy setting, http://user:password@host:port")
                        .arg(peer));
    if (isProxyError(error))
        return fail(QStringLiteral("unreachable"), QStringLiteral("%1: %2").arg(peer, qtText));
    if (error == QNetworkReply::SslHandshakeFailedError)
        return fail(QStringLiteral("tls"), QStringLiteral("TLS handshake failed: ") + qtText);
    fail(errorClassFor(error), qtText);
}

void HttpExchange::complete()
{
    m_outcome.errorClass.clear();
    m_outcome.errorText.clear();
    finish();
}

void HttpExchange::fail(const QString &errorClass, const QString &reason)
{
    m_outcome.errorClass = errorClass;
    m_outcome.errorText = reason;
    // Through a proxy, the reason says so (unless it names the proxy already): a failure may be the proxy's.
    const QString proxy = m_route.kind == Route::Kind::Proxied ? m_route.peer() : QString();
    if (!proxy.isEmpty() && !reason.contains(proxy))
        m_outcome.errorText += QStringLiteral(" (through the %1)").arg(proxy);
    finish();
}

void HttpExchange::finish()
{
    m_outcome.sent = m_sent;
    if (!m_notes.isEmpty()) {
        m_notes << (m_sent ? QStringLiteral("sent to %1") : QStringLiteral("then %1"))
                       .arg(m_route.peer(m_address));
        m_outcome.note = m_notes.join(QStringLiteral("; "));
    }
    abort(); // no more timers, no reply
    m_outcome.endedAt = QDateTime::currentDateTimeUtc();
    m_outcome.durationMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    Q_EMIT finished(m_outcome);
    deleteLater();
}

} // namespace sd
