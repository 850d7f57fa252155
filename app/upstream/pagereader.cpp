#include "app/upstream/pagereader.h"

#include "app/upstream/pollpolicy.h"

#include <QDateTime>
#include <memory>

namespace sd::upstream {
namespace {

// One sentence for an answer that is not a usable 200 or 304.
QString failureText(const QString &url, const HttpAnswer &a)
{
    if (!a.errorClass.isEmpty())
        return QStringLiteral("cannot read %1 (%2): %3").arg(url, a.errorClass, a.error);
    if (a.status >= 300 && a.status < 400)
        return QStringLiteral(
                   "%1 answered HTTP %2, a redirect to %3 (not followed: follow that address instead)")
            .arg(url)
            .arg(a.status)
            .arg(QString::fromUtf8(a.header("location")));
    return QStringLiteral("%1 answered HTTP %2").arg(url).arg(a.status);
}

PageRead failed(const QString &error, const HttpAnswer &a)
{
    PageRead r;
    r.outcome = PageRead::Outcome::Failed;
    r.error = error;
    if (a.status == 429 || a.status == 503)
        r.retryAfterMs = parseRetryAfter(a.header("retry-after"), QDateTime::currentDateTimeUtc());
    return r;
}

// Looks up the final state of incidents (or maintenances) that left the summary, one list after the other.
void lookUpClosed(UpstreamHttp &http, const QString &base, QStringList lists, std::shared_ptr<PageRead> read,
                  const std::function<void(const PageRead &)> &done)
{
    if (lists.isEmpty()) {
        done(*read);
        return;
    }
    const QString url = base + lists.takeFirst();
    http.get(QUrl(url), {}, [&http, base, lists, read, done, url](const HttpAnswer &a) {
        if (a.status != 200) {
            done(failed(failureText(url, a), a));
            return;
        }
        auto list = parseIncidentList(a.body);
        if (!list) {
            done(failed(QStringLiteral("%1: %2").arg(url, list.error()), a));
            return;
        }
        for (SummaryIncident &i : list.value())
            read->closed.push_back(std::move(i));
        lookUpClosed(http, base, lists, read, done);
    });
}

} // namespace

void readPage(UpstreamHttp &http, const Upstream &upstream, const std::function<void(const PageRead &)> &done)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!upstream.etag.isEmpty())
        headers.append({QByteArrayLiteral("If-None-Match"), upstream.etag.toUtf8()});
    if (!upstream.lastModified.isEmpty())
        headers.append({QByteArrayLiteral("If-Modified-Since"), upstream.lastModified.toUtf8()});
    const QString url = upstream.summaryUrl();
    const QByteArray stored = upstream.snapshot;
    const QString base = upstream.url;
    http.get(QUrl(url), headers, [&http, url, stored, base, done](const HttpAnswer &a) {
        if (a.status == 304) {
            PageRead r;
            r.outcome = PageRead::Outcome::NotModified;
            done(r);
            return;
        }
        if (a.status != 200) {
            done(failed(failureText(url, a), a));
            return;
        }
        auto summary = parseSummary(a.body);
        if (!summary) {
            done(failed(QStringLiteral("%1: %2").arg(url, summary.error()), a));
            return;
        }
        auto read = std::make_shared<PageRead>();
        read->outcome = PageRead::Outcome::Fresh;
        read->body = a.body;
        read->etag = QString::fromUtf8(a.header("etag"));
        read->lastModified = QString::fromUtf8(a.header("last-modified"));
        QStringList lists;
        if (auto before = parseSummary(stored)) {
            bool incidents = false;
            bool maintenances = false;
            for (const SummaryIncident *gone : vanished(before.value(), summary.value()))
                (gone->maintenance ? maintenances : incidents) = true;
            if (incidents)
                lists << QStringLiteral("/api/v2/incidents.json");
            if (maintenances)
                lists << QStringLiteral("/api/v2/scheduled-maintenances.json");
        }
        lookUpClosed(http, base, lists, read, done);
    });
}

} // namespace sd::upstream
