#include "app/api/publicsite.h"

#include "app/api/historyfeeds.h"
#include "app/api/publicstatusapi.h"
#include "app/api/statuspagehtml.h"
#include "app/api/subscribechecks.h"
#include "app/api/subscribeform.h"
#include "models/store.h"

#include <QUrl>
#include <QUrlQuery>

namespace sd::api {
namespace {

QString pagePath(const Page &page)
{
    const QString path = QUrl(page.url).path();
    return path.isEmpty() ? QStringLiteral("/") : path;
}

ApiResponse htmlResponse(int status, const QString &html)
{
    ApiResponse r;
    r.status = status;
    r.contentType = QByteArrayLiteral("text/html; charset=utf-8");
    r.body = html.toUtf8();
    r.headers = {{QByteArrayLiteral("Content-Security-Policy"), statusPageCsp()},
                 {QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")},
                 {QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer")},
                 {QByteArrayLiteral("X-Frame-Options"), QByteArrayLiteral("DENY")},
                 {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")}};
    return r;
}

ApiResponse xmlResponse(const QByteArray &contentType, const QByteArray &body)
{
    ApiResponse r;
    r.contentType = contentType;
    r.body = body;
    r.headers = {{QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")},
                 {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")}};
    addCorsHeaders(r); // feed readers on the web fetch them cross-origin, as they do Statuspage's
    return r;
}

ApiResponse redirect(const QByteArray &location)
{
    ApiResponse r;
    r.status = 303;
    r.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
    r.body = QByteArrayLiteral("See ") + location + '\n';
    r.headers = {{QByteArrayLiteral("Location"), location}};
    return r;
}

bool readMethod(const QByteArray &m)
{
    return m == "GET" || m == "HEAD";
}

} // namespace

PublicSite::PublicSite(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_checks(new SubscribeChecks(store, this))
{}

PublicSite::~PublicSite() = default;

bool PublicSite::webhookSubscribersAllowed()
{
    // The page's allow_webhook_subscribers; SubscriberService refuses on its own too, this only hides the
    // form.
    return m_store.page.get().allowWebhookSubscribers;
}

std::optional<ApiResponse> PublicSite::handle(const ApiRequest &request)
{
    const QString &path = request.path;
    const bool mine = isPublicApiPath(path) || path == QLatin1String("/history.rss") ||
                      path == QLatin1String("/history.atom") || path == QLatin1String("/subscribe") ||
                      path == QLatin1String("/");
    // The page's own URL path (page.url), when it is not "/"; the management API is never one.
    const bool pageRoot = !mine && readMethod(request.method) && !path.startsWith(QLatin1String("/v1"));
    if (!mine && !pageRoot)
        return std::nullopt;
    // The unsubscribe link (meta.unsubscribe) points at the page URL with ?unsubscribe=: ApiHandlers answers
    // it, and every POST to the page URL.
    if ((path == QLatin1String("/") || pageRoot) &&
        (request.query.hasQueryItem(QStringLiteral("unsubscribe")) || request.method == "POST"))
        return std::nullopt;
    // Each request starts and ends on a fresh snapshot (see Database::finishAll()), as ApiHandlers does.
    m_store.db().finishAll();
    struct Finish
    {
        Store &s;
        ~Finish() { s.db().finishAll(); }
    } finish{m_store};
    try {
        if (pageRoot && path != pagePath(m_store.page.get()))
            return std::nullopt;
        if (isPublicApiPath(path))
            return answerPublicApi(request, PublicSnapshot::load(m_store, QDateTime::currentDateTimeUtc()));
        if (path == QLatin1String("/subscribe"))
            return request.method == "POST" ? subscribe(request) : subscribeOutcome(request);
        if (!readMethod(request.method)) {
            ApiResponse r = ApiResponse::error(
                405,
                QStringLiteral("method %1 is not allowed here").arg(QString::fromLatin1(request.method)));
            r.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD")});
            return r;
        }
        if (path == QLatin1String("/history.rss"))
            return xmlResponse(QByteArrayLiteral("application/rss+xml; charset=utf-8"),
                               historyRss(PublicSnapshot::load(m_store, QDateTime::currentDateTimeUtc())));
        if (path == QLatin1String("/history.atom"))
            return xmlResponse(QByteArrayLiteral("application/atom+xml; charset=utf-8"),
                               historyAtom(PublicSnapshot::load(m_store, QDateTime::currentDateTimeUtc())));
        return statusPage();
    } catch (const StoreError &e) {
        return ApiResponse::error(500, QStringLiteral("database error: %1").arg(e.message()));
    }
}

ApiResponse PublicSite::statusPage()
{
    SubscribeFormView form;
    form.webhooksAllowed = webhookSubscribersAllowed();
    form.csrfToken = m_checks->issueToken();
    return htmlResponse(
        200, renderStatusPage(PublicSnapshot::load(m_store, QDateTime::currentDateTimeUtc()), form));
}

ApiResponse PublicSite::subscribe(const ApiRequest &request)
{
    const QString name = m_store.page.get().name;
    auto notice = [&](int status, const QString &title, const QString &text) {
        return htmlResponse(status, renderNoticePage(name, title, text));
    };
    if (!webhookSubscribersAllowed())
        return notice(403, QStringLiteral("Not subscribed"),
                      QStringLiteral("This page does not accept webhook subscribers."));
    if (request.body.size() > kMaxSubscribeFormBytes)
        return notice(413, QStringLiteral("Not subscribed"),
                      QStringLiteral("The form is too large; nothing was saved."));
    const auto form = parseSubscribeForm(request.body);
    if (!form)
        return notice(400, QStringLiteral("Not subscribed"),
                      QStringLiteral("The form could not be read: %1. Nothing was saved.").arg(form.error()));
    if (!m_checks->tokenValid(form->csrf))
        return notice(
            403, QStringLiteral("Not subscribed"),
            QStringLiteral("This form has expired, was already used, or did not come from this status page; "
                           "reload the page and subscribe again. Nothing was saved."));
    NewSubscriber input;
    input.endpoint = form->endpoint;
    input.email = form->email;
    input.componentIds = form->componentIds;
    auto started = m_checks->start(input, request.client, form->csrf);
    if (!started) {
        const bool busy = SubscribeChecks::isBusyRefusal(started.error());
        return notice(busy ? 429 : 422, QStringLiteral("Not subscribed"),
                      started.error() + (busy ? QString() : QStringLiteral(". Nothing was saved.")));
    }
    return redirect(QByteArrayLiteral("/subscribe?check=") + started.value().toLatin1());
}

ApiResponse PublicSite::subscribeOutcome(const ApiRequest &request)
{
    const QString id = request.query.queryItemValue(QStringLiteral("check"), QUrl::FullyDecoded);
    if (id.isEmpty())
        return redirect(QByteArrayLiteral("/#subscribe"));
    const QString name = m_store.page.get().name;
    const auto view = m_checks->find(id);
    if (!view)
        return htmlResponse(404,
                            renderNoticePage(name, QStringLiteral("Unknown request"),
                                             QStringLiteral("This subscription request is unknown or too "
                                                            "old; subscribe again from the status page.")));
    switch (view->state) {
    case SubscribeChecks::State::Pending:
        return htmlResponse(
            200, renderNoticePage(name, QStringLiteral("Checking your endpoint"), view->message, 1));
    case SubscribeChecks::State::Saved:
        return htmlResponse(200, renderNoticePage(name, QStringLiteral("Subscribed"), view->message));
    case SubscribeChecks::State::Failed:
        break;
    }
    return htmlResponse(422, renderNoticePage(name, QStringLiteral("Not subscribed"), view->message));
}

} // namespace sd::api
