#pragma once

#include <QColor>
#include <QDateTime>
#include <QString>
#include <QWidget>
#include <optional>
#include <vector>

namespace sd {

// A small time-series chart drawn with QPainter (no Qt Charts): one or more lines over a time range, points
// per minute or hour, gaps where one has no value. Enough for an endpoint's success rate and latency over
// time. Axis labels read as people write them: "250 ms", "1.5 s", "2 min", "50 %".
class HealthChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HealthChart)

public:
    struct Point
    {
        QDateTime at;
        std::optional<double> value; // nullopt: nothing measured then (drawn as a gap)
    };
    struct Series
    {
        QString name;
        QColor color;
        std::vector<Point> points; // in time order
    };

    HealthChart(QString title, QString unit, QWidget *parent = nullptr);

    void setRange(const QDateTime &from, const QDateTime &to);
    void setTitle(const QString &title);
    QString title() const { return m_title; }
    // A value in `unit` ("ms" or "%"; anything else as a plain number) as the axes and tables show it.
    static QString formatValue(double value, const QString &unit);
    void setFixedMaximum(std::optional<double> maximum)
    {
        m_fixedMax = maximum;
        update();
    }
    void setSeries(std::vector<Series> series);
    const std::vector<Series> &series() const { return m_series; }
    QDateTime from() const { return m_from; }
    QDateTime to() const { return m_to; }
    QSize sizeHint() const override { return {520, 180}; }
    QSize minimumSizeHint() const override { return {240, 120}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    double maximum() const;

    QString m_title;
    QString m_unit;
    QDateTime m_from;
    QDateTime m_to;
    std::optional<double> m_fixedMax;
    std::vector<Series> m_series;
};

} // namespace sd
