#pragma once

#include <QtGlobal>

namespace sd {

// Whether process `pid` still exists on this machine. A process killed with SIGKILL never hands back what it
// leased (outbox messages, followed pages), so a peer on the same host may take them over at once. Where this
// cannot be told, true: the lease then has to expire.
bool localProcessAlive(qint64 pid);

} // namespace sd
