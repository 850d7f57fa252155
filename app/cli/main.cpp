#include "app/cli/cli.h"
#include "models/secretarguments.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("StatusDesk"));
    QCoreApplication::setApplicationName(QStringLiteral("StatusDesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STATUSDESK_VERSION));
    // Copied first: arguments() reads argv again, and a password in it is rubbed out before anything else.
    const QStringList arguments = QCoreApplication::arguments();
    for (const QString &warning : sd::secretargs::scrub(argc, argv))
        std::fprintf(stderr, "statusdesk-cli: %s\n", qPrintable(warning));
    return sd::cli::run(arguments);
}
