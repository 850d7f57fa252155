#include "app/delivery/httpconnection.h"

#include "app/delivery/httpcontentdecoder.h"

#include <QNetworkProxy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

namespace sd {

QString HttpOrigin::key() const
{
    return (tls ? QLatin1String("https://") : QLatin1String("http://")) + host + QLatin1Char(':') +
           QString::number(port);
}

QString errorClassForSocket(int socketError)
{
    switch (static_cast<QAbstractSocket::SocketError>(socketError)) {
    case QAbstractSocket::HostNotFoundError:
        return QStringLiteral("dns");
    case QAbstractSocket::ConnectionRefusedError:
        return QStringLiteral("refused");
    case QAbstractSocket::RemoteHostClosedError:
        return QStringLiteral("reset");
    case QAbstractSocket::SocketTimeoutError:
        return QStringLiteral("timeout");
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return QStringLiteral("tls");
    default:
        break;
    }
    return QStringLiteral("unreachable");
}

HttpConnection::HttpConnection(HttpOrigin origin, QList<QHostAddress> addresses, QObject *parent)
    : QObject(parent)
    , m_origin(std::move(origin))
    , m_addresses(std::move(addresses))
{}

HttpConnection::~HttpConnection()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void HttpConnection::connectNext()
{
    if (m_socket) { // the previous address did not answer; nothing was sent to it
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    const QHostAddress address = m_addresses.value(m_nextAddress++);
    QSslSocket *tls = m_origin.tls ? new QSslSocket(this) : nullptr;
    m_socket = tls ? tls : new QTcpSocket(this);
    // Receivers are reached directly, never through a system proxy (which would also resolve the name again).
    m_socket->setProxy(QNetworkProxy::NoProxy);
    connect(m_socket, &QAbstractSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::errorOccurred, this,
            [this](QAbstractSocket::SocketError e) { onSocketError(e); });
    connect(m_socket, &QAbstractSocket::disconnected, this,
            [this]() { onSocketError(QAbstractSocket::RemoteHostClosedError); });
    if (tls) {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration(); // holds settings' --ca-file CAs
        config.setAllowedNextProtocols(
            {QByteArrayLiteral("http/1.1")}); // never h2: one request per connection at a time
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
        tls->setSslConfiguration(config);
        connect(tls, &QSslSocket::encrypted, this, &HttpConnection::onConnected);
        // The checked address literally; the endpoint's host name for SNI and certificate verification.
        tls->connectToHostEncrypted(address.toString(), m_origin.port, m_origin.host);
    } else {
        connect(m_socket, &QAbstractSocket::connected, this, &HttpConnection::onConnected);
        m_socket->connectToHost(address, m_origin.port);
    }
}

void HttpConnection::exchange(QByteArray request, int maxBody)
{
    m_busy = true;
    m_written = false;
    m_request = std::move(request);
    m_maxBody = maxBody;
    m_parser = std::make_unique<HttpResponseParser>();
    m_decoder.reset();
    m_response = HttpResponse{};
    m_idleSince.invalidate();
    if (m_connected) {
        onConnected();
    } else if (!m_socket) {
        if (m_addresses.isEmpty()) {
            m_dead = true;
            QMetaObject::invokeMethod(
                this,
                [this]() { failExchange(QStringLiteral("dns"), QStringLiteral("no address to connect to")); },
                Qt::QueuedConnection);
            return;
        }
        connectNext();
    }
}

void HttpConnection::abort()
{
    m_dead = true;
    m_busy = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

bool HttpConnection::reusable() const
{
    return !m_dead && !m_busy && m_connected && m_socket &&
           m_socket->state() == QAbstractSocket::ConnectedState && m_socket->bytesAvailable() == 0;
}

void HttpConnection::onConnected()
{
    if (!m_connected) // a request goes out in one write; Nagle would only hold its last segment back
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_connected = true;
    if (!m_busy || m_written)
        return;
    m_written = true; // once, whatever happens next
    m_socket->write(m_request);
    m_request.clear();
}

void HttpConnection::onReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    if (!m_busy) {
        if (!bytes.isEmpty()) { // unsolicited bytes on an idle connection: it cannot carry another request
            m_dead = true;
            m_socket->abort();
            Q_EMIT closedWhileIdle();
        }
        return;
    }
    consume(bytes);
}

bool HttpConnection::consume(const QByteArray &bytes)
{
    if (!m_parser->feed(bytes.constData(), bytes.size())) {
        failExchange(QStringLiteral("protocol"), m_parser->error());
        return false;
    }
    if (m_parser->headersComplete() && !m_decoder) {
        m_response.status = m_parser->status();
        m_response.reasonPhrase = m_parser->reasonPhrase();
        m_response.headers = m_parser->headers();
        m_decoder = std::make_unique<HttpContentDecoder>(m_parser->header("content-encoding"));
    }
    if (m_decoder) {
        const QByteArray raw = m_parser->takeBody();
        if (!raw.isEmpty()) {
            QByteArray decoded;
            if (!m_decoder->decode(raw, &decoded)) {
                failExchange(QStringLiteral("protocol"),
                             QStringLiteral("decompression failed: ") + m_decoder->error());
                return false;
            }
            m_response.bytesReceived += decoded.size();
            QByteArray &kept = m_response.body;
            if (kept.size() < m_maxBody)
                kept.append(decoded.constData(),
                            std::min<qsizetype>(decoded.size(), m_maxBody - kept.size()));
        }
    }
    if (m_parser->done())
        complete();
    return true;
}

void HttpConnection::complete()
{
    if (!m_decoder->finish()) {
        failExchange(QStringLiteral("protocol"),
                     QStringLiteral("decompression failed: ") + m_decoder->error());
        return;
    }
    m_response.keepAlive = m_parser->keepAlive();
    m_busy = false;
    ++m_exchanges;
    m_idleSince.start();
    if (!m_response.keepAlive)
        m_dead = true;
    const HttpResponse response = std::move(m_response);
    m_response = HttpResponse{};
    m_parser.reset();
    m_decoder.reset();
    Q_EMIT finished(response);
}

void HttpConnection::failExchange(const QString &errorClass, const QString &text)
{
    m_dead = true;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    if (!m_busy)
        return;
    m_busy = false;
    HttpResponse response = std::move(m_response);
    response.errorClass = errorClass;
    response.errorText = text;
    response.keepAlive = false;
    m_response = HttpResponse{};
    Q_EMIT finished(response);
}

void HttpConnection::onSocketError(int socketError)
{
    if (m_dead)
        return;
    const auto error = static_cast<QAbstractSocket::SocketError>(socketError);
    if (!m_busy) { // closed (or broken) while waiting in the pool
        m_dead = true;
        Q_EMIT closedWhileIdle();
        return;
    }
    const QString cls = errorClassForSocket(error);
    if (!m_connected) {
        // Nothing was sent yet: another checked address may answer.
        if (cls != QLatin1String("tls") && m_nextAddress < m_addresses.size()) {
            connectNext();
            return;
        }
        if (cls == QLatin1String("tls"))
            failExchange(cls, QStringLiteral("TLS handshake failed: ") + m_socket->errorString());
        else
            failExchange(cls, m_socket->errorString());
        return;
    }
    // What arrived before the close is part of the answer (it may be a close-delimited body).
    const QByteArray rest = m_socket->readAll();
    if (!rest.isEmpty() && !consume(rest))
        return;
    if (!m_busy)
        return;
    if (cls == QLatin1String("reset") && m_parser->closeEndsResponse()) {
        complete();
        return;
    }
    const QString qtText = m_socket->errorString();
    if (m_parser->headersComplete()) {
        failExchange(cls, QStringLiteral("connection reset mid-response (HTTP %1 started): %2")
                              .arg(m_parser->status())
                              .arg(qtText));
        return;
    }
    if (cls == QLatin1String("reset") || cls == QLatin1String("unreachable")) {
        QString text = QStringLiteral("connection closed before a complete response: %1").arg(qtText);
        if (m_exchanges > 0) // the receiver dropped a kept-alive connection just as the request went out
            text += QStringLiteral(" (on a kept-alive connection; sent once, not re-sent)");
        failExchange(QStringLiteral("reset"), text);
        return;
    }
    failExchange(cls, qtText);
}

} // namespace sd
