#include "app/report/curlcommand.h"

#include "models/endpointurl.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace sd::report {

QString shellQuote(const QString &s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

QString curlCommand(const QString &endpoint, const QByteArray &requestHeadersJson, const QByteArray &body)
{
    QString cmd;
    QUrl url(endpoint.trimmed());
    if (!url.userInfo().isEmpty()) {
        const QString user = url.userName(QUrl::FullyDecoded);
        url.setUserInfo(QString());
        cmd = QStringLiteral("# The endpoint's password is not copied: replace PASSWORD below with it.\n"
                             "curl -sS -X POST ") +
              shellQuote(url.toString()) + QStringLiteral(" \\\n  -u ") +
              shellQuote(user + QStringLiteral(":PASSWORD"));
    } else {
        cmd = QStringLiteral("curl -sS -X POST ") + shellQuote(endpointurl::redacted(endpoint));
    }
    const QJsonObject headers = QJsonDocument::fromJson(requestHeadersJson).object();
    bool hasContentType = false;
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const QString name = it.key();
        // curl computes these itself; copying them would break the replay. Authorization is recorded
        // redacted; -u above stands for it.
        if (name.compare(QLatin1String("content-length"), Qt::CaseInsensitive) == 0 ||
            name.compare(QLatin1String("host"), Qt::CaseInsensitive) == 0 ||
            name.compare(QLatin1String("authorization"), Qt::CaseInsensitive) == 0)
            continue;
        if (name.compare(QLatin1String("content-type"), Qt::CaseInsensitive) == 0)
            hasContentType = true;
        cmd += QStringLiteral(" \\\n  -H ") + shellQuote(name + QStringLiteral(": ") + it.value().toString());
    }
    if (!hasContentType)
        cmd += QStringLiteral(" \\\n  -H ") + shellQuote(QStringLiteral("Content-Type: application/json"));
    cmd += QStringLiteral(" \\\n  --data-binary ") + shellQuote(QString::fromUtf8(body));
    return cmd;
}

} // namespace sd::report
