#include "models/endpointurl.h"

#include <QUrl>

namespace sd::endpointurl {
namespace {

int defaultPort(const QString &scheme)
{
    if (scheme == QLatin1String("http"))
        return 80;
    if (scheme == QLatin1String("https"))
        return 443;
    return -1;
}

bool isSchemeChar(QChar c, bool first)
{
    if (c.unicode() >= 0x80)
        return false;
    const char l = c.toLatin1();
    if ((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z'))
        return true;
    return !first && ((l >= '0' && l <= '9') || l == '+' || l == '-' || l == '.');
}

} // namespace

QString normalized(const QString &endpoint)
{
    QUrl url(endpoint.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.isRelative() || url.host().isEmpty())
        return {};
    const QString scheme = url.scheme().toLower();
    url.setScheme(scheme);
    // QUrl already lower-cases the host and applies IDNA mapping; FullyEncoded below writes it as ASCII
    // (ACE).
    url.setHost(url.host(QUrl::FullyDecoded).toLower(), QUrl::DecodedMode);
    if (url.port() == defaultPort(scheme))
        url.setPort(-1);
    url.setFragment(QString());
    if (url.path().isEmpty())
        url.setPath(QStringLiteral("/"));
    // The port is kept as a number, so ":01" comes back as ":1".
    return QString::fromLatin1(url.toEncoded(QUrl::FullyEncoded));
}

QString origin(const QString &endpoint)
{
    const QUrl url(endpoint);
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    return url.scheme() + QStringLiteral("://") + url.host() + QLatin1Char(':') + QString::number(port);
}

QString redacted(const QString &text)
{
    QString out;
    out.reserve(text.size());
    qsizetype pos = 0;
    while (pos < text.size()) {
        const qsizetype sep = text.indexOf(QLatin1String("://"), pos);
        if (sep < 0)
            break;
        // Only a real scheme before "://" (letters first), so prose with "://" in it is left alone.
        qsizetype schemeStart = sep;
        while (schemeStart > pos && isSchemeChar(text.at(schemeStart - 1), false))
            --schemeStart;
        while (schemeStart < sep && !isSchemeChar(text.at(schemeStart), true))
            ++schemeStart;
        const qsizetype authStart = sep + 3;
        qsizetype authEnd = authStart;
        while (authEnd < text.size()) {
            const QChar c = text.at(authEnd);
            // Quotes and angle brackets end a URL quoted in prose; a single quote does not (it may stand
            // unencoded in a password).
            if (c == QLatin1Char('/') || c == QLatin1Char('?') || c == QLatin1Char('#') || c.isSpace() ||
                c == QLatin1Char('"') || c == QLatin1Char('<') || c == QLatin1Char('>'))
                break;
            ++authEnd;
        }
        const qsizetype at = schemeStart < sep ? text.lastIndexOf(QLatin1Char('@'), authEnd - 1) : -1;
        if (at < authStart) {
            out += QStringView(text).mid(pos, authStart - pos);
            pos = authStart;
            continue;
        }
        const qsizetype colon = text.indexOf(QLatin1Char(':'), authStart);
        out += QStringView(text).mid(pos, authStart - pos);
        if (colon >= 0 && colon < at)
            out += QStringView(text).mid(authStart, colon + 1 - authStart);
        out += QLatin1String("***");
        pos = at; // from the '@' on
    }
    out += QStringView(text).mid(pos);
    return out;
}

namespace {

// The user info of an absolute URL written by hand ("user:pass" in "https://user:pass@host/"), found the
// way redacted() finds it; empty when there is none.
QStringView userInfoOf(const QString &url, qsizetype *start = nullptr)
{
    const qsizetype sep = url.indexOf(QLatin1String("://"));
    if (sep < 0)
        return {};
    const qsizetype authStart = sep + 3;
    qsizetype authEnd = authStart;
    while (authEnd < url.size() && url.at(authEnd) != QLatin1Char('/') &&
           url.at(authEnd) != QLatin1Char('?') && url.at(authEnd) != QLatin1Char('#'))
        ++authEnd;
    const qsizetype at = url.lastIndexOf(QLatin1Char('@'), authEnd - 1);
    if (at < authStart)
        return {};
    if (start)
        *start = authStart;
    return QStringView(url).mid(authStart, at - authStart);
}

} // namespace

QString withStoredCredentials(const QString &edited, const QString &stored)
{
    const QString shown = redacted(stored);
    const QStringView storedInfo = userInfoOf(stored);
    if (storedInfo.isEmpty() || shown == stored)
        return edited;
    qsizetype start = 0;
    const QStringView editedInfo = userInfoOf(edited, &start);
    if (editedInfo.isEmpty() || editedInfo != userInfoOf(shown))
        return edited;
    QString out = edited;
    out.replace(start, editedInfo.size(), storedInfo.toString());
    return out;
}

bool hasCredentials(const QString &url)
{
    return !QUrl(url.trimmed()).userInfo().isEmpty();
}

} // namespace sd::endpointurl
