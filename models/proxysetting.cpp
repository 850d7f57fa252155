#include "models/proxysetting.h"

#include "models/endpointurl.h"

namespace sd {

Result<ProxySetting> ProxySetting::parse(const QString &text)
{
    const QString t = text.trimmed();
    ProxySetting p;
    if (t.isEmpty() || t.compare(QLatin1String("system"), Qt::CaseInsensitive) == 0)
        return p;
    if (t.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
        p.kind = Kind::None;
        return p;
    }
    const QUrl url(t, QUrl::StrictMode);
    const QString shown = endpointurl::redacted(t);
    if (!url.isValid() || url.host().isEmpty())
        return Error{QStringLiteral("the proxy must be system, none or a URL such as "
                                    "http://proxy.example:3128, not \"%1\"")
                         .arg(shown)};
    if (url.scheme() != QLatin1String("http"))
        return Error{QStringLiteral("the proxy %1 must be an http:// URL (StatusDesk speaks HTTP to the "
                                    "proxy and tunnels HTTPS through it)")
                         .arg(shown)};
    if ((!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery() || url.hasFragment())
        return Error{QStringLiteral("the proxy %1 must be only a scheme, host and port").arg(shown)};
    p.kind = Kind::Url;
    p.url = url.adjusted(QUrl::RemovePath);
    return p;
}

QString ProxySetting::toString() const
{
    switch (kind) {
    case Kind::System:
        return QStringLiteral("system");
    case Kind::None:
        return QStringLiteral("none");
    case Kind::Url:
        break;
    }
    return url.toString(QUrl::FullyEncoded);
}

QString ProxySetting::redacted() const
{
    return endpointurl::redacted(toString());
}

bool noProxyMatches(const QString &host, const QString &noProxyList)
{
    if (host.isEmpty())
        return false;
    QString name = host.toLower();
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    for (QString entry : noProxyList.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        entry = entry.trimmed().toLower();
        if (entry == QLatin1String("*"))
            return true;
        // host:port and [v6]:port entries: the port is not compared.
        if (entry.startsWith(QLatin1Char('['))) {
            entry = entry.mid(1, entry.indexOf(QLatin1Char(']')) - 1);
        } else if (entry.count(QLatin1Char(':')) == 1) {
            entry = entry.left(entry.indexOf(QLatin1Char(':')));
        }
        if (entry.startsWith(QLatin1String("*.")))
            entry = entry.mid(1);
        if (entry.endsWith(QLatin1Char('.')))
            entry.chop(1);
        if (entry.startsWith(QLatin1Char('.')))
            entry = entry.mid(1);
        if (entry.isEmpty())
            continue;
        if (name == entry || name.endsWith(QLatin1Char('.') + entry))
            return true;
    }
    return false;
}

} // namespace sd
