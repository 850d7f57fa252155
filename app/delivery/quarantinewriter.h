#pragma once

#include "models/domain.h"

#include <QDateTime>
#include <optional>

namespace sd {

class Store;

// Writes a quarantine the engine decided, inside the caller's transaction: the subscriber turns quarantined
// (only if still active, so two engines quarantining one subscriber at once leave one notice), its pending
// webhooks are held, the address on file is emailed when SMTP is set, and a notice says so. Returns the
// notice's text, or nothing when the subscriber was no longer active.
std::optional<QString> writeQuarantine(Store &store, const Subscriber &subscriber, const QString &reason,
                                       const QDateTime &now, qint64 purgeAfterMs);

} // namespace sd
