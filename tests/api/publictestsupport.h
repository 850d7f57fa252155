#pragma once

#include "app/api/apiserver.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "tests/support/testsupport.h"

#include <QHash>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <memory>

// Shared by tst_publicapi and tst_statuspage: a page with components, incidents and maintenances, an
// in-process ApiServer, a plain HTTP client and `statusdesk-cli serve` as a child process.
namespace sd::test {

struct PublicReply
{
    int status = 0;
    QByteArray body;
    QJsonDocument json;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

inline PublicReply httpSend(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &method = "GET",
                            const QByteArray &body = {},
                            const QByteArray &contentType = "application/x-www-form-urlencoded",
                            const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);
    PublicReply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.json = QJsonDocument::fromJson(out.body);
    for (const auto &[name, value] : reply->rawHeaderPairs())
        out.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return out;
}

// Ids of what seedPage() created.
struct SeededPage
{
    QString api, web, email; // components; api and web are in group "Core"
    QString openIncident, resolvedIncident, upcomingMaintenance, activeMaintenance;
};

inline SeededPage seedPage(ServiceContext ctx, const QString &apiName = QStringLiteral("API"),
                           const QString &incidentName = QStringLiteral("Database slow"))
{
    SeededPage s;
    auto add = [&](const QString &name, const QString &group) {
        NewComponent c;
        c.name = name;
        c.group = group;
        c.description = QStringLiteral("the %1").arg(name);
        auto added = ComponentService(ctx).add(c);
        return added.ok() ? added->id : QString();
    };
    s.api = add(apiName, QStringLiteral("Core"));
    s.web = add(QStringLiteral("Web"), QStringLiteral("Core"));
    s.email = add(QStringLiteral("Email"), QString());
    auto create = [&](const QString &name, IncidentStatus status, std::vector<ComponentStatusChange> changes,
                      QDateTime from = {}, QDateTime until = {}) {
        NewIncident n;
        n.name = name;
        n.status = status;
        n.body = QStringLiteral("We are looking into %1").arg(name);
        n.components = std::move(changes);
        n.notify = false;
        n.scheduledFor = from;
        n.scheduledUntil = until;
        auto created = IncidentService(ctx).create(n);
        return created.ok() ? created->incident.id : QString();
    };
    const QDateTime now = QDateTime::currentDateTimeUtc();
    s.resolvedIncident = create(QStringLiteral("Old outage"), IncidentStatus::Investigating,
                                {{s.email, ComponentStatus::MajorOutage}});
    IncidentUpdateInput resolve;
    resolve.status = IncidentStatus::Resolved;
    resolve.body = QStringLiteral("Fixed.");
    resolve.components = {{s.email, ComponentStatus::Operational}};
    resolve.notify = false;
    IncidentService(ctx).update(s.resolvedIncident, resolve);
    s.openIncident =
        create(incidentName, IncidentStatus::Identified, {{s.api, ComponentStatus::PartialOutage}});
    s.upcomingMaintenance = create(QStringLiteral("Upgrade later"), IncidentStatus::Scheduled, {},
                                   now.addDays(2), now.addDays(2).addSecs(3600));
    s.activeMaintenance =
        create(QStringLiteral("Upgrade now"), IncidentStatus::InProgress,
               {{s.web, ComponentStatus::UnderMaintenance}}, now.addSecs(-600), now.addSecs(3000));
    return s;
}

// `statusdesk-cli --db PATH serve` on a free loopback port, as a user runs it.
class ServeProcess
{
public:
    explicit ServeProcess(const QString &dbPath)
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(QStringLiteral(STATUSDESK_CLI_PATH),
                        {QStringLiteral("--db"), dbPath, QStringLiteral("serve"), QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:0")});
    }
    ~ServeProcess()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
        m_process.waitForFinished(5000);
    }
    ServeProcess(const ServeProcess &) = delete;
    ServeProcess &operator=(const ServeProcess &) = delete;

    // The server's base URL ("http://127.0.0.1:PORT/") once it says it listens; empty on failure.
    QString waitForUrl() { return waitForServeUrl(m_process, &m_out); }
    // What to print when the server did not come up: its output and why it stopped.
    QByteArray errors()
    {
        return m_out + m_process.readAllStandardError() + "\n(" + m_process.errorString().toUtf8() +
               ", exit code " + QByteArray::number(m_process.exitCode()) + ")";
    }

private:
    QProcess m_process;
    QByteArray m_out;
};

} // namespace sd::test
