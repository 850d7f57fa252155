#include "ui/windowsize.h"

#include <QGuiApplication>
#include <QScreen>
#include <QWidget>

namespace sd {

void resizeWithinScreen(QWidget *window, QSize preferred)
{
    // A dialog opens on its parent's screen.
    const QWidget *anchor = window->parentWidget() ? window->parentWidget()->window() : window;
    const QScreen *screen = anchor->screen() ? anchor->screen() : QGuiApplication::primaryScreen();
    if (screen) {
        // What the window manager's frame and title bar take (openbox, GNOME and KDE stay within this).
        constexpr int kFrameWidth = 16;
        constexpr int kFrameHeight = 40;
        const QSize room = screen->availableGeometry().size() - QSize(kFrameWidth, kFrameHeight);
        preferred = preferred.boundedTo(room);
    }
    window->resize(preferred);
}

} // namespace sd
