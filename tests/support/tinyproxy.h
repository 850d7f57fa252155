#pragma once

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace sd::test {

// A real forward proxy for the tests: Debian's tinyproxy, started with a config of its own on a free loopback
// port, its request lines read back from its log (tst_proxy for webhooks, tst_upstream for followed pages).
class Tinyproxy final
{
    Q_DISABLE_COPY_MOVE(Tinyproxy)

public:
    Tinyproxy() = default;
    ~Tinyproxy()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    // Starts on a free 127.0.0.1 port; `basicAuth` is "user password" or empty.
    bool start(const QString &basicAuth = {})
    {
        const QString program = QStandardPaths::findExecutable(QStringLiteral("tinyproxy"));
        if (program.isEmpty())
            return false;
        QTcpServer probe; // a free port, given back just before tinyproxy takes it
        if (!probe.listen(QHostAddress::LocalHost))
            return false;
        port = probe.serverPort();
        probe.close();
        QFile conf(m_dir.filePath(QStringLiteral("tinyproxy.conf")));
        if (!conf.open(QIODevice::WriteOnly))
            return false;
        QByteArray text = "Port " + QByteArray::number(port) +
                          "\nListen 127.0.0.1\nTimeout 30\nLogLevel Connect\nMaxClients 50\nAllow 127.0.0.1\n"
                          "LogFile \"" +
                          logPath().toUtf8() + "\"\n";
        if (!basicAuth.isEmpty())
            text += "BasicAuth " + basicAuth.toUtf8() + '\n';
        conf.write(text);
        conf.close();
        m_process.start(program, {QStringLiteral("-d"), QStringLiteral("-c"), conf.fileName()});
        if (!m_process.waitForStarted(5000))
            return false;
        for (int i = 0; i < 100; ++i) { // listening yet?
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            if (s.waitForConnected(100))
                return true;
            QTest::qWait(50);
        }
        return false;
    }
    QString url(const QString &credentials = {}) const
    {
        const QString auth = credentials.isEmpty() ? QString() : credentials + QLatin1Char('@');
        return QStringLiteral("http://") + auth + QStringLiteral("127.0.0.1:") + QString::number(port);
    }
    // The request lines tinyproxy logged: "POST http://... HTTP/1.1", "CONNECT 127.0.0.1:443 HTTP/1.1".
    QStringList requests() const
    {
        QFile log(logPath());
        QStringList lines;
        if (!log.open(QIODevice::ReadOnly))
            return lines;
        for (const QByteArray &line : log.readAll().split('\n')) {
            const qsizetype at = line.indexOf("Request (file descriptor");
            if (at >= 0)
                lines << QString::fromUtf8(line.mid(line.indexOf("): ", at) + 3)).trimmed();
        }
        return lines;
    }
    quint16 port = 0;

private:
    QString logPath() const { return m_dir.filePath(QStringLiteral("tinyproxy.log")); }
    QTemporaryDir m_dir;
    QProcess m_process;
};

} // namespace sd::test
