#include "app/services/operatoridentity.h"

#include <QSysInfo>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace sd {
namespace {

constexpr int kMaxOperatorLength = 100;

} // namespace

QString defaultOperator()
{
    // The environment and the host name do not change while the process runs; services are built per call.
    static const QString name = [] {
        QString user = qEnvironmentVariable("USER").trimmed();
        if (user.isEmpty())
            user = qEnvironmentVariable("LOGNAME").trimmed();
#ifdef Q_OS_UNIX
        // Services and cron jobs often run without USER or LOGNAME; the account database still knows.
        if (user.isEmpty()) {
            if (const passwd *pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
                user = QString::fromLocal8Bit(pw->pw_name);
        }
#endif
        if (user.isEmpty())
            user = QStringLiteral("unknown");
        const QString host = QSysInfo::machineHostName().trimmed();
        return host.isEmpty() ? user : user + QLatin1Char('@') + host;
    }();
    return name;
}

QString resolveOperator(const QString &chosen)
{
    const QString trimmed = chosen.trimmed();
    if (!trimmed.isEmpty())
        return trimmed;
    const QString fromEnvironment = qEnvironmentVariable("STATUSDESK_OPERATOR").trimmed();
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    return defaultOperator();
}

QString checkOperatorName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("the operator name is empty");
    if (trimmed.size() > kMaxOperatorLength)
        return QStringLiteral("the operator name is %1 characters; the limit is %2")
            .arg(trimmed.size())
            .arg(kMaxOperatorLength);
    for (const QChar c : trimmed) {
        // One line in every listing: no line breaks, tabs or other control characters.
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return QStringLiteral("the operator name contains a control character");
    }
    return {};
}

} // namespace sd
