#pragma once

#include "models/deliverysettings.h"

#include <QByteArray>
#include <QDateTime>
#include <functional>
#include <optional>

namespace sd {

// What happens after an attempt: done, try again at a time, give up, or stop the subscriber (410).
struct RetryDecision
{
    enum class Kind
    {
        Delivered,
        Retry,
        GiveUp,
        Quarantine
    };
    Kind kind = Kind::GiveUp;
    qint64 delayMs = 0;
};

class RetryPolicy final
{
public:
    // `random01` returns a uniform number in [0, 1); tests pass a fixed one.
    explicit RetryPolicy(DeliverySettings settings, std::function<double()> random01 = {});

    // attemptNumber is the attempt just made (1-based). errorClass is empty on a 2xx.
    RetryDecision decide(int attemptNumber, int httpStatus, const QString &errorClass,
                         const QByteArray &retryAfterHeader, const QDateTime &now, bool manual) const;

    // Retry-After as seconds or an HTTP date; nullopt when absent or malformed.
    static std::optional<qint64> parseRetryAfterMs(const QByteArray &value, const QDateTime &now);

private:
    DeliverySettings m_settings;
    std::function<double()> m_random;
};

} // namespace sd
