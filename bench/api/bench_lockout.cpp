// How long a normal request from 127.0.0.1 takes while other local processes try to lock `serve` out (issue
// 21 item 3): a real `statusdesk-cli serve` on loopback with its default limits; this process holds 300
// silent connections and 16 more that reconnect as soon as they are cut, all from 127.0.0.1, and meanwhile
// GETs /api/v2/status.json from 127.0.0.1 through QNetworkAccessManager, one request at a time. The peer: the
// same requests to the same server with nothing attacking it, in the same run. Prints the status codes, the
// median, p99 and slowest latency of each, and the ratio.
//   bench_lockout [REQUESTS (default 200)] [ROUNDS (default 3)]
// Each request goes on a new connection (Connection: close), so each is admitted while 127.0.0.1 is at or
// near its cap; the second half of the rounds makes the 300 reconnect when cut as well (a storm: always more
// silent connections from 127.0.0.1 than the per-client cap of 256). Only loopback is used.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

namespace {

struct Latencies
{
    std::vector<double> ms;
    int ok = 0; // answered 200

    double at(double q) const
    {
        std::vector<double> s = ms;
        std::sort(s.begin(), s.end());
        return s.empty() ? 0 : s[std::min(s.size() - 1, static_cast<size_t>(q * (s.size() - 1) + 0.5))];
    }
};

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// One silent connection from 127.0.0.1: it connects and never sends a byte.
std::unique_ptr<QTcpSocket> silent(quint16 port)
{
    auto s = std::make_unique<QTcpSocket>();
    s->bind(QHostAddress::LocalHost);
    s->connectToHost(QHostAddress::LocalHost, port);
    return s;
}

Latencies measure(QNetworkAccessManager &nam, const QUrl &url, int requests)
{
    Latencies out;
    for (int i = 0; i < requests; ++i) {
        QNetworkRequest request(url);
        // A new connection each time, so every request must be admitted while 127.0.0.1 is at its cap.
        request.setRawHeader("Connection", "close");
        QElapsedTimer t;
        t.start();
        QNetworkReply *reply = nam.get(request);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        loop.exec();
        out.ms.push_back(t.nsecsElapsed() / 1e6);
        out.ok += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200 ? 1 : 0;
        delete reply;
        QEventLoop pause; // 5 ms apart: the attackers' reconnects get turns in between
        QTimer::singleShot(5, &pause, &QEventLoop::quit);
        pause.exec();
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int requests = argc > 1 ? std::max(10, atoi(argv[1])) : 200;
    const int rounds = argc > 2 ? std::max(1, atoi(argv[2])) : 3;
    const QString cli = QStringLiteral(STATUSDESK_CLI_PATH);
    QTemporaryDir dir;
    const quint16 port = freePort();
    QProcess serve;
    serve.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    serve.start(cli, {QStringLiteral("--db"), dir.filePath(QStringLiteral("bench.sqlite")),
                      QStringLiteral("serve"), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:%1").arg(port)});
    if (!serve.waitForStarted() || !serve.waitForReadyRead(30000)) {
        std::fprintf(stderr, "bench_lockout: serve did not start\n");
        return 1;
    }
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/api/v2/status.json").arg(port));
    measure(nam, url, 20); // warm up: the page, the database, Qt's own first-use costs

    std::printf("bench_lockout: %d requests from 127.0.0.1 per measurement, %d rounds\n", requests, rounds);
    for (int round = 1; round <= 2 * rounds; ++round) {
        const bool storm = round > rounds; // the later rounds: all 316 reconnect when cut
        const Latencies calm = measure(nam, url, requests);

        std::vector<std::unique_ptr<QTcpSocket>> reconnecting;
        for (int i = 0; i < 16; ++i)
            reconnecting.push_back(silent(port));
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 300; ++i)
            held.push_back(silent(port));
        int reconnects = 0;
        QTimer again;
        again.setInterval(1);
        QObject::connect(&again, &QTimer::timeout, &again, [&] {
            for (auto &c : reconnecting) {
                if (c->state() == QAbstractSocket::UnconnectedState) {
                    c = silent(port);
                    ++reconnects;
                }
            }
            if (storm) { // the 300 come back too: more silent connections than the cap, for ever
                for (auto &c : held) {
                    if (c->state() == QAbstractSocket::UnconnectedState) {
                        c = silent(port);
                        ++reconnects;
                    }
                }
            }
        });
        again.start();
        QEventLoop settle; // every attacker connected (and the server's cap reached) before measuring
        QTimer::singleShot(500, &settle, &QEventLoop::quit);
        settle.exec();
        const Latencies attacked = measure(nam, url, requests);
        again.stop();
        int open = 0;
        for (const auto &c : held)
            open += c->state() == QAbstractSocket::ConnectedState ? 1 : 0;
        reconnecting.clear();
        held.clear();

        std::printf(
            "round %d: under attack (300 silent + 16 reconnecting from 127.0.0.1%s; %d reconnects, %d of the "
            "300 open at the end): %d/%d answered 200, median %.2f ms, p99 %.2f ms, slowest %.2f "
            "ms | peer, nothing attacking: %d/%d 200, median %.2f ms, p99 %.2f ms, slowest %.2f ms | "
            "p99 ratio %.2fx\n",
            round, storm ? ", the 300 reconnecting too" : "", reconnects, open, attacked.ok, requests,
            attacked.at(0.5), attacked.at(0.99), attacked.at(1.0), calm.ok, requests, calm.at(0.5),
            calm.at(0.99), calm.at(1.0), calm.at(0.99) > 0 ? attacked.at(0.99) / calm.at(0.99) : 0.0);
        std::fflush(stdout);
        QEventLoop cool; // the server lets go of the cut connections
        QTimer::singleShot(500, &cool, &QEventLoop::quit);
        cool.exec();
    }
    serve.terminate();
    serve.waitForFinished(15000);
    return 0;
}
