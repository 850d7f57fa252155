#pragma once

#include <QIcon>

namespace sd {

// The console's compiled-in resources (resources/statusdesk.qrc): the application icon at every size and
// the licence text. initResources() is needed because the .qrc lives in a static library.
void initResources();
QIcon appIcon();
QString licenceText(); // LICENSE, as compiled in

} // namespace sd
