#pragma once

#include "models/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <functional>

namespace sd::upstream {

class UpstreamHttp;

// A page as Statuspage's management API v1 gives it: every list read to its end.
struct StatuspageExport
{
    QString pageId;
    QJsonObject page;
    QJsonArray groups;
    QJsonArray components;
    QJsonArray incidents;   // with their incident_updates
    QJsonArray subscribers; // webhook subscribers, every state
};

// Reads one page from Statuspage's management API v1 (or anything that speaks it, such as `statusdesk-cli
// serve`) over QNetworkAccessManager, paging through every list (`page`/`per_page`, from 1; subscribers from
// 0, as Statuspage documents), waiting out 429s. The key goes in the Authorization header only: it is never
// part of a URL, a message or anything stored.
class StatuspageClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatuspageClient)

public:
    static constexpr const char *kDefaultApiUrl = "https://api.statuspage.io/v1";

    StatuspageClient(UpstreamHttp &http, QString apiUrl, QString pageId, QString key,
                     QObject *parent = nullptr);
    ~StatuspageClient() override;

    using Done = std::function<void(const Result<StatuspageExport> &)>;
    void fetch(const Done &done);

Q_SIGNALS:
    void progress(const QString &list, int items); // "components", 20

private:
    struct Pass;
    void step();
    void getPage(const QString &path, int page, int size);

    UpstreamHttp &m_http;
    QString m_apiUrl;
    QString m_pageId;
    QByteArray m_authorization;
    std::unique_ptr<Pass> m_pass;
};

} // namespace sd::upstream
