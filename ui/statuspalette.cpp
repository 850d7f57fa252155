#include "ui/statuspalette.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>

namespace sd::palette {

QColor componentStatus(ComponentStatus s)
{
    switch (s) {
    case ComponentStatus::Operational:
        return QColor(0x2f, 0xcc, 0x66);
    case ComponentStatus::UnderMaintenance:
        return QColor(0x34, 0x98, 0xdb);
    case ComponentStatus::DegradedPerformance:
        return QColor(0xf1, 0xc4, 0x0f);
    case ComponentStatus::PartialOutage:
        return QColor(0xe6, 0x7e, 0x22);
    case ComponentStatus::MajorOutage:
        return QColor(0xe7, 0x4c, 0x3c);
    }
    return Qt::gray;
}

QColor deliveryState(DeliveryState s)
{
    switch (s) {
    case DeliveryState::Delivered:
        return QColor(0x1e, 0x8e, 0x3e);
    case DeliveryState::Queued:
    case DeliveryState::Sending:
        return QColor(0x34, 0x6d, 0xb3);
    case DeliveryState::Retrying:
        return QColor(0xd3, 0x75, 0x00);
    case DeliveryState::Failed:
        return QColor(0xc6, 0x28, 0x28);
    case DeliveryState::Held:
    case DeliveryState::Cancelled:
        return QColor(0x75, 0x75, 0x75);
    }
    return Qt::gray;
}

QColor pageIndicator(const QString &indicator)
{
    if (indicator == QLatin1String("minor"))
        return componentStatus(ComponentStatus::DegradedPerformance);
    if (indicator == QLatin1String("major"))
        return componentStatus(ComponentStatus::PartialOutage);
    if (indicator == QLatin1String("critical"))
        return componentStatus(ComponentStatus::MajorOutage);
    if (indicator == QLatin1String("maintenance"))
        return componentStatus(ComponentStatus::UnderMaintenance);
    return componentStatus(ComponentStatus::Operational);
}

QIcon dot(const QColor &color, int size)
{
    // Painted once per colour and size: delegates ask for these on every repaint.
    static QHash<QPair<QRgb, int>, QIcon> cache;
    const auto key = qMakePair(color.rgba(), size);
    if (const auto it = cache.constFind(key); it != cache.cend())
        return *it;
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(color.darker(130));
    p.setBrush(color);
    p.drawEllipse(QRectF(1, 1, size - 2, size - 2));
    p.end();
    const QIcon icon(pm);
    cache.insert(key, icon);
    return icon;
}

QColor failureText(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128 ? QColor(0xff, 0x8a, 0x80)
                                                             : QColor(0xc6, 0x28, 0x28);
}

} // namespace sd::palette
