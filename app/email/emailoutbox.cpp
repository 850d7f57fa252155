#include "app/email/emailoutbox.h"

#include "app/email/emailcomposer.h"
#include "app/formats/webhookpayload.h"
#include "models/endpointurl.h"
#include "models/ids.h"
#include "models/smtpsettings.h"
#include "models/store.h"
#include "models/timeformat.h"

namespace sd {
namespace {

QString when(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

QString html(const QString &title, const QStringList &paragraphs)
{
    QString body;
    for (const QString &p : paragraphs) {
        if (p.startsWith(QLatin1String("  ")))
            body += QStringLiteral("<pre style=\"background:#f4f4f5;padding:10px;border-radius:4px;"
                                   "white-space:pre-wrap;font-size:13px\">%1</pre>\n")
                        .arg(p.toHtmlEscaped());
        else if (p.startsWith(QLatin1String("http://")) || p.startsWith(QLatin1String("https://")))
            body += QStringLiteral("<p><a href=\"%1\">%1</a></p>\n").arg(p.toHtmlEscaped());
        else
            body += QStringLiteral("<p>%1</p>\n")
                        .arg(p.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    }
    return QStringLiteral(
               "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title></head>\n"
               "<body style=\"font-family:sans-serif;max-width:640px;margin:24px auto;color:#1f2328;"
               "line-height:1.45\">\n<h2 style=\"font-size:18px\">%1</h2>\n%2</body></html>\n")
        .arg(title.toHtmlEscaped(), body);
}

} // namespace

bool EmailOutbox::enabled()
{
    return SmtpSettings::load(m_store.settings).configured();
}

QString EmailOutbox::queue(const Subscriber &s, const Letter &letter, const QDateTime &now)
{
    const SmtpSettings smtp = SmtpSettings::load(m_store.settings);
    if (!smtp.configured() || s.email.isEmpty())
        return {};
    const Page page = m_store.page.get();
    Message m;
    m.id = QStringLiteral("msg_") + ids::randomBase36(20);
    m.subscriberId = s.id;
    m.kind = EventKind::Email;
    m.channel = Channel::Email;
    m.recipient = s.email;
    m.subjectId = s.id;
    m.subjectName = letter.subjectName;
    m.eventId = ids::newId();
    m.createdAt = now;
    m.state = DeliveryState::Queued;
    m.nextAttemptAt = now;
    m.createdBy = m_actor;

    EmailContent e;
    e.fromName = page.name;
    e.fromAddress = smtp.from;
    e.toAddress = s.email;
    e.subject = letter.subject;
    e.text = letter.paragraphs.join(QStringLiteral("\n\n")) + QLatin1Char('\n');
    e.html = html(letter.subject, letter.paragraphs);
    e.messageId = m.id;
    e.date = now;
    // Fixed as bytes now, like a webhook body: every attempt and a resend send the same email.
    m.body = emailcomposer::compose(e);
    m_store.outbox.insert(m);
    return m.id;
}

QString EmailOutbox::send(const Subscriber &s, const QDateTime &now, const Compose &compose)
{
    if (!enabled())
        return {};
    Letter l = compose(m_store.page.get(), endpointurl::redacted(s.endpoint));
    l.paragraphs.prepend(QStringLiteral("Hello,"));
    return queue(s, l, now);
}

QString EmailOutbox::maintenanceReminder(const Subscriber &s, const Incident &maintenance,
                                         const QStringList &componentNames, const QDateTime &now)
{
    return send(s, now, [&](const Page &page, const QString &endpoint) {
        Letter l{
            QStringLiteral("maintenance reminder: ") + maintenance.name,
            QStringLiteral("%1: reminder, scheduled maintenance \"%2\" starts %3")
                .arg(page.name, maintenance.name, when(maintenance.scheduledFor)),
            {QStringLiteral("This is a reminder that %1 has scheduled maintenance \"%2\" from %3 until %4.")
                 .arg(page.name, maintenance.name, when(maintenance.scheduledFor),
                      when(maintenance.scheduledUntil))}};
        if (!componentNames.isEmpty())
            l.paragraphs << QStringLiteral("Affected: %1.").arg(componentNames.join(QStringLiteral(", ")));
        if (!maintenance.updates.empty() && !maintenance.updates.back().body.isEmpty())
            l.paragraphs << maintenance.updates.back().body; // what the operator wrote when scheduling it
        l.paragraphs << QStringLiteral(
                            "You are receiving this because your webhook endpoint\n%1\nis subscribed "
                            "to %2. Unsubscribe: %3")
                            .arg(endpoint, page.name,
                                 page.url.isEmpty()
                                     ? QStringLiteral("(no page address set)")
                                     : page.url + QStringLiteral("?unsubscribe=") + s.unsubscribeToken);
        return l;
    });
}

QString EmailOutbox::quarantined(const Subscriber &s, const QString &reason, int held,
                                 const QDateTime &purgeAt, const QDateTime &now)
{
    return send(s, now, [&](const Page &page, const QString &endpoint) {
        // Every webhook now held for it, including the one whose failure tipped it over (held by its own
        // result).
        MessageFilter heldFilter;
        heldFilter.subscriberId = s.id;
        heldFilter.state = DeliveryState::Held;
        const int missed = std::max(held, m_store.outbox.count(heldFilter));
        QStringList errors;
        for (const Attempt &a : m_store.outbox.recentFailures(s.id, 10)) {
            QString what = a.httpStatus > 0 ? QStringLiteral("HTTP %1").arg(a.httpStatus) : a.errorClass;
            if (!a.errorText.isEmpty() && a.httpStatus == 0)
                what += QStringLiteral(": ") + endpointurl::redacted(a.errorText);
            errors << QStringLiteral("  %1  %2").arg(when(a.startedAt), what.left(200));
        }
        Letter l{QStringLiteral("quarantine notice"),
                 QStringLiteral("%1: webhooks to %2 have stopped").arg(page.name, endpoint),
                 {QStringLiteral("%1 has stopped sending webhooks to your endpoint\n%2\nbecause it was "
                                 "quarantined at %3: %4.")
                      .arg(page.name, endpoint, when(now), reason)}};
        if (!errors.isEmpty())
            l.paragraphs << QStringLiteral("The last errors (newest first):")
                         << errors.join(QLatin1Char('\n'));
        l.paragraphs
            << QStringLiteral(
                   "What quarantine means: no webhooks are sent to this endpoint while it is "
                   "quarantined. The %1 webhook(s) it has missed so far are kept and go out, in order, "
                   "when it is reactivated. If it is not reactivated by %2, the subscription is "
                   "removed with its history.")
                   .arg(missed)
                   .arg(when(purgeAt))
            << QStringLiteral(
                   "How to reactivate: make the endpoint answer webhooks with a 2xx status within 30 "
                   "seconds, then ask the operators of %1 to reactivate subscriber %2 (reply to this "
                   "email).")
                   .arg(page.name, s.id)
            << QStringLiteral("To unsubscribe instead, open:")
            << payload::unsubscribeUrl(page, s.unsubscribeToken);
        return l;
    });
}

QString EmailOutbox::reactivated(const Subscriber &s, int released, const QDateTime &now)
{
    return send(s, now, [&](const Page &page, const QString &endpoint) {
        return Letter{
            QStringLiteral("reactivation notice"),
            QStringLiteral("%1: webhooks to %2 resume").arg(page.name, endpoint),
            {QStringLiteral("Your endpoint\n%1\nwas reactivated at %2 and receives the webhooks of %3 "
                            "again. %4 webhook(s) held during the quarantine are being sent now.")
                 .arg(endpoint, when(now), page.name)
                 .arg(released),
             QStringLiteral("After 10 failed requests within an hour it is quarantined again."),
             QStringLiteral("To unsubscribe, open:"), payload::unsubscribeUrl(page, s.unsubscribeToken)}};
    });
}

QString EmailOutbox::purged(const Subscriber &s, const QDateTime &now)
{
    return send(s, now, [&](const Page &page, const QString &endpoint) {
        return Letter{
            QStringLiteral("purge notice"),
            QStringLiteral("%1: webhook subscription for %2 removed").arg(page.name, endpoint),
            {QStringLiteral("Your endpoint\n%1\nwas quarantined on %2 and not reactivated within 90 "
                            "days, so its webhook subscription to %3 was removed at %4 with the "
                            "webhooks it missed.")
                 .arg(endpoint, when(s.quarantinedAt), page.name, when(now)),
             QStringLiteral("Nothing more is sent to it. To receive webhooks again, subscribe anew on "
                            "the status page:"),
             page.url}};
    });
}

QString EmailOutbox::subscribedOnForm(const Subscriber &s, const QDateTime &now)
{
    if (!enabled())
        return {};
    const Page page = m_store.page.get();
    const QString endpoint = endpointurl::redacted(s.endpoint);
    Letter l;
    l.subjectName = QStringLiteral("subscription notice");
    l.subject = QStringLiteral("%1: webhooks now go to %2").arg(page.name, endpoint);
    l.paragraphs << QStringLiteral("Hello,")
                 << QStringLiteral(
                        "At %1 someone subscribed the webhook endpoint\n%2\nto the status updates of "
                        "%3 on its status page, and gave this address for notices about it (a "
                        "quarantine after failed deliveries, for one).")
                        .arg(when(now), endpoint, page.name)
                 << QStringLiteral(
                        "If that was you, there is nothing to do. If it was not, or you no longer want "
                        "these webhooks, remove the subscription here (one click on the page it "
                        "opens):")
                 << payload::unsubscribeUrl(page, s.unsubscribeToken);
    return queue(s, l, now);
}

} // namespace sd
