#include "app/delivery/webhooksigner.h"

#include "models/domain.h"

#include <QMessageAuthenticationCode>

namespace sd::signing {

QByteArray signature(const QString &whsecSecret, const QByteArray &messageId, qint64 timestamp,
                     const QByteArray &body)
{
    const QByteArray key = QByteArray::fromBase64(whsecSecret.mid(6).toLatin1());
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, key);
    mac.addData(messageId);
    mac.addData(".", 1);
    mac.addData(QByteArray::number(timestamp));
    mac.addData(".", 1);
    mac.addData(body);
    return QByteArrayLiteral("v1,") + mac.result().toBase64();
}

QByteArray header(const Subscriber &s, const QByteArray &messageId, qint64 timestamp, const QByteArray &body,
                  const QDateTime &now)
{
    if (s.secret.isEmpty())
        return {};
    QByteArray out = signature(s.secret, messageId, timestamp, body);
    if (!s.previousSecret.isEmpty() && s.previousSecretExpiresAt.isValid() && s.previousSecretExpiresAt > now)
        out += ' ' + signature(s.previousSecret, messageId, timestamp, body);
    return out;
}

} // namespace sd::signing
