#include "ui/uptimestrip.h"

#include "ui/statuspalette.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace sd {

UptimeStrip::UptimeStrip(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("uptimeStrip"));
    setMouseTracking(true);
}

void UptimeStrip::setDays(std::vector<uptime::Day> days)
{
    m_days = std::move(days);
    update();
}

QRect UptimeStrip::barRect(int index) const
{
    const int n = int(m_days.size());
    if (n == 0 || index < 0 || index >= n)
        return {};
    const double w = double(width()) / n;
    const int left = int(index * w);
    const int right = int((index + 1) * w) - 1; // one pixel apart
    return QRect(left, 0, std::max(1, right - left), height());
}

QColor UptimeStrip::colour(const uptime::Day &day)
{
    if (!day.hasData)
        return QColor(0xc5, 0xca, 0xd1);
    return palette::componentStatus(day.figures.worst);
}

QString UptimeStrip::tip(const uptime::Day &day)
{
    const uptime::Figures &f = day.figures;
    QStringList parts;
    if (f.majorOutageSeconds > 0)
        parts << tr("%1 major outage").arg(uptime::durationText(f.majorOutageSeconds));
    if (f.partialOutageSeconds > 0)
        parts << tr("%1 partial outage").arg(uptime::durationText(f.partialOutageSeconds));
    if (f.degradedSeconds > 0)
        parts << tr("%1 degraded performance").arg(uptime::durationText(f.degradedSeconds));
    if (f.maintenanceSeconds > 0)
        parts << tr("%1 maintenance").arg(uptime::durationText(f.maintenanceSeconds));
    const QString date = day.date.toString(QStringLiteral("ddd d MMM yyyy"));
    if (!day.hasData)
        return tr("%1: no history").arg(date);
    return tr("%1: %2").arg(date, parts.isEmpty() ? tr("no downtime") : parts.join(QStringLiteral(", ")));
}

void UptimeStrip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    for (int i = 0; i < int(m_days.size()); ++i)
        p.fillRect(barRect(i), colour(m_days[size_t(i)]));
}

bool UptimeStrip::event(QEvent *e)
{
    if (e->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(e);
        for (int i = 0; i < int(m_days.size()); ++i) {
            if (barRect(i).adjusted(0, 0, 1, 0).contains(help->pos())) {
                QToolTip::showText(help->globalPos(), tip(m_days[size_t(i)]), this);
                return true;
            }
        }
        QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

} // namespace sd
