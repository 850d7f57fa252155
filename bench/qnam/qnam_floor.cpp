// The toolkit's own ceiling for bench (a): a bare QNetworkAccessManager loop that POSTs the same bodies to
// the same endpoints at the same concurrency, with nothing else (no database, no signing, no scheduling).
// Reads lines "endpoint<TAB>body file" from the file given, prints "requests N seconds S failed F".
// For HTTPS endpoints, CA_FILE is the certificate authority to trust (bench (e)'s throw-away CA; "-": none).
// With "oneshot" each body goes as StatusDesk sends it (HttpExchange): a read-once sequential device with
// Content-Length and DoNotBufferUploadDataAttribute, which Qt streams from the manager's thread to its HTTP
// thread on request and can never send twice; without it, as a QByteArray Qt may rewind and re-send.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QUrl>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

// The same device as HttpExchange's body: sequential, cannot rewind.
class OneShotBody final : public QIODevice
{
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

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: qnam_floor LIST [concurrency] [managers] [CA_FILE|-] [oneshot]\n");
        return 2;
    }
    const int concurrency = argc > 2 ? QByteArray(argv[2]).toInt() : 96;
    const int managerCount = argc > 3 ? QByteArray(argv[3]).toInt() : 2;
    const bool oneShot = argc > 5 && QByteArray(argv[5]) == "oneshot";
    if (argc > 4 && QByteArray(argv[4]) != "-") {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(QString::fromLocal8Bit(argv[4])));
        QSslConfiguration::setDefaultConfiguration(tls);
    }
    struct Job
    {
        QUrl url;
        QByteArray body;
    };
    std::vector<Job> jobs;
    QFile list(QString::fromLocal8Bit(argv[1]));
    if (!list.open(QIODevice::ReadOnly))
        return 2;
    while (!list.atEnd()) {
        const QList<QByteArray> parts = list.readLine().trimmed().split('\t');
        if (parts.size() < 2) // endpoint, body file (and the webhook-id, which the floor does not send)
            continue;
        QFile body(QString::fromLocal8Bit(parts.at(1)));
        if (!body.open(QIODevice::ReadOnly))
            return 2;
        jobs.push_back({QUrl(QString::fromUtf8(parts.at(0))), body.readAll()});
    }
    // Same split as the engine: each origin stays with one manager.
    std::vector<QNetworkAccessManager *> managers;
    for (int i = 0; i < managerCount; ++i) {
        auto *nam = new QNetworkAccessManager(&app);
        nam->setProxy(QNetworkProxy::NoProxy);
        managers.push_back(nam);
    }
    QHash<QString, QNetworkAccessManager *> byOrigin;
    size_t next = 0, done = 0, failed = 0;
    QElapsedTimer clock;
    std::function<void()> launch = [&]() {
        if (next >= jobs.size())
            return;
        const Job &job = jobs[next++];
        const QString origin = job.url.host() + QLatin1Char(':') + QString::number(job.url.port());
        QNetworkAccessManager *&nam = byOrigin[origin];
        if (!nam)
            nam = managers[static_cast<size_t>(byOrigin.size() - 1) % managers.size()];
        QNetworkRequest request(job.url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        QNetworkReply *reply = nullptr;
        if (oneShot) {
            request.setHeader(QNetworkRequest::ContentLengthHeader, job.body.size());
            request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
            auto *body = new OneShotBody(job.body);
            reply = nam->post(request, body);
            body->setParent(reply);
        } else {
            reply = nam->post(request, job.body);
        }
        QObject::connect(reply, &QNetworkReply::finished, &app, [&, reply]() {
            reply->readAll();
            if (reply->error() != QNetworkReply::NoError)
                ++failed;
            reply->deleteLater();
            if (++done == jobs.size())
                app.quit();
            else
                launch();
        });
    };
    clock.start();
    for (int i = 0; i < concurrency; ++i)
        launch();
    app.exec();
    std::printf("requests %zu seconds %.3f failed %zu\n", done,
                static_cast<double>(clock.nsecsElapsed()) / 1e9, failed);
    return 0;
}
