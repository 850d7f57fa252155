#include "app/delivery/quarantinewriter.h"

#include "app/email/emailoutbox.h"
#include "models/store.h"

namespace sd {

std::optional<QString> writeQuarantine(Store &store, const Subscriber &subscriber, const QString &reason,
                                       const QDateTime &now, qint64 purgeAfterMs)
{
    const QDateTime purgeAt = now.addMSecs(purgeAfterMs);
    if (!store.subscribers.quarantine(subscriber.id, now, purgeAt))
        return std::nullopt;
    const int held = store.outbox.holdForSubscriber(subscriber.id, now);
    Subscriber quarantined = subscriber;
    quarantined.state = SubscriberState::Quarantined;
    quarantined.quarantinedAt = now;
    quarantined.purgeAt = purgeAt;
    // With SMTP set, the address on file is told by an email that commits with the quarantine.
    const QString email =
        EmailOutbox(store, QStringLiteral("quarantine")).quarantined(quarantined, reason, held, purgeAt, now);
    Notice n;
    n.createdAt = now;
    n.subscriberId = subscriber.id;
    n.kind = QStringLiteral("quarantined");
    if (email.isEmpty())
        n.text =
            QStringLiteral("Subscriber %1 (%2) was quarantined: %3. %4 message(s) held. Tell %5 that "
                           "webhooks to this endpoint have stopped; it is purged on %6 unless reactivated.")
                .arg(subscriber.id, subscriber.endpoint, reason)
                .arg(held)
                .arg(subscriber.email, purgeAt.toString(Qt::ISODate));
    else
        n.text = QStringLiteral("Subscriber %1 (%2) was quarantined: %3. %4 message(s) held. An email to %5 "
                                "says so (%6); it is purged on %7 unless reactivated.")
                     .arg(subscriber.id, subscriber.endpoint, reason)
                     .arg(held)
                     .arg(subscriber.email, email, purgeAt.toString(Qt::ISODate));
    store.notices.add(n);
    return n.text;
}

} // namespace sd
