#pragma once

#include <QByteArray>
#include <QString>

// The public status page: plain server-rendered HTML with inline CSS and no scripts. Every interpolated value
// goes through web::escape (htmlescape.h).
namespace sd::api {

struct PublicSnapshot;

struct SubscribeFormView
{
    bool webhooksAllowed = true; // off: the page shows no subscribe form
    QString csrfToken;           // the form's hidden token (SubscribeChecks::issueToken)
};

QString renderStatusPage(const PublicSnapshot &snapshot, const SubscribeFormView &form);
// A short page for the subscribe flow: `paragraph` is plain text (escaped here); `refreshSeconds` > 0
// reloads the page (a <meta> refresh, so the wait works without JavaScript).
QString renderNoticePage(const QString &pageName, const QString &title, const QString &paragraph,
                         int refreshSeconds = 0);
// The Content-Security-Policy every page above is served with: no scripts at all, the one inline style block
// allowed by its hash, forms only to this origin.
QByteArray statusPageCsp();

// Colours of the indicator banner and component statuses (also what the screenshot test samples).
QString indicatorColour(const QString &indicator); // "#2fcc66" for none, ...

} // namespace sd::api
