#pragma once

#include "models/domain.h"

#include <QColor>
#include <QIcon>
#include <QPalette>

// The console's colours for statuses, in one place so every view agrees.
namespace sd::palette {

QColor componentStatus(ComponentStatus s);
QColor deliveryState(DeliveryState s);
QColor pageIndicator(const QString &indicator); // none, minor, major, critical, maintenance
QIcon dot(const QColor &color, int size = 12);
// Red text that reads on the palette's window colour, light or dark.
QColor failureText(const QPalette &palette);

} // namespace sd::palette
