#pragma once

class QApplication;

namespace sd {

// A palette that follows the desktop's light or dark setting (issue 20 item 7). Qt 6.4 takes the palette
// from the platform theme where there is one; where that is light but the desktop asks for dark (GTK_THEME
// "Name:dark", or STATUSDESK_COLOR_SCHEME=dark to say so outright), the Fusion style's dark palette is
// applied. STATUSDESK_COLOR_SCHEME=light keeps the light one. Returns true when dark.
bool applyDesktopColorScheme(QApplication &app);

} // namespace sd
