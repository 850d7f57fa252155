#pragma once

#include "app/testreceiver/recordinghttpserver.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPair>

class QTcpServer;

namespace sd {

// A tiny HTTP/1.1 receiver on 127.0.0.1 for first-run demos: it records what it receives and can be
// told to fail, so a new operator sees deliveries succeed and fail without any outside service.
class TestReceiver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TestReceiver)

public:
    enum class Mode
    {
        Accept,
        Fail500,
        Hang
    };
    struct Request : ReceivedHttpRequest
    {
        int answeredStatus = 0; // 0: not answered (hang)
    };
    static constexpr int kMaxKept = 500; // older requests are dropped; the count keeps going

    explicit TestReceiver(QObject *parent = nullptr);
    ~TestReceiver() override;

    bool listen(quint16 port = 0); // 127.0.0.1 only
    quint16 port() const;
    QString url(const QString &path = QStringLiteral("/hook")) const;

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    const QList<Request> &requests() const { return m_requests; }
    qint64 requestCount() const { return m_count; }

Q_SIGNALS:
    void requestReceived(qint64 count);
    void modeChanged(sd::TestReceiver::Mode mode);

private:
    void answer(const ReceivedHttpRequest &request, HttpReply reply);

    QTcpServer *m_tcp;           // child
    RecordingHttpServer *m_http; // child
    Mode m_mode = Mode::Accept;
    QList<Request> m_requests;
    qint64 m_count = 0;
};

} // namespace sd
