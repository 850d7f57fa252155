#pragma once

#include "models/domain.h"

#include <QDateTime>
#include <QString>
#include <functional>

namespace sd {

class Store;
struct EmailContent;

// Emails to a subscriber's address on file (Statuspage: "the address on file is told"), queued as outbox
// messages on the email channel inside the caller's transaction, so each commits with the quarantine,
// reactivation or purge that causes it and is retried, listed and resent like a webhook. Without SMTP
// settings nothing is queued (each call returns an empty id) and the operator notice is all there is.
class EmailOutbox final
{
public:
    EmailOutbox(Store &store, QString actor)
        : m_store(store)
        , m_actor(std::move(actor))
    {}

    bool enabled();
    QString quarantined(const Subscriber &s, const QString &reason, int held, const QDateTime &purgeAt,
                        const QDateTime &now);
    QString reactivated(const Subscriber &s, int released, const QDateTime &now);
    QString purged(const Subscriber &s, const QDateTime &now);
    // A subscription made on the public subscribe form: the address given hears which endpoint now receives
    // the page's webhooks and gets the removal link, so nobody is signed up silently under another's address.
    QString subscribedOnForm(const Subscriber &s, const QDateTime &now);
    // Statuspage's reminder before a scheduled maintenance (scheduled_remind_prior): Statuspage sends it to
    // email and SMS subscribers and sends no webhook for it, so it goes to the address on file.
    QString maintenanceReminder(const Subscriber &s, const Incident &maintenance,
                                const QStringList &componentNames, const QDateTime &now);

private:
    struct Letter
    {
        QString subjectName; // for the deliveries list: "quarantine notice", ...
        QString subject;
        QStringList paragraphs; // plain text; a paragraph starting with two spaces is kept as preformatted
    };
    // Every letter: nothing without SMTP settings, else "Hello," and what `compose` writes from the page and
    // the subscriber's endpoint (redacted), queued.
    using Compose = std::function<Letter(const Page &page, const QString &endpoint)>;
    QString send(const Subscriber &s, const QDateTime &now, const Compose &compose);
    QString queue(const Subscriber &s, const Letter &letter, const QDateTime &now);

    Store &m_store;
    QString m_actor;
};

} // namespace sd
