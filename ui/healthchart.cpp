#include "ui/healthchart.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace sd {

HealthChart::HealthChart(QString title, QString unit, QWidget *parent)
    : QWidget(parent)
    , m_title(std::move(title))
    , m_unit(std::move(unit))
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void HealthChart::setRange(const QDateTime &from, const QDateTime &to)
{
    m_from = from;
    m_to = to;
    update();
}

void HealthChart::setTitle(const QString &title)
{
    m_title = title;
    update();
}

QString HealthChart::formatValue(double value, const QString &unit)
{
    // At most one decimal, none when it is whole: "1.5 s", "10 s".
    const auto number = [](double v) {
        const double rounded = std::round(v * 10) / 10;
        return QLocale().toString(rounded, 'f', rounded == std::floor(rounded) ? 0 : 1);
    };
    if (unit == QLatin1String("ms")) {
        if (value < 10) // a fast endpoint's axis: "2.5 ms" at half of 5 ms, not "3 ms"
            return QStringLiteral("%1 ms").arg(number(value));
        if (value < 1000)
            return QStringLiteral("%1 ms").arg(QLocale().toString(qint64(std::llround(value))));
        if (value < 60000)
            return QStringLiteral("%1 s").arg(number(value / 1000));
        return QStringLiteral("%1 min").arg(number(value / 60000));
    }
    if (unit == QLatin1String("%"))
        return QStringLiteral("%1 %").arg(number(value));
    return number(value);
}

void HealthChart::setSeries(std::vector<Series> series)
{
    m_series = std::move(series);
    update();
}

double HealthChart::maximum() const
{
    if (m_fixedMax)
        return *m_fixedMax;
    double top = 0;
    for (const Series &s : m_series)
        for (const Point &p : s.points)
            if (p.value)
                top = std::max(top, *p.value);
    if (top <= 0)
        return 1;
    // A round number above the data: 1, 2 or 5 times a power of ten.
    const double magnitude = std::pow(10.0, std::floor(std::log10(top)));
    for (const double step : {1.0, 2.0, 5.0, 10.0}) {
        if (top <= step * magnitude)
            return step * magnitude;
    }
    return 10 * magnitude;
}

void HealthChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm = fontMetrics();
    const int lineH = fm.height();

    // Title on its own line, the legend on the next: labels never overlap the plot or each other.
    p.setPen(palette().text().color());
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRect(8, 4, width() - 16, lineH), Qt::AlignLeft | Qt::AlignVCenter, m_title);
    p.setFont(font());
    int legendX = 8;
    for (const Series &s : m_series) {
        p.fillRect(QRect(legendX, 6 + lineH + lineH / 2 - 2, 14, 4), s.color);
        legendX += 18;
        p.setPen(palette().text().color());
        p.drawText(QPoint(legendX, 4 + lineH + fm.ascent()), s.name);
        legendX += fm.horizontalAdvance(s.name) + 14;
    }

    const double top = maximum();
    const QString topLabel = formatValue(top, m_unit);
    const int left = 12 + fm.horizontalAdvance(topLabel);
    // Half a line below the legend: the top axis label is centred on the plot's top edge.
    const int plotTop = 8 + 2 * lineH + lineH / 2;
    const QRect plot(left, plotTop, width() - left - 12, height() - plotTop - lineH - 8);
    if (plot.width() < 20 || plot.height() < 20)
        return;

    // Axes and grid: zero, half and top.
    p.setPen(QPen(palette().mid().color(), 1, Qt::DotLine));
    for (const double f : {0.0, 0.5, 1.0}) {
        const int y = plot.bottom() - static_cast<int>(f * plot.height());
        p.drawLine(plot.left(), y, plot.right(), y);
        p.save();
        p.setPen(palette().text().color());
        const QString label = formatValue(f * top, m_unit);
        p.drawText(QRect(0, y - lineH / 2, left - 6, lineH), Qt::AlignRight | Qt::AlignVCenter, label);
        p.restore();
    }
    p.setPen(palette().text().color());
    if (m_from.isValid() && m_to.isValid()) {
        const QString fmt = m_from.msecsTo(m_to) > 26LL * 3600 * 1000 ? QStringLiteral("MMM d HH:mm")
                                                                      : QStringLiteral("HH:mm");
        const int y = plot.bottom() + 4;
        p.drawText(QRect(plot.left(), y, plot.width() / 2, lineH), Qt::AlignLeft | Qt::AlignTop,
                   m_from.toLocalTime().toString(fmt));
        p.drawText(QRect(plot.left() + plot.width() / 2, y, plot.width() / 2, lineH),
                   Qt::AlignRight | Qt::AlignTop, m_to.toLocalTime().toString(fmt));
    }
    if (!m_from.isValid() || m_to <= m_from)
        return;

    const double span = static_cast<double>(m_from.msecsTo(m_to));
    auto xOf = [&](const QDateTime &t) {
        return plot.left() + static_cast<double>(m_from.msecsTo(t)) / span * plot.width();
    };
    auto yOf = [&](double v) { return plot.bottom() - std::clamp(v / top, 0.0, 1.0) * plot.height(); };
    bool any = false;
    for (const Series &s : m_series) {
        QPainterPath path;
        bool open = false;
        p.setPen(QPen(s.color, 2));
        p.setBrush(s.color);
        for (const Point &pt : s.points) {
            if (!pt.value || pt.at < m_from || pt.at > m_to) {
                open = false; // a gap: an hour without attempts
                continue;
            }
            any = true;
            const QPointF xy(xOf(pt.at), yOf(*pt.value));
            if (open)
                path.lineTo(xy);
            else
                path.moveTo(xy);
            open = true;
            p.drawEllipse(xy, 2.5, 2.5);
        }
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    if (!any) {
        p.setPen(palette().placeholderText().color());
        p.drawText(plot, Qt::AlignCenter, tr("No attempts in this period"));
    }
}

} // namespace sd
