#pragma once

#include "app/services/servicecontext.h"

namespace sd {

// Puts messages back in the queue for a manual attempt with the same webhook-id. The attempt is extra: one
// still retrying keeps its schedule (next time and retries left) should the manual attempt fail.
// Refuses messages whose subscriber is quarantined or removed. Call DeliveryController::wake() after.
class ResendService final
{
public:
    explicit ResendService(ServiceContext ctx)
        : m_ctx(std::move(ctx))
    {}
    // The operator recorded for the changes made from now on (the console's name can change while it runs).
    void setActor(const QString &actor) { m_ctx.actor = actor; }
    const QString &actor() const { return m_ctx.actor; }
    Result<int> resend(const QStringList &messageIds);
    Result<int> resendFailedSince(const QDateTime &since);
    // Every failing delivery (failed, or retrying: sent now, its schedule kept should it fail again)
    // matching `filter` that can be resent (the console's "Resend failing in filter"); quarantined or
    // removed subscribers' are skipped, as in resendFailedSince.
    Result<int> resendFailingMatching(const MessageFilter &filter);
    // The quarantined subscribers whose webhooks among `messageIds` a resend would refuse (held ones), so
    // the console can offer "Reactivate and resend" instead of an error.
    Result<std::vector<Subscriber>> quarantinedAmong(const QStringList &messageIds);
    // Svix's Recover: the subscriber's held and failed webhooks created at or after `since` go back to the
    // queue, in one transaction with its audit row. Refused (one sentence) for an unknown, removed or
    // quarantined subscriber or an invalid time. Returns how many moved.
    Result<int> recover(const QString &subscriberId, const QDateTime &since);

private:
    ServiceContext m_ctx;
};

} // namespace sd
