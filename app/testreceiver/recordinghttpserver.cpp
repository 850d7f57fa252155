#include "app/testreceiver/recordinghttpserver.h"

#include "app/formats/httpmethod.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpServer>
#include <QTcpSocket>

namespace sd {

QByteArray ReceivedHttpRequest::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

HttpReply::HttpReply(QHttpServerResponder &&responder)
    : m_responder(std::make_shared<QHttpServerResponder>(std::move(responder)))
    , m_socket(m_responder->socket())
{}

QTcpSocket *HttpReply::socket() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState ? m_socket.data() : nullptr;
}

void HttpReply::send(int status, const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body,
                     const QByteArray &reason)
{
    auto framed = headers;
    framed.append({QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())});
    sendHead(status, framed, reason);
    sendBody(body);
}

void HttpReply::sendHead(int status, const QList<QPair<QByteArray, QByteArray>> &headers,
                         const QByteArray &reason)
{
    if (!socket())
        return;
    if (reason.isEmpty())
        m_responder->writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    else
        m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n");
    for (const auto &[name, value] : headers)
        m_responder->writeHeader(name, value);
}

void HttpReply::sendBody(const QByteArray &bytes)
{
    if (socket())
        m_responder->writeBody(bytes); // the first call also ends the head, even for an empty body
}

RecordingHttpServer::RecordingHttpServer(Handler handler, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler))
{}

RecordingHttpServer::~RecordingHttpServer() = default;

void RecordingHttpServer::serve(QTcpServer *server)
{
    QObject *owner = server->parent();
    bind(server);
    server->setParent(owner);
}

bool RecordingHttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ReceivedHttpRequest r;
    r.receivedAt = QDateTime::currentDateTimeUtc();
    r.method = httpMethodName(request.method());
    r.path = request.url().toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    r.headers = request.headers();
    r.body = request.body();
    m_handler(r, HttpReply(makeResponder(request, socket)));
    return true;
}

void RecordingHttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // handleRequest() takes every request.
}

} // namespace sd
