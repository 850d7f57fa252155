#pragma once

#include <QApplication>

namespace sd {

// The console's QApplication. An exception that escapes an event handler or a slot (a StoreError from a read
// that nobody caught, say "database disk image is malformed") would otherwise unwind out of the event loop
// and abort the process, losing the window and what the operator was doing. notify() catches it, logs it and
// announces it; the main window shows it without blocking and keeps its data.
class ConsoleApplication final : public QApplication
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleApplication)

public:
    ConsoleApplication(int &argc, char **argv);
    ~ConsoleApplication() override;

    // nullptr when the running application is a plain QApplication (some tests).
    static ConsoleApplication *instance();

    bool notify(QObject *receiver, QEvent *event) override;

Q_SIGNALS:
    // One sentence saying what failed; emitted on the GUI thread, after the failed event has unwound.
    void uncaughtError(const QString &text);

private:
    void report(const QString &text, QObject *receiver, QEvent *event);
};

} // namespace sd
