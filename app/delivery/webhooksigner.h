#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace sd {

struct Subscriber;

// Standard Webhooks signatures: "v1," + base64(HMAC-SHA256(secret, "id.timestamp.body")).
namespace signing {

QByteArray signature(const QString &whsecSecret, const QByteArray &messageId, qint64 timestamp,
                     const QByteArray &body);
// The webhook-signature header: one signature, or two (new first) while a rotated-out secret still applies.
// Empty when the subscriber has no secret.
QByteArray header(const Subscriber &s, const QByteArray &messageId, qint64 timestamp, const QByteArray &body,
                  const QDateTime &now);

} // namespace signing
} // namespace sd
