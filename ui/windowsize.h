#pragma once

#include <QSize>

class QWidget;

namespace sd {

// Sizes a top-level window to `preferred`, or smaller where the screen it opens on has less room (a laptop
// at 1024×700), so its title bar and buttons stay on screen. The window's layout still keeps it at its
// minimum size.
void resizeWithinScreen(QWidget *window, QSize preferred);

} // namespace sd
