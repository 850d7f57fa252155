#include "models/localprocess.h"

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#endif

namespace sd {

bool localProcessAlive(qint64 pid)
{
#ifdef Q_OS_UNIX
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH);
#else
    Q_UNUSED(pid);
    return true;
#endif
}

} // namespace sd
