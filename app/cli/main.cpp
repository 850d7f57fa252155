#include "app/cli/cli.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("StatusDesk"));
    QCoreApplication::setApplicationName(QStringLiteral("StatusDesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STATUSDESK_VERSION));
    return sd::cli::run(QCoreApplication::arguments());
}
