#include "ui/consoleapplication.h"

#include "models/database.h"

#include <QEvent>
#include <QMetaEnum>
#include <QPointer>
#include <exception>

namespace sd {

ConsoleApplication::ConsoleApplication(int &argc, char **argv)
    : QApplication(argc, argv)
{
    // A platform file dialog runs its toolkit's code in this process, and that code reads the files it lists
    // (the database's -wal among them); every dialog here is Qt's own (see SafeFileDialog).
    setAttribute(Qt::AA_DontUseNativeDialogs);
}

ConsoleApplication::~ConsoleApplication() = default;

ConsoleApplication *ConsoleApplication::instance()
{
    return qobject_cast<ConsoleApplication *>(QCoreApplication::instance());
}

bool ConsoleApplication::notify(QObject *receiver, QEvent *event)
{
    try {
        return QApplication::notify(receiver, event);
    } catch (const StoreError &e) {
        report(tr("A database error reached the console and was stopped there: %1").arg(e.message()),
               receiver, event);
    } catch (const std::exception &e) {
        report(tr("An error reached the console and was stopped there: %1")
                   .arg(QString::fromLocal8Bit(e.what())),
               receiver, event);
    }
    return false;
}

void ConsoleApplication::report(const QString &text, QObject *receiver, QEvent *event)
{
    const char *eventName = QMetaEnum::fromType<QEvent::Type>().valueToKey(event->type());
    qCritical("%s (while delivering %s to %s \"%s\")", qUtf8Printable(text),
              eventName ? eventName : "an event", receiver ? receiver->metaObject()->className() : "nothing",
              receiver ? qUtf8Printable(receiver->objectName()) : "");
    // Announced from the event loop, not from inside the event that failed: a window that shows it must not
    // run into whatever state that handler left half done. Also brings a worker thread's failure to the GUI
    // thread.
    QMetaObject::invokeMethod(
        this, [this, text] { Q_EMIT uncaughtError(text); }, Qt::QueuedConnection);
}

} // namespace sd
