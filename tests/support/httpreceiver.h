#pragma once

#include "app/testreceiver/recordinghttpserver.h"

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QTcpServer>

class QSslConfiguration;
class QTcpSocket;

namespace sd::test {

struct ReceivedRequest
{
    QByteArray method;
    QByteArray path;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QDateTime at;
};

// A scriptable HTTP/1.1 receiver on loopback for integration tests: records every request and answers
// each one as its script says (status, headers, body, hang, close, reset, huge body, delay). Requests are
// parsed by Qt HTTP Server (sd::RecordingHttpServer, shared with the console's TestReceiver); the modes
// that misbehave on the wire (CloseWithoutResponse, ResetMidResponse, ResetAfterRequest, Raw) act on the
// request's connection directly, which is what tst_wire, tst_delivery and tst_statuspage test a sender
// against.
class HttpReceiver final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpReceiver)

public:
    // ResetAfterRequest: RST as soon as the request is read. Raw: write Script::raw as it is (anything, valid
    // HTTP or not), then close; RawThenReset: the same, then RST.
    enum class Mode
    {
        Respond,
        Hang,
        CloseWithoutResponse,
        ResetMidResponse,
        HugeBody,
        ResetAfterRequest,
        Raw,
        RawThenReset
    };
    struct Script
    {
        int status = 200;
        QByteArray reason = "OK"; // empty: Qt HTTP Server's phrase for the status
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body = "ok";
        Mode mode = Mode::Respond;
        int delayMs = 0;
        qint64 hugeBytes = 0;
        QByteArray raw;                // Mode::Raw
        bool closeAfterAnswer = false; // Respond: close the connection after the answer, without saying so
    };

    explicit HttpReceiver(QObject *parent = nullptr);
    ~HttpReceiver() override;

    bool start(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void enableTls(const QByteArray &certPem, const QByteArray &keyPem);
    QString url(const QString &path = QStringLiteral("/hook")) const;
    void setDefault(const Script &script) { m_default = script; }
    void enqueue(const Script &script) { m_scripts.enqueue(script); }
    const QList<ReceivedRequest> &requests() const { return m_requests; }
    // How many requests carried this webhook-id.
    int countWebhookId(const QByteArray &id) const;
    qint64 hugeBytesSent() const { return m_hugeSent; }

Q_SIGNALS:
    void requestReceived(const sd::test::ReceivedRequest &request);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void onRequest(const ReceivedHttpRequest &received, HttpReply reply);
    void answer(HttpReply reply, const Script &script);
    void streamHugeBody(HttpReply reply, const Script &script);
    void resetSoon(QTcpSocket *socket); // RST a moment after what was written went out

    RecordingHttpServer *m_http; // child
    Script m_default;
    QQueue<Script> m_scripts;
    QList<ReceivedRequest> m_requests;
    QList<QPointer<QTcpSocket>> m_sockets;
    QByteArray m_cert;
    QByteArray m_key;
    bool m_tls = false;
    qint64 m_hugeSent = 0;
};

} // namespace sd::test

Q_DECLARE_METATYPE(sd::test::ReceivedRequest)
