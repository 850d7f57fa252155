#pragma once

#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/pageservice.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

// Shared by the upstream suites: `statusdesk-cli` processes (serve as a followed page, serve as the poller,
// import), and a followed page on a store of its own.
namespace sd::test {

// `statusdesk-cli --db PATH serve --listen ADDRESS:0` as a user runs it; its base URL once it listens.
class CliServe final
{
public:
    explicit CliServe(const QString &dbPath, const QString &address = QStringLiteral("127.0.0.1"))
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(cliPath(), {QStringLiteral("--db"), dbPath, QStringLiteral("serve"),
                                    QStringLiteral("--listen"), address + QStringLiteral(":0")});
    }
    ~CliServe() { stop(); }
    CliServe(const CliServe &) = delete;
    CliServe &operator=(const CliServe &) = delete;

    QString waitForUrl() { return waitForServeUrl(m_process, &m_out); }
    qint64 pid() const { return m_process.processId(); }
    bool running() const { return m_process.state() == QProcess::Running; }
    void kill() // SIGKILL: no clean shutdown, leases stay behind
    {
        if (running())
            ::kill(static_cast<pid_t>(m_process.processId()), SIGKILL);
        m_process.waitForFinished(5000);
    }
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
        m_process.waitForFinished(5000);
    }
    QByteArray output()
    {
        m_out += m_process.readAllStandardOutput();
        return m_out + m_process.readAllStandardError();
    }

private:
    QProcess m_process;
    QByteArray m_out;
};

// A followed page: its own SQLite store, changed through the services as its operator would, served by a real
// `statusdesk-cli serve` (which speaks Statuspage's public v2 and v1).
class UpstreamPage final
{
public:
    explicit UpstreamPage(const QString &address = QStringLiteral("127.0.0.1"))
    {
        QString error;
        m_path = m_dir.filePath(QStringLiteral("upstream.sqlite"));
        m_store = Store::open(m_path, &error);
        if (!m_store)
            qFatal("cannot open the upstream store: %s", qPrintable(error));
        PageService(context()).update([] {
            PagePatch p;
            p.name = QStringLiteral("Vendor X Status");
            return p;
        }());
        api = addComponent(QStringLiteral("API"), QStringLiteral("Core"));
        web = addComponent(QStringLiteral("Web"), QStringLiteral("Core"));
        m_serve = std::make_unique<CliServe>(m_path, address);
        url = m_serve->waitForUrl();
        if (url.endsWith(QLatin1Char('/')))
            url.chop(1);
    }
    ServiceContext context() { return ServiceContext{*m_store}; }
    Store &store() { return *m_store; }
    QString path() const { return m_path; }

    QString addComponent(const QString &name, const QString &group)
    {
        NewComponent c;
        c.name = name;
        c.group = group;
        return ComponentService(context()).add(c)->id;
    }
    bool setStatus(const QString &component, ComponentStatus status)
    {
        ComponentPatch patch;
        patch.status = status;
        patch.notify = false;
        return ComponentService(context()).update(component, patch).ok();
    }
    QString openIncident(const QString &name, IncidentStatus status, const QString &component,
                         ComponentStatus componentStatus)
    {
        NewIncident n;
        n.name = name;
        n.status = status;
        n.body = QStringLiteral("We are looking into %1.").arg(name);
        n.components = {{component, componentStatus}};
        n.notify = false;
        auto created = IncidentService(context()).create(n);
        return created.ok() ? created->incident.id : QString();
    }
    bool updateIncident(const QString &id, IncidentStatus status, const QString &body,
                        std::vector<ComponentStatusChange> components = {})
    {
        IncidentUpdateInput u;
        u.status = status;
        u.body = body;
        u.components = std::move(components);
        u.notify = false;
        return IncidentService(context()).update(id, u).ok();
    }

    QString api;
    QString web;
    QString url; // http://127.0.0.1:PORT

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<CliServe> m_serve;
};

// The component_update / incident bodies a receiver got, parsed.
inline QJsonObject bodyOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

} // namespace sd::test
