#include "app/upstream/statuspageclient.h"

#include "app/upstream/pollpolicy.h"
#include "app/upstream/upstreamhttp.h"

#include <QJsonDocument>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <iterator>

namespace sd::upstream {
namespace {

constexpr int kPageSize = 100; // Statuspage's largest page
constexpr int kMaxPages = 10'000;
constexpr int kMaxRetries = 5;

// The lists, in the order they are read (groups before the components that name them, components before the
// incidents and subscribers that name them). Subscribers are paged from 0, as Statuspage documents.
struct ListSpec
{
    const char *name;
    const char *path;
    const char *query; // besides page and the size
    const char *sizeParam;
    int firstPage;
    QJsonArray StatuspageExport::*into;
};
const ListSpec kLists[] = {
    {"component groups", "/component-groups", "", "per_page", 1, &StatuspageExport::groups},
    {"components", "/components", "", "per_page", 1, &StatuspageExport::components},
    {"incidents", "/incidents", "", "limit", 1, &StatuspageExport::incidents},
    {"webhook subscribers", "/subscribers", "type=webhook&state=all&", "limit", 0,
     &StatuspageExport::subscribers},
};

} // namespace

struct StatuspageClient::Pass
{
    Done done;
    StatuspageExport out;
    int list = -1; // -1: the page itself
    int page = 0;
    int pagesRead = 0;
    int retries = 0;
    QSet<QString> seen;
};

StatuspageClient::StatuspageClient(UpstreamHttp &http, QString apiUrl, QString pageId, QString key,
                                   QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_apiUrl(std::move(apiUrl))
    , m_pageId(std::move(pageId))
    , m_authorization(QByteArrayLiteral("OAuth ") + key.trimmed().toUtf8())
{
    while (m_apiUrl.endsWith(QLatin1Char('/')))
        m_apiUrl.chop(1);
}

StatuspageClient::~StatuspageClient() = default;

void StatuspageClient::fetch(const Done &done)
{
    m_pass = std::make_unique<Pass>();
    m_pass->done = done;
    m_pass->out.pageId = m_pageId;
    step();
}

void StatuspageClient::step()
{
    Pass &p = *m_pass;
    if (p.list < 0) {
        getPage(QString(), 0, 0);
        return;
    }
    if (p.list >= static_cast<int>(std::size(kLists))) {
        const Done done = p.done;
        const StatuspageExport out = p.out;
        m_pass.reset();
        done(out);
        return;
    }
    const ListSpec &spec = kLists[p.list];
    getPage(QString::fromLatin1(spec.path), p.page, kPageSize);
}

void StatuspageClient::getPage(const QString &path, int page, int size)
{
    QString url =
        m_apiUrl + QStringLiteral("/pages/") + QString::fromUtf8(QUrl::toPercentEncoding(m_pageId)) + path;
    const ListSpec *spec = m_pass->list >= 0 ? &kLists[m_pass->list] : nullptr;
    if (spec)
        url += QStringLiteral("?%1page=%2&%3=%4")
                   .arg(QString::fromLatin1(spec->query))
                   .arg(page)
                   .arg(QString::fromLatin1(spec->sizeParam))
                   .arg(size);
    const QList<QPair<QByteArray, QByteArray>> headers{{QByteArrayLiteral("Authorization"), m_authorization}};
    m_http.get(QUrl(url), headers, [this, url, path, page, size, spec](const HttpAnswer &a) {
        if (!m_pass)
            return;
        auto fail = [this](const QString &why) {
            const Done done = m_pass->done;
            m_pass.reset();
            done(Error{why});
        };
        if (!a.errorClass.isEmpty())
            return fail(QStringLiteral("cannot read %1 (%2): %3").arg(url, a.errorClass, a.error));
        if (a.status == 429 && m_pass->retries < kMaxRetries) {
            ++m_pass->retries;
            const qint64 wait = parseRetryAfter(a.header("retry-after"), QDateTime::currentDateTimeUtc());
            QTimer::singleShot(static_cast<int>(std::clamp<qint64>(wait, 1000, 60'000)), this,
                               [this, path, page, size] { getPage(path, page, size); });
            return;
        }
        if (a.status == 401 || a.status == 403)
            return fail(
                QStringLiteral("the API refused the key (HTTP %1 from %2): check --key, and that the key "
                               "may read page %3")
                    .arg(a.status)
                    .arg(url, m_pageId));
        if (a.status == 404)
            return fail(
                QStringLiteral("%1 answered HTTP 404: check --page (%2) and --api-url").arg(url, m_pageId));
        if (a.status != 200)
            return fail(QStringLiteral("%1 answered HTTP %2: %3")
                            .arg(url)
                            .arg(a.status)
                            .arg(QString::fromUtf8(a.body.left(200)).simplified()));
        m_pass->retries = 0;
        const QJsonDocument doc = QJsonDocument::fromJson(a.body);
        if (!spec) {
            if (!doc.isObject() || doc.object().value(QLatin1String("id")).toString().isEmpty())
                return fail(QStringLiteral("%1 did not answer a page object").arg(url));
            m_pass->out.page = doc.object();
            m_pass->list = 0;
            m_pass->page = kLists[0].firstPage;
            step();
            return;
        }
        if (!doc.isArray())
            return fail(QStringLiteral("%1 did not answer a JSON list").arg(url));
        const QJsonArray items = doc.array();
        int added = 0;
        QJsonArray &into = m_pass->out.*(spec->into);
        for (const QJsonValue &v : items) {
            const QString id = v.toObject().value(QLatin1String("id")).toString();
            if (id.isEmpty() || m_pass->seen.contains(QString::fromLatin1(spec->name) + id))
                continue;
            m_pass->seen.insert(QString::fromLatin1(spec->name) + id);
            into.append(v);
            ++added;
        }
        Q_EMIT progress(QString::fromLatin1(spec->name), static_cast<int>(into.size()));
        // A short page ends the list; so does one that brings nothing new (a server that ignores paging).
        if (items.size() < size || added == 0 || ++m_pass->pagesRead >= kMaxPages) {
            ++m_pass->list;
            if (m_pass->list < static_cast<int>(std::size(kLists)))
                m_pass->page = kLists[m_pass->list].firstPage;
        } else {
            ++m_pass->page;
        }
        step();
    });
}

} // namespace sd::upstream
