#pragma once

#include <QApplication>
#include <QDialog>
#include <QObject>
#include <QTimer>
#include <functional>

namespace sd::test {

// Runs `act` on the next modal dialog once it is shown: a dialog runs its own event loop, so the test
// cannot answer it from the line after the call that opens it. `context` owns the polling timer.
inline void whenModal(QObject *context, std::function<void(QDialog *)> act)
{
    auto *timer = new QTimer(context);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, context, [timer, act] {
        if (auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            act(dialog);
        }
    });
    timer->start();
}

} // namespace sd::test
