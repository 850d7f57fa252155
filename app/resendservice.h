#pragma once

#include "servicecontext.h"

namespace sd {

// Puts delivered or failed messages back in the queue for a manual attempt with the same webhook-id.
// Refuses messages whose subscriber is quarantined or removed. Call DeliveryController::wake() after.
class ResendService final
{
public:
    explicit ResendService(ServiceContext ctx) : m_ctx(std::move(ctx)) {}
    Result<int> resend(const QStringList &messageIds);
    Result<int> resendFailedSince(const QDateTime &since);

private:
    ServiceContext m_ctx;
};

} // namespace sd
