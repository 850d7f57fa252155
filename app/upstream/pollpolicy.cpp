#include "app/upstream/pollpolicy.h"

#include "models/targetpolicy.h"

#include <QDateTime>
#include <QHostAddress>
#include <QLocale>
#include <QRegularExpression>
#include <QUrl>
#include <algorithm>

namespace sd::upstream {

Result<QString> normalizePageUrl(const QString &text)
{
    const QString trimmed = text.trimmed();
    QUrl url(trimmed, QUrl::StrictMode);
    if (trimmed.isEmpty() || !url.isValid() || url.host().isEmpty())
        return Error{QStringLiteral("\"%1\" is not a page URL; give the status page's address, e.g. "
                                    "https://status.example.com")
                         .arg(trimmed)};
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return Error{QStringLiteral("\"%1\" is not an http or https URL").arg(trimmed)};
    if (!url.userInfo().isEmpty())
        return Error{QStringLiteral("a followed page is public: its URL carries no user name or password")};
    if (url.hasQuery() || url.hasFragment())
        return Error{QStringLiteral("give the page's address without a query or fragment (%1)").arg(trimmed)};
    if (const QString why = targetpolicy::checkHost(url.host(), false); !why.isEmpty())
        return Error{why};
    QString path = url.path();
    for (const QLatin1String suffix :
         {QLatin1String("/api/v2/summary.json"), QLatin1String("/api/v2/summary"), QLatin1String("/api/v2/"),
          QLatin1String("/api/v2")}) {
        if (path.endsWith(suffix)) {
            path.chop(suffix.size());
            break;
        }
    }
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setScheme(scheme);
    url.setHost(url.host().toLower());
    url.setPath(path);
    if ((scheme == QLatin1String("http") && url.port() == 80) ||
        (scheme == QLatin1String("https") && url.port() == 443))
        url.setPort(-1);
    return url.toString(QUrl::FullyEncoded);
}

bool isLoopbackUrl(const QUrl &url)
{
    const QString host = url.host();
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress address = targetpolicy::literalAddress(host);
    return !address.isNull() && address.isLoopback();
}

Result<qint64> parseInterval(const QString &text, const QString &pageUrl)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d{1,7})\\s*(ms|s|m|h)?\\s*$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return Error{QStringLiteral("--every expects a time such as 60s, 5m or 1h, got \"%1\"").arg(text)};
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    const qint64 ms = unit == QLatin1String("ms")  ? n
                      : unit == QLatin1String("m") ? n * 60'000
                      : unit == QLatin1String("h") ? n * 3'600'000
                                                   : n * 1'000;
    const bool loopback = isLoopbackUrl(QUrl(pageUrl));
    const qint64 minimum = loopback ? kMinLoopbackIntervalMs : kMinIntervalMs;
    if (ms < minimum)
        return Error{
            QStringLiteral("--every %1 is too often: a page is read at most every %2%3")
                .arg(text.trimmed(), formatInterval(minimum),
                     loopback ? QString() : QStringLiteral(" (every 1s for a page on this machine)"))};
    if (ms > kMaxIntervalMs)
        return Error{
            QStringLiteral("--every %1 is too long: a page is read at least every hour").arg(text.trimmed())};
    return ms;
}

QString formatInterval(qint64 ms)
{
    if (ms % 3'600'000 == 0)
        return QStringLiteral("%1h").arg(ms / 3'600'000);
    if (ms % 60'000 == 0)
        return QStringLiteral("%1m").arg(ms / 60'000);
    if (ms % 1'000 == 0)
        return QStringLiteral("%1s").arg(ms / 1'000);
    return QStringLiteral("%1ms").arg(ms);
}

qint64 nextDelayMs(qint64 intervalMs, int failures, qint64 retryAfterMs)
{
    qint64 delay = intervalMs;
    for (int i = 0; i < failures && delay < kMaxBackoffMs; ++i)
        delay *= 2;
    delay = std::max(intervalMs, std::min(delay, kMaxBackoffMs));
    if (retryAfterMs > 0)
        delay = std::max(delay, std::min(retryAfterMs, kMaxRetryAfterMs));
    return delay;
}

qint64 parseRetryAfter(const QByteArray &value, const QDateTime &now)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return -1;
    bool ok = false;
    const qint64 seconds = v.toLongLong(&ok);
    if (ok)
        return seconds >= 0 ? seconds * 1000 : -1;
    // An HTTP date: "Wed, 21 Oct 2015 07:28:00 GMT".
    QDateTime at =
        QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!at.isValid())
        return -1;
    at.setTimeSpec(Qt::UTC);
    return std::max<qint64>(0, now.msecsTo(at));
}

} // namespace sd::upstream
