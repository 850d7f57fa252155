#include "app/api/apihandlers.h"
#include "app/api/apirequestparser.h"
#include "app/services/subscriberservice.h"
#include "models/endpointurl.h"

// The public unsubscribe link: a confirmation page (GET) and its form (POST), no API key.
namespace sd::api {
namespace {

ApiResponse html(int status, const QString &title, const QString &bodyHtml)
{
    ApiResponse r;
    r.status = status;
    r.contentType = QByteArrayLiteral("text/html; charset=utf-8");
    r.body =
        QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width\"><title>%1</title>"
                       "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em}"
                       "code{word-break:break-all}</style></head><body>\n<h1>%1</h1>\n%2\n</body></html>\n")
            .arg(title.toHtmlEscaped(), bodyHtml)
            .toUtf8();
    // The token is in the URL: keep it out of caches and Referer headers; the page needs no scripts.
    r.headers = {{QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")},
                 {QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer")},
                 {QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")},
                 {QByteArrayLiteral("Content-Security-Policy"),
                  QByteArrayLiteral("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")}};
    return r;
}

} // namespace

ApiResponse unsubscribePage(ServiceContext &ctx, const ApiRequest &r)
{
    const QString token = unsubscribeToken(r.query, r.method == "POST" ? r.body : QByteArray());
    // Same answer for a missing, unknown or spent token: the page confirms nothing about other subscribers.
    const ApiResponse unknown =
        html(404, QStringLiteral("Link not valid"),
             QStringLiteral("<p>This unsubscribe link is not valid, or it has already been used.</p>"));
    if (token.isEmpty() || token.size() > 128)
        return unknown;
    const auto found = ctx.store.subscribers.findByToken(token);
    if (!found || found->state == SubscriberState::Unsubscribed)
        return unknown;
    const QString endpoint = endpointurl::redacted(found->endpoint).toHtmlEscaped();
    if (r.method == "GET") {
        return html(
            200, QStringLiteral("Unsubscribe webhook"),
            QStringLiteral("<p>Stop sending status webhooks to <code>%1</code>?</p>\n"
                           "<form method=\"post\"><input type=\"hidden\" name=\"unsubscribe\" value=\"%2\">"
                           "<button type=\"submit\">Unsubscribe</button></form>")
                .arg(endpoint, token.toHtmlEscaped()));
    }
    ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto done = SubscriberService(ctx).unsubscribeByToken(token);
    if (!done && done.error().startsWith(QLatin1String("database error")))
        return html(500, QStringLiteral("Try again"),
                    QStringLiteral("<p>The unsubscribe could not be saved; please try again.</p><!-- %1 -->")
                        .arg(done.error().toHtmlEscaped()));
    if (!done)
        return unknown;
    return html(
        200, QStringLiteral("Unsubscribed"),
        QStringLiteral("<p><code>%1</code> will receive no more webhooks from this page.</p>").arg(endpoint));
}

} // namespace sd::api
