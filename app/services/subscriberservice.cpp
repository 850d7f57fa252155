#include "app/services/subscriberservice.h"

#include "app/email/emailoutbox.h"
#include "app/formats/csv.h"
#include "app/formats/webhookpayload.h"
#include "app/services/outboxwriter.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/ids.h"
#include "models/targetpolicy.h"
#include "models/validation.h"
#include "models/values.h"

#include <QRegularExpression>

namespace sd {
namespace {

QString shown(const QString &endpoint)
{
    return endpointurl::redacted(endpoint);
}

QString duplicate(const QString &endpoint, const QString &otherId)
{
    return QStringLiteral(
               "endpoint %1 is already subscribed (subscriber %2); spellings of one URL (case, default "
               "port, fragment) count as one endpoint")
        .arg(shown(endpoint), otherId);
}

} // namespace

QString SubscriberService::checkTarget(const QString &normalizedEndpoint)
{
    // The host as written; its addresses are checked again at every send (DNS may change), by the engine.
    const bool refusePrivate = DeliverySettings::load(m_ctx.store.settings).refusePrivateTargets;
    return targetpolicy::checkEndpoint(normalizedEndpoint, refusePrivate);
}

Result<QStringList> SubscriberService::checkComponents(const QStringList &ids)
{
    QStringList out;
    for (const QString &id : ids) {
        const QString trimmed = id.trimmed();
        if (trimmed.isEmpty())
            continue;
        if (!m_ctx.store.components.find(trimmed))
            return Error{QStringLiteral("unknown component id \"%1\"").arg(trimmed)};
        if (!out.contains(trimmed))
            out << trimmed;
    }
    return out;
}

bool SubscriberService::acceptsWebhookSubscribers()
{
    return m_ctx.store.page.get().allowWebhookSubscribers;
}

QString SubscriberService::webhookSubscriptionsClosed()
{
    return QStringLiteral(
        "this page does not accept webhook subscriptions (allow_webhook_subscribers is off)");
}

Result<Subscriber> SubscriberService::add(const NewSubscriber &input)
{
    return insert(input, 0);
}

Result<Subscriber> SubscriberService::insert(const NewSubscriber &input, int csvLine)
{
    if (const QString err = validation::checkEndpoint(input.endpoint); !err.isEmpty())
        return Error{err};
    if (const QString err = validation::checkEmail(input.email); !err.isEmpty())
        return Error{err};
    if (const QString err = validation::checkSigningSecret(input.secret); !err.isEmpty())
        return Error{err};
    return inTransaction(m_ctx.store, [&]() -> Result<Subscriber> {
        // Stored in one spelling, so the unique index and this lookup see every spelling as one endpoint.
        if (!input.operatorOverride && !m_ctx.store.page.get().allowWebhookSubscribers)
            return Error{webhookSubscriptionsClosed()};
        const QString endpoint = endpointurl::normalized(input.endpoint);
        if (const QString err = checkTarget(endpoint); !err.isEmpty())
            return Error{err};
        // Rows stored before endpoints were normalised keep their spelling: that spelling matches too.
        auto existing = m_ctx.store.subscribers.findLiveByEndpoint(endpoint);
        if (!existing && input.endpoint.trimmed() != endpoint)
            existing = m_ctx.store.subscribers.findLiveByEndpoint(input.endpoint.trimmed());
        if (existing)
            return Error{duplicate(endpoint, existing->id)};
        auto components = checkComponents(input.componentIds);
        if (!components)
            return Error{components.error()};
        if (!input.incidentId.isEmpty()) {
            const auto incident = m_ctx.store.incidents.find(input.incidentId);
            if (!incident)
                return Error{QStringLiteral("unknown incident id \"%1\"").arg(input.incidentId)};
            if (incident->status == IncidentStatus::Resolved || incident->status == IncidentStatus::Completed)
                return Error{QStringLiteral("incident %1 is %2: its subscribers hear nothing more")
                                 .arg(input.incidentId, toString(incident->status))};
            if (!components->isEmpty())
                return Error{QStringLiteral("a subscriber of one incident takes no component filter")};
        }
        Subscriber s;
        s.incidentId = input.incidentId;
        s.id = ids::newId();
        s.endpoint = endpoint;
        s.email = input.email.trimmed();
        s.componentIds = components.value();
        s.secret = input.generateSecret ? ids::newSigningSecret() : input.secret;
        s.unsubscribeToken = ids::newToken();
        s.state = SubscriberState::Active;
        s.createdAt = m_ctx.now();
        m_ctx.store.subscribers.insert(s);
        QString detail =
            QStringLiteral("%1 (%2), %3, %4")
                .arg(shown(s.endpoint), s.email,
                     s.componentIds.isEmpty()
                         ? QStringLiteral("all components")
                         : QStringLiteral("components %1").arg(s.componentIds.join(QLatin1Char(' '))),
                     s.secret.isEmpty() ? QStringLiteral("unsigned") : QStringLiteral("signed"));
        if (csvLine > 0)
            m_ctx.audit(QStringLiteral("subscriber.import"), QStringLiteral("subscriber"), s.id,
                        QStringLiteral("Imported %1 from CSV line %2").arg(detail).arg(csvLine));
        else if (!s.incidentId.isEmpty())
            m_ctx.audit(QStringLiteral("subscriber.add"), QStringLiteral("subscriber"), s.id,
                        QStringLiteral("Added %1 (%2) for incident %3 only")
                            .arg(shown(s.endpoint), s.email, s.incidentId));
        else
            m_ctx.audit(QStringLiteral("subscriber.add"), QStringLiteral("subscriber"), s.id,
                        QStringLiteral("Added ") + detail);
        if (input.confirmationEmail)
            EmailOutbox(m_ctx.store, m_ctx.actor).subscribedOnForm(s, m_ctx.now());
        return s;
    });
}

Result<Subscriber> SubscriberService::edit(const QString &id, const SubscriberPatch &patch)
{
    if (patch.endpoint) {
        if (const QString err = validation::checkEndpoint(*patch.endpoint); !err.isEmpty())
            return Error{err};
    }
    if (patch.email) {
        if (const QString err = validation::checkEmail(*patch.email); !err.isEmpty())
            return Error{err};
    }
    if (patch.secret) {
        if (const QString err = validation::checkSigningSecret(*patch.secret); !err.isEmpty())
            return Error{err};
    }
    return inTransaction(m_ctx.store, [&]() -> Result<Subscriber> {
        auto found = m_ctx.liveSubscriber(id);
        if (!found)
            return Error{found.error()};
        Subscriber s = *found;
        const Subscriber before = s;
        if (patch.endpoint) {
            const QString endpoint = endpointurl::normalized(*patch.endpoint);
            if (const QString err = checkTarget(endpoint); !err.isEmpty())
                return Error{err};
            auto other = m_ctx.store.subscribers.findLiveByEndpoint(endpoint);
            if ((!other || other->id == s.id) && patch.endpoint->trimmed() != endpoint)
                other = m_ctx.store.subscribers.findLiveByEndpoint(patch.endpoint->trimmed());
            if (other && other->id != s.id)
                return Error{duplicate(endpoint, other->id)};
            s.endpoint = endpoint;
        }
        if (patch.email)
            s.email = patch.email->trimmed();
        if (patch.componentIds) {
            auto components = checkComponents(*patch.componentIds);
            if (!components)
                return Error{components.error()};
            s.componentIds = components.value();
        }
        setIfGiven(s.secret, patch.secret);
        m_ctx.store.subscribers.update(s);
        QStringList changes; // never the secrets themselves
        if (s.endpoint != before.endpoint)
            changes << QStringLiteral("endpoint → %1").arg(shown(s.endpoint));
        if (s.email != before.email)
            changes << QStringLiteral("email → %1").arg(s.email);
        if (s.componentIds != before.componentIds)
            changes << (s.componentIds.isEmpty()
                            ? QStringLiteral("components → all")
                            : QStringLiteral("components → %1").arg(s.componentIds.join(QLatin1Char(' '))));
        if (s.secret != before.secret)
            changes << (s.secret.isEmpty() ? QStringLiteral("signing off")
                                           : QStringLiteral("signing secret set"));
        if (!changes.isEmpty())
            m_ctx.audit(
                QStringLiteral("subscriber.edit"), QStringLiteral("subscriber"), s.id,
                QStringLiteral("%1: %2").arg(shown(before.endpoint), changes.join(QStringLiteral("; "))));
        return s;
    });
}

Result<Subscriber> SubscriberService::remove(const QString &id)
{
    return inTransaction(m_ctx.store, [&]() -> Result<Subscriber> { return removeLocked(id); });
}

Result<std::vector<Subscriber>> SubscriberService::removeMany(const QStringList &ids)
{
    // One transaction: an unknown id in the list leaves every subscriber as it was.
    return inTransaction(m_ctx.store, [&]() -> Result<std::vector<Subscriber>> {
        std::vector<Subscriber> out;
        for (const QString &id : ids) {
            auto removed = removeLocked(id);
            if (!removed)
                return Error{removed.error()};
            out.push_back(removed.value());
        }
        return out;
    });
}

Result<Subscriber> SubscriberService::removeLocked(const QString &id)
{
    auto found = m_ctx.liveSubscriber(id);
    if (!found)
        return Error{found.error()};
    Subscriber s = *found;
    const QDateTime now = m_ctx.now();
    s.state = SubscriberState::Unsubscribed;
    s.unsubscribedAt = now;
    m_ctx.store.subscribers.update(s);
    const int cancelled = m_ctx.store.outbox.cancelForSubscriber(s.id, now);
    m_ctx.audit(QStringLiteral("subscriber.remove"), QStringLiteral("subscriber"), s.id,
                QStringLiteral("Unsubscribed %1 (%2); %3 pending webhook(s) cancelled")
                    .arg(shown(s.endpoint), s.email)
                    .arg(cancelled));
    return s;
}

Result<Subscriber> SubscriberService::unsubscribeByToken(const QString &token)
{
    std::optional<Subscriber> s;
    try {
        s = m_ctx.store.subscribers.findByToken(token);
    } catch (const StoreError &e) {
        return Error{e.message()};
    }
    if (!s || s->state == SubscriberState::Unsubscribed)
        return Error{QStringLiteral("unknown unsubscribe token")};
    return remove(s->id);
}

Result<int> SubscriberService::reactivate(const QString &id)
{
    return inTransaction(m_ctx.store, [&]() -> Result<int> { return reactivateLocked(id); });
}

Result<int> SubscriberService::reactivateMany(const QStringList &ids)
{
    // One transaction: an unknown id in the list leaves every subscriber as it was.
    return inTransaction(m_ctx.store, [&]() -> Result<int> {
        int released = 0;
        for (const QString &id : ids) {
            auto done = reactivateLocked(id);
            if (!done)
                return Error{done.error()};
            released += done.value();
        }
        return released;
    });
}

Result<int> SubscriberService::reactivateLocked(const QString &id)
{
    auto found = m_ctx.liveSubscriber(id);
    if (!found)
        return Error{found.error()};
    Subscriber s = *found;
    const QDateTime now = m_ctx.now();
    s.state = SubscriberState::Active;
    s.quarantinedAt = {};
    s.purgeAt = {};
    m_ctx.store.subscribers.update(s);
    const int released = m_ctx.store.outbox.releaseForSubscriber(s.id, now);
    // Only a quarantine lifted is news to the address on file.
    const QString email = found->state == SubscriberState::Quarantined
                              ? EmailOutbox(m_ctx.store, m_ctx.actor).reactivated(s, released, now)
                              : QString();
    Notice n;
    n.createdAt = now;
    n.subscriberId = s.id;
    n.kind = QStringLiteral("reactivated");
    n.text = QStringLiteral("Subscriber %1 (%2) reactivated; %3 held message(s) released.")
                 .arg(s.id, shown(s.endpoint))
                 .arg(released);
    if (!email.isEmpty())
        n.text += QStringLiteral(" An email to %1 says so (%2).").arg(s.email, email);
    m_ctx.store.notices.add(n);
    m_ctx.audit(
        QStringLiteral("subscriber.reactivate"), QStringLiteral("subscriber"), s.id,
        QStringLiteral("Reactivated %1; %2 held webhook(s) released").arg(shown(s.endpoint)).arg(released));
    return released;
}

Result<Subscriber> SubscriberService::rotateSecret(const QString &id, int overlapHours)
{
    return inTransaction(m_ctx.store, [&]() -> Result<Subscriber> {
        auto found = m_ctx.liveSubscriber(id);
        if (!found)
            return Error{found.error()};
        Subscriber s = *found;
        if (!s.secret.isEmpty()) {
            s.previousSecret = s.secret;
            s.previousSecretExpiresAt = m_ctx.now().addSecs(qint64(overlapHours) * 3600);
        }
        s.secret = ids::newSigningSecret();
        m_ctx.store.subscribers.update(s);
        m_ctx.audit(QStringLiteral("subscriber.rotate-secret"), QStringLiteral("subscriber"), s.id,
                    s.previousSecret.isEmpty() || !s.previousSecretExpiresAt.isValid()
                        ? QStringLiteral("New signing secret for %1").arg(shown(s.endpoint))
                        : QStringLiteral("New signing secret for %1; the old one also signs until %2")
                              .arg(shown(s.endpoint), s.previousSecretExpiresAt.toString(Qt::ISODate)));
        return s;
    });
}

Result<QString> SubscriberService::sendTest(const QString &id)
{
    return inTransaction(m_ctx.store, [&]() -> Result<QString> {
        auto found = m_ctx.liveSubscriber(id);
        if (!found)
            return Error{found.error()};
        if (found->state == SubscriberState::Quarantined)
            return Error{QStringLiteral("subscriber %1 is quarantined; reactivate it first").arg(id)};
        const QDateTime now = m_ctx.now();
        const Page page = m_ctx.store.page.get();
        const QString eventId = ids::newId();
        const QStringList ids =
            OutboxWriter(m_ctx.store, m_ctx.actor)
                .enqueue(EventKind::Test, page.id, QStringLiteral("Test webhook"), eventId,
                         payload::testEvent(page, m_ctx.currentPageStatus(), now), page, {*found}, now);
        m_ctx.audit(
            QStringLiteral("subscriber.test"), QStringLiteral("subscriber"), id,
            QStringLiteral("Test webhook %1 queued for %2").arg(ids.value(0), shown(found->endpoint)));
        return ids.value(0);
    });
}

ImportReport SubscriberService::importCsv(const QByteArray &csvText, const QByteArray &encoding)
{
    ImportReport report;
    const csv::Table table = csv::parse(csvText, encoding);
    if (!table.error.isEmpty()) {
        report.errors.push_back({table.errorLine, table.error});
        return report;
    }
    if (table.rows.isEmpty()) {
        report.errors.push_back(
            {1, QStringLiteral("the file is empty; expected a header row: endpoint,email")});
        return report;
    }
    const QString encodingName = QString::fromLatin1(encoding);
    auto notDecodable = [&](int column) {
        return QStringLiteral("field %1 is not valid %2 text; nothing from this row was imported (save the "
                              "file as UTF-8, or name its encoding: subscriber import --encoding ISO-8859-1)")
            .arg(column)
            .arg(encodingName);
    };
    if (table.badEncoding.first() != 0) {
        report.errors.push_back({table.lines.first(), QStringLiteral("the header row: ") +
                                                          notDecodable(table.badEncoding.first())});
        return report;
    }
    QStringList header;
    for (const QString &h : table.rows.first())
        header << h.trimmed().toLower();
    const int endpointCol = static_cast<int>(header.indexOf(QStringLiteral("endpoint")));
    const int emailCol = static_cast<int>(header.indexOf(QStringLiteral("email")));
    int componentsCol = static_cast<int>(header.indexOf(QStringLiteral("components")));
    if (componentsCol < 0)
        componentsCol = static_cast<int>(header.indexOf(QStringLiteral("component_ids")));
    const int secretCol = static_cast<int>(header.indexOf(QStringLiteral("secret")));
    if (endpointCol < 0 || emailCol < 0) {
        report.errors.push_back(
            {1,
             QStringLiteral(
                 "the header row must name the columns endpoint and email (optional: components, secret)")});
        return report;
    }
    for (int r = 1; r < table.rows.size(); ++r) {
        const QStringList &row = table.rows.at(r);
        const int line = table.lines.at(r);
        if (const int bad = table.badEncoding.at(r); bad != 0) {
            report.errors.push_back({line, notDecodable(bad)});
            continue;
        }
        auto cell = [&row](int col) {
            return col >= 0 && col < row.size() ? row.at(col).trimmed() : QString();
        };
        NewSubscriber input;
        input.endpoint = cell(endpointCol);
        input.email = cell(emailCol);
        input.componentIds =
            cell(componentsCol).split(QRegularExpression(QStringLiteral("[;\\s]+")), Qt::SkipEmptyParts);
        input.secret = cell(secretCol);
        input.operatorOverride = true; // an import is the operator's
        auto added = insert(input, line);
        if (!added) {
            report.errors.push_back({line, added.error()});
            continue;
        }
        report.added.push_back(added.value());
        // A field past the header's columns is usually a comma the file meant as part of a value.
        if (row.size() > header.size())
            report.warnings.push_back(
                {line, QStringLiteral("%1 fields, but the header names %2 columns; the extra field(s) were "
                                      "ignored")
                           .arg(row.size())
                           .arg(header.size())});
    }
    return report;
}

Result<int> SubscriberService::purgeExpired()
{
    return inTransaction(m_ctx.store, [&]() -> Result<int> {
        const QDateTime now = m_ctx.now();
        int purged = 0;
        for (const Subscriber &s : m_ctx.store.subscribers.list(SubscriberState::Quarantined)) {
            if (s.purgeAt.isValid() && s.purgeAt <= now) {
                QString email;
                m_ctx.store.subscribers.purge(s.id);
                if (EmailOutbox(m_ctx.store, m_ctx.actor).enabled()) {
                    // The row stays as an unsubscribed one with nothing else left (its webhooks and attempts
                    // are gone), so the purge email has an owner and is retried, listed and resent like any.
                    Subscriber gone = s;
                    gone.state = SubscriberState::Unsubscribed;
                    gone.unsubscribedAt = now;
                    gone.secret.clear();
                    gone.previousSecret.clear();
                    m_ctx.store.subscribers.insert(gone);
                    email = EmailOutbox(m_ctx.store, m_ctx.actor).purged(gone, now);
                }
                Notice n;
                n.createdAt = now;
                n.kind = QStringLiteral("purged");
                n.text = QStringLiteral("Quarantined subscriber %1 (%2) was purged after 90 days.")
                             .arg(s.id, shown(s.endpoint));
                if (!email.isEmpty())
                    n.text += QStringLiteral(" An email to %1 says so (%2).").arg(s.email, email);
                m_ctx.store.notices.add(n);
                ++purged;
            }
        }
        return purged;
    });
}

} // namespace sd
