#include "ui/elidedlabel.h"

#include <QPainter>
#include <QStyle>

namespace sd {

ElidedLabel::ElidedLabel(QWidget *parent)
    : QFrame(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void ElidedLabel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    updateGeometry();
    updateToolTip();
    update();
}

void ElidedLabel::setElideMode(Qt::TextElideMode mode)
{
    m_elide = mode;
    updateToolTip();
    update();
}

void ElidedLabel::setDetail(const QString &detail)
{
    m_detail = detail;
    updateToolTip();
}

void ElidedLabel::setTextColor(const QColor &color)
{
    m_color = color;
    update();
}

void ElidedLabel::setHintWidthCap(int px)
{
    m_hintCap = px;
    updateGeometry();
}

QString ElidedLabel::shownText() const
{
    return fontMetrics().elidedText(m_text, m_elide, contentsRect().width());
}

QSize ElidedLabel::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    const QMargins m = contentsMargins();
    int width = fm.horizontalAdvance(m_text) + m.left() + m.right() + 2;
    if (m_hintCap > 0)
        width = std::min(width, m_hintCap);
    return {width, fm.height() + m.top() + m.bottom()};
}

QSize ElidedLabel::minimumSizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    const QMargins m = contentsMargins();
    // A word and the ellipsis: enough to tell the labels apart.
    const int least = std::min(fm.horizontalAdvance(m_text), fm.horizontalAdvance(QStringLiteral("Wwwwww…")));
    return {least + m.left() + m.right() + 2, fm.height() + m.top() + m.bottom()};
}

void ElidedLabel::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event);
    QPainter p(this);
    if (m_color.isValid())
        p.setPen(m_color);
    else
        p.setPen(palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, QPalette::WindowText));
    p.drawText(contentsRect(), Qt::AlignLeft | Qt::AlignVCenter, shownText());
}

void ElidedLabel::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    updateToolTip();
}

void ElidedLabel::updateToolTip()
{
    QString tip = isElided() ? m_text : QString();
    if (!m_detail.isEmpty())
        tip = tip.isEmpty() ? m_detail : tip + QStringLiteral("\n\n") + m_detail;
    setToolTip(tip);
}

} // namespace sd
