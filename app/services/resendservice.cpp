#include "app/services/resendservice.h"

#include "models/endpointurl.h"
#include "models/values.h"

#include <QSet>

namespace sd {

Result<int> ResendService::resend(const QStringList &messageIds)
{
    if (messageIds.isEmpty())
        return Error{QStringLiteral("no delivery ids given")};
    return inTransaction(m_ctx.store, [&]() -> Result<int> {
        const QDateTime now = m_ctx.now();
        QString firstTarget; // "component API to https://..." for the audit line
        for (const QString &id : messageIds) {
            auto m = m_ctx.store.outbox.find(id);
            if (!m)
                return Error{QStringLiteral("unknown delivery id \"%1\"").arg(id)};
            auto s = m_ctx.store.subscribers.find(m->subscriberId);
            // An email goes to the address on file whatever the subscriber's state (it tells them of it).
            const bool email = m->channel == Channel::Email;
            if (!email && (!s || s->state == SubscriberState::Unsubscribed))
                return Error{
                    QStringLiteral("delivery %1 cannot be resent: its subscriber was removed").arg(id)};
            if (!email && s->state == SubscriberState::Quarantined)
                return Error{
                    QStringLiteral("delivery %1 cannot be resent: subscriber %2 is quarantined; reactivate "
                                   "it first")
                        .arg(id, s->id)};
            if (m->state == DeliveryState::Sending)
                return Error{QStringLiteral("delivery %1 is being sent right now").arg(id)};
            if (firstTarget.isEmpty())
                firstTarget = QStringLiteral("%1 %2 to %3")
                                  .arg(toString(m->kind), m->subjectName, endpointurl::redacted(m->endpoint));
            // next_actor travels with the claim into the manual attempt's record. The manual attempt is
            // extra: a message still on its automatic schedule keeps the time of its next attempt in
            // resume_at (a second resend before the first is made keeps the one already saved).
            m_ctx.store.db().run(
                QStringLiteral(
                    "UPDATE messages SET resume_at = CASE WHEN state IN ('queued', 'retrying') AND "
                    "next_trigger = 'automatic' THEN next_attempt_at ELSE resume_at END, "
                    "state = 'queued', next_attempt_at = ?, next_trigger = 'manual', "
                    "next_actor = ?, updated_at = ? WHERE id = ?"),
                {toDb(now), toDb(m_ctx.actor), toDb(now), id});
        }
        constexpr int kIdsNamed = 5; // the detail stays one readable line for a bulk resend
        QString detail =
            messageIds.size() == 1
                ? QStringLiteral("Resend of delivery %1 (%2)").arg(messageIds.first(), firstTarget)
                : QStringLiteral("Resend of %1 deliveries: %2")
                      .arg(messageIds.size())
                      .arg(messageIds.mid(0, kIdsNamed).join(QStringLiteral(", ")));
        if (messageIds.size() > kIdsNamed)
            detail += QStringLiteral(" and %1 more").arg(messageIds.size() - kIdsNamed);
        m_ctx.audit(QStringLiteral("resend"), QStringLiteral("delivery"),
                    messageIds.size() == 1 ? messageIds.first() : QString(), detail);
        return static_cast<int>(messageIds.size());
    });
}

Result<int> ResendService::resendFailedSince(const QDateTime &since)
{
    QStringList ids;
    try {
        for (const QString &id : m_ctx.store.outbox.failedSince(since)) {
            auto m = m_ctx.store.outbox.find(id);
            auto s = m ? m_ctx.store.subscribers.find(m->subscriberId) : std::nullopt;
            if ((s && s->state == SubscriberState::Active) || (m && m->channel == Channel::Email))
                ids << id; // quarantined or removed subscribers are skipped, not an error in bulk
        }
    } catch (const StoreError &e) {
        return Error{e.message()};
    }
    if (ids.isEmpty())
        return 0;
    return resend(ids);
}

Result<int> ResendService::resendFailingMatching(const MessageFilter &filter)
{
    QStringList ids;
    try {
        ids = m_ctx.store.outbox.failingResendableIds(filter);
    } catch (const StoreError &e) {
        return Error{e.message()};
    }
    if (ids.isEmpty())
        return 0;
    return resend(ids);
}

Result<std::vector<Subscriber>> ResendService::quarantinedAmong(const QStringList &messageIds)
{
    std::vector<Subscriber> out;
    try {
        QSet<QString> seen;
        for (const QString &id : messageIds) {
            const auto m = m_ctx.store.outbox.find(id);
            if (!m || m->channel == Channel::Email || seen.contains(m->subscriberId))
                continue;
            seen.insert(m->subscriberId);
            auto s = m_ctx.store.subscribers.find(m->subscriberId);
            if (s && s->state == SubscriberState::Quarantined)
                out.push_back(std::move(*s));
        }
    } catch (const StoreError &e) {
        return Error{e.message()};
    }
    return out;
}

Result<int> ResendService::recover(const QString &subscriberId, const QDateTime &since)
{
    if (!since.isValid())
        return Error{QStringLiteral("recover needs a valid time to start from")};
    return inTransaction(m_ctx.store, [&]() -> Result<int> {
        const auto s = m_ctx.liveSubscriber(subscriberId);
        if (!s)
            return Error{s.error()};
        // The engine would hold them again at once; reactivating releases a quarantined subscriber's held
        // ones.
        if (s->state == SubscriberState::Quarantined)
            return Error{
                QStringLiteral("subscriber %1 is quarantined; reactivate it first (that releases its "
                               "held deliveries)")
                    .arg(s->id)};
        const int moved = m_ctx.store.outbox.recover(s->id, since, m_ctx.now());
        m_ctx.audit(QStringLiteral("deliveries.recover"), QStringLiteral("subscriber"), s->id,
                    QStringLiteral("Recovered %1 held or failed webhook(s) to %2 created since %3")
                        .arg(moved)
                        .arg(endpointurl::redacted(s->endpoint), since.toUTC().toString(Qt::ISODate)));
        return moved;
    });
}

} // namespace sd
