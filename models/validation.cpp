#include "models/validation.h"

#include "models/endpointurl.h"
#include "models/ids.h"
#include "models/targetpolicy.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>

namespace sd::validation {

QString checkEndpoint(const QString &endpoint)
{
    const QString trimmed = endpoint.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("endpoint is required");
    if (const QString err = checkText(trimmed, QStringLiteral("endpoint")); !err.isEmpty())
        return err;
    // Shown redacted from here on: an error message is shown, logged and stored like any other text.
    const QString shown = endpointurl::redacted(trimmed);
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.isRelative() || url.host().isEmpty() ||
        endpointurl::normalized(trimmed).isEmpty())
        return QStringLiteral("endpoint \"%1\" is not an absolute http or https URL").arg(shown);
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return QStringLiteral("endpoint \"%1\" is not an absolute http or https URL (scheme \"%2\")")
            .arg(shown, scheme);
    const QString host = url.host().toLower();
    if (host == QLatin1String("hooks.slack.com") || host.endsWith(QLatin1String(".hooks.slack.com")))
        // StatusDesk has no Slack channel: Slack answers Statuspage's JSON with 400 invalid_payload.
        return QStringLiteral(
            "Slack webhook URLs are not supported: Slack accepts only its own message format, "
            "not Statuspage webhooks; point the endpoint at a service that relays to Slack");
    return targetpolicy::checkHost(host, false);
}

QString checkEmail(const QString &email)
{
    const QString trimmed = email.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("email is required (failure notices go there)");
    if (const QString err = checkText(trimmed, QStringLiteral("email")); !err.isEmpty())
        return err;
    static const QRegularExpression re(QStringLiteral(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)"));
    if (!re.match(trimmed).hasMatch() || trimmed.size() > 254)
        return QStringLiteral("email \"%1\" is not a valid address").arg(trimmed);
    return {};
}

QString checkName(const QString &name, const QString &what)
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("%1 name is required").arg(what);
    if (const QString err = checkText(name, what + QStringLiteral(" name")); !err.isEmpty())
        return err;
    if (name.size() > kMaxNameLength)
        return QStringLiteral("%1 name is %2 characters; the limit is %3")
            .arg(what)
            .arg(name.size())
            .arg(kMaxNameLength);
    return {};
}

QString checkBody(const QString &body)
{
    if (body.trimmed().isEmpty())
        return QStringLiteral("update body is required");
    if (const QString err = checkText(body, QStringLiteral("update body")); !err.isEmpty())
        return err;
    if (body.size() > kMaxBodyLength)
        return QStringLiteral("update body is %1 characters; the limit is %2")
            .arg(body.size())
            .arg(kMaxBodyLength);
    return {};
}

QString checkPageUrl(const QString &url, const QString &what)
{
    if (url.isEmpty())
        return {};
    if (const QString err = checkText(url, what); !err.isEmpty())
        return err;
    const QUrl u(url, QUrl::StrictMode);
    const QString scheme = u.scheme().toLower();
    if (!u.isValid() || u.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return QStringLiteral("%1 \"%2\" is not an absolute http or https URL").arg(what, url);
    return {};
}

bool isIanaTimeZone(const QString &tz)
{
    // Qt 6.4's isTimeZoneIdAvailable() only knows the names in zone.tab (one per country region), so it
    // refuses Etc/UTC, Etc/GMT+5 and every link name (US/Eastern, Asia/Calcutta) although tzdata ships them
    // all and QTimeZone loads them. So: the IANA name grammar (no "..", no leading "/", so a name never
    // leaves the zone folder), then whether the backend builds a valid zone from it.
    static const QRegularExpression grammar(
        QStringLiteral("^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)*$"));
    if (tz.isEmpty() || tz.size() > 64 || !grammar.match(tz).hasMatch())
        return false;
    if (QTimeZone::isTimeZoneIdAvailable(tz.toUtf8()))
        return true;
    // A name tzdata ships is a file under the zone folder; without that check Qt would also read a bare word
    // such as "Etc" as a POSIX TZ rule.
    const QString dir = qEnvironmentVariableIsSet("TZDIR") ? qEnvironmentVariable("TZDIR")
                                                           : QStringLiteral("/usr/share/zoneinfo");
    return QFileInfo(dir + QLatin1Char('/') + tz).isFile() && QTimeZone(tz.toUtf8()).isValid();
}

QString checkTimeZone(const QString &tz)
{
    if (!isIanaTimeZone(tz))
        return QStringLiteral(
                   "time zone \"%1\" is not a known IANA time zone (for example Etc/UTC, America/Denver)")
            .arg(tz);
    return {};
}

QString checkSigningSecret(const QString &secret)
{
    if (secret.isEmpty())
        return {};
    if (!ids::isValidSigningSecret(secret))
        return QStringLiteral("signing secret must be whsec_ followed by base64 of 24 to 64 bytes");
    return {};
}

QString checkText(const QString &text, const QString &what)
{
    const QChar *p = text.constData();
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = p[i];
        if (c.isNull())
            return QStringLiteral("%1 contains a NUL character, which cannot be stored; remove it").arg(what);
        if (c.isHighSurrogate() && i + 1 < n && p[i + 1].isLowSurrogate()) {
            ++i;
            continue;
        }
        if (c.isSurrogate())
            return QStringLiteral(
                       "%1 contains invalid UTF-16 (a lone surrogate at position %2), which cannot be "
                       "stored as text; remove it")
                .arg(what)
                .arg(i + 1);
    }
    return {};
}

} // namespace sd::validation
