#include "app/testreceiver/testreceiver.h"

#include <QHostAddress>
#include <QTcpServer>

namespace sd {

TestReceiver::TestReceiver(QObject *parent)
    : QObject(parent)
    , m_tcp(new QTcpServer(this))
    , m_http(new RecordingHttpServer(
          [this](const ReceivedHttpRequest &request, HttpReply reply) { answer(request, std::move(reply)); },
          this))
{}

TestReceiver::~TestReceiver() = default;

bool TestReceiver::listen(quint16 port)
{
    if (!m_tcp->listen(QHostAddress::LocalHost, port))
        return false;
    m_http->serve(m_tcp);
    return true;
}

quint16 TestReceiver::port() const
{
    return m_tcp->serverPort();
}

QString TestReceiver::url(const QString &path) const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path);
}

void TestReceiver::setMode(Mode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    Q_EMIT modeChanged(mode);
}

void TestReceiver::answer(const ReceivedHttpRequest &received, HttpReply reply)
{
    Request req;
    static_cast<ReceivedHttpRequest &>(req) = received;
    const QList<QPair<QByteArray, QByteArray>> headers{
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
        {QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive")}};
    switch (m_mode) {
    case Mode::Accept:
        req.answeredStatus = 200;
        reply.send(200, headers, QByteArrayLiteral("{\"ok\":true}"));
        break;
    case Mode::Fail500:
        req.answeredStatus = 500;
        reply.send(500, headers, QByteArrayLiteral("{\"error\":\"test receiver told to fail\"}"));
        break;
    case Mode::Hang:
        break; // never answer: the sender's timeout decides
    }
    m_requests.append(std::move(req));
    if (m_requests.size() > kMaxKept)
        m_requests.removeFirst();
    ++m_count;
    Q_EMIT requestReceived(m_count);
}

} // namespace sd
