#include "app/delivery/deliverycontroller.h"
#include "models/database.h"
#include "models/secretarguments.h"
#include "ui/appresources.h"
#include "ui/colorscheme.h"
#include "ui/consoleapplication.h"
#include "ui/mainwindow.h"
#include "ui/session.h"

#include <QCommandLineParser>
#include <QMessageBox>
#include <cstdio>

int main(int argc, char *argv[])
{
    sd::ConsoleApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("StatusDesk"));
    QApplication::setApplicationName(QStringLiteral("StatusDesk"));
    QApplication::setApplicationVersion(QStringLiteral(STATUSDESK_VERSION));
    // Matches resources/org.statusdesk.StatusDesk.desktop, so docks and task bars find the icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.statusdesk.StatusDesk"));
    QApplication::setWindowIcon(sd::appIcon());
    // The desktop's light or dark setting, now and whenever it changes (the portal answers asynchronously).
    sd::ColorSchemeFollower colorScheme(app, QDBusConnection::sessionBus());
    colorScheme.start();
    qRegisterMetaType<sd::DeliveryProgress>();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("StatusDesk operator console"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(
        QStringLiteral("db"),
        QStringLiteral(
            "Database file, or postgresql://user:password@host:port/dbname for team mode (default: "
            "$STATUSDESK_DB, then the per-user file)."),
        QStringLiteral("path"));
    parser.addOption(dbOption);
    // Copied first: arguments() reads argv again, and a password in it is rubbed out before anything else.
    const QStringList arguments = QApplication::arguments();
    for (const QString &warning : sd::secretargs::scrub(argc, argv))
        std::fprintf(stderr, "statusdesk: %s\n", qPrintable(warning));
    parser.process(arguments);

    // --db "" is refused by Database::open, not taken as a wish for the default database.
    const QString path =
        parser.isSet(dbOption) ? parser.value(dbOption) : sd::Database::resolvePath(QString());
    QString error;
    std::unique_ptr<sd::Session> session = sd::Session::open(path, &error);
    if (!session) {
        // Corrupt, read-only or newer-schema files are reported and left exactly as they are.
        QMessageBox::critical(
            nullptr, QStringLiteral("StatusDesk"),
            QStringLiteral("The database %1 could not be opened, and was not changed.\n\n%2")
                .arg(sd::Database::redacted(path), error));
        return 1;
    }
    // Before the event loop, ConsoleApplication::notify() cannot catch a failed first read; say it here.
    std::unique_ptr<sd::MainWindow> window;
    try {
        window = std::make_unique<sd::MainWindow>(std::move(session));
    } catch (const sd::StoreError &e) {
        QMessageBox::critical(nullptr, QStringLiteral("StatusDesk"),
                              QStringLiteral("The database %1 could not be read.\n\n%2")
                                  .arg(sd::Database::redacted(path), e.message()));
        return 1;
    }
    window->show();
    window->offerSampleIfEmpty();
    return app.exec();
}
