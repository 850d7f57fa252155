#pragma once

#include "models/uptime.h"

#include <QWidget>
#include <vector>

namespace sd {

// The 90-day strip of a component's page, as the public page draws it: one bar per day of the page's time
// zone, coloured by the day's worst status (grey: no history), its tooltip giving the minutes of outage.
class UptimeStrip final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UptimeStrip)

public:
    explicit UptimeStrip(QWidget *parent = nullptr);

    void setDays(std::vector<uptime::Day> days);
    const std::vector<uptime::Day> &days() const { return m_days; }
    QRect barRect(int index) const; // where day `index` is drawn (tests sample its colour)
    static QColor colour(const uptime::Day &day);
    static QString tip(const uptime::Day &day);

    QSize sizeHint() const override { return {720, 44}; }
    QSize minimumSizeHint() const override { return {270, 32}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override; // tooltips per bar

private:
    std::vector<uptime::Day> m_days;
};

} // namespace sd
