#pragma once

#include "app/services/servicecontext.h"

#include <vector>

namespace sd {

struct NewSubscriber
{
    QString endpoint;
    QString email;
    QStringList componentIds;
    QString secret;
    bool generateSecret = false;
    // An operator (console, command line, CSV import) may add a webhook subscriber while the page's
    // allow_webhook_subscribers is off; the API and the public subscribe form may not.
    bool operatorOverride = false;
    QString incidentId; // set: a subscriber of that one open incident (hears its updates only)
    // The public subscribe form: with SMTP set, the address given is emailed about the subscription (with
    // the removal link) in the same transaction.
    bool confirmationEmail = false;
};

struct SubscriberPatch
{
    std::optional<QString> endpoint;
    std::optional<QString> email;
    std::optional<QStringList> componentIds;
    std::optional<QString> secret; // empty: stop signing
};

struct ImportRowError
{
    int line = 0; // 1-based line in the file (the header is line 1)
    QString message;
};

struct ImportReport
{
    std::vector<Subscriber> added;
    std::vector<ImportRowError> errors;   // rows not imported
    std::vector<ImportRowError> warnings; // rows imported with something ignored (extra fields)
};

// Webhook subscribers: validation, signing secrets, quarantine release and unsubscribe.
class SubscriberService final
{
public:
    explicit SubscriberService(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}
    // The operator recorded for the changes made from now on (the console's name can change while it runs).
    void setActor(const QString &actor) { m_ctx.actor = actor; }
    const QString &actor() const { return m_ctx.actor; }

    Result<Subscriber> add(const NewSubscriber &input);
    // The page's allow_webhook_subscribers switch, and the sentence a refused subscription gets.
    bool acceptsWebhookSubscribers();
    static QString webhookSubscriptionsClosed();
    Result<Subscriber> edit(const QString &id, const SubscriberPatch &patch);
    // Soft removal: the subscriber stops receiving, pending messages are cancelled, history stays.
    Result<Subscriber> remove(const QString &id);
    // The API's bulk unsubscribe and reactivate: all of them in one transaction, or none.
    Result<std::vector<Subscriber>> removeMany(const QStringList &ids);
    Result<int> reactivateMany(const QStringList &ids);
    Result<Subscriber> unsubscribeByToken(const QString &token);
    // Back to active; held messages go out again. Returns the number of messages released.
    Result<int> reactivate(const QString &id);
    // New secret; the old one keeps signing alongside it for `overlapHours`.
    Result<Subscriber> rotateSecret(const QString &id, int overlapHours = 24);
    Result<QString> sendTest(const QString &id); // returns the message id
    // `encoding`: the file's (UTF-8 unless told); a row whose bytes are not valid in it is refused with its
    // line, never stored with U+FFFD in place of what it said.
    ImportReport importCsv(const QByteArray &csvText,
                           const QByteArray &encoding = QByteArrayLiteral("UTF-8"));
    // Quarantined subscribers whose purge_at has passed are deleted with their history.
    Result<int> purgeExpired();

private:
    // remove() and reactivate() inside the caller's transaction.
    Result<Subscriber> removeLocked(const QString &id);
    Result<int> reactivateLocked(const QString &id);
    Result<QStringList> checkComponents(const QStringList &ids);
    // The delivery target policy on the endpoint's host as written (with the refuse-private setting).
    QString checkTarget(const QString &normalizedEndpoint);
    // add() and each row of importCsv(); `csvLine` > 0 records the change as an import from that line.
    Result<Subscriber> insert(const NewSubscriber &input, int csvLine);
    ServiceContext m_ctx;
};

} // namespace sd
