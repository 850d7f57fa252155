#include "resendservice.h"

#include "values.h"

namespace sd {

Result<int> ResendService::resend(const QStringList &messageIds)
{
    if (messageIds.isEmpty())
        return Error{QStringLiteral("no delivery ids given")};
    return inTransaction(m_ctx.store, [&]() -> Result<int> {
        const QDateTime now = m_ctx.now();
        for (const QString &id : messageIds) {
            auto m = m_ctx.store.outbox.find(id);
            if (!m)
                return Error{QStringLiteral("unknown delivery id \"%1\"").arg(id)};
            auto s = m_ctx.store.subscribers.find(m->subscriberId);
            if (!s || s->state == SubscriberState::Unsubscribed)
                return Error{QStringLiteral("delivery %1 cannot be resent: its subscriber was removed").arg(id)};
            if (s->state == SubscriberState::Quarantined)
                return Error{QStringLiteral("delivery %1 cannot be resent: subscriber %2 is quarantined; reactivate "
                                            "it first")
                                 .arg(id, s->id)};
            if (m->state == DeliveryState::Sending)
                return Error{QStringLiteral("delivery %1 is being sent right now").arg(id)};
            m_ctx.store.db().run(QStringLiteral("UPDATE messages SET state = 'queued', next_attempt_at = ?, "
                                                "next_trigger = 'manual', updated_at = ? WHERE id = ?"),
                                 {toDb(now), toDb(now), id});
        }
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
            if (s && s->state == SubscriberState::Active)
                ids << id; // quarantined or removed subscribers are skipped, not an error in bulk
        }
    } catch (const StoreError &e) {
        return Error{e.message()};
    }
    if (ids.isEmpty())
        return 0;
    return resend(ids);
}

} // namespace sd
