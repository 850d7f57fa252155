#include "curlcommand.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sd::report {

QString shellQuote(const QString &s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

QString curlCommand(const QString &endpoint, const QByteArray &requestHeadersJson, const QByteArray &body)
{
    QString cmd = QStringLiteral("curl -sS -X POST ") + shellQuote(endpoint);
    const QJsonObject headers = QJsonDocument::fromJson(requestHeadersJson).object();
    bool hasContentType = false;
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const QString name = it.key();
        // curl computes these itself; copying them would break the replay.
        if (name.compare(QLatin1String("content-length"), Qt::CaseInsensitive) == 0 ||
            name.compare(QLatin1String("host"), Qt::CaseInsensitive) == 0)
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
