#pragma once

#include "models/result.h"

#include <QString>

namespace sd {

class Session;

// The first-run sample: a page with a few components in a group and two subscribers pointed at the
// built-in loopback receiver, so a new operator sees deliveries within a minute.
namespace sample {

Result<Ok> create(Session &session, const QString &receiverUrl);

} // namespace sample
} // namespace sd
