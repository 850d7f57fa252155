#pragma once

#include <QFrame>

namespace sd {

// One line of plain text that gives up width gracefully: it asks for its whole text but shrinks to a few
// characters, drawing "…" where it is cut, and then its tooltip carries the whole text (plus `detail`).
// The status bar's labels at 1024 px and the Notices panel's rows (issue 20 item 4).
class ElidedLabel final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ElidedLabel)

public:
    explicit ElidedLabel(QWidget *parent = nullptr);
    void setText(const QString &text);
    QString text() const { return m_text; }
    // Shown in the tooltip below the text whether or not it is cut.
    void setDetail(const QString &detail);
    QString shownText() const; // what is drawn now
    bool isElided() const { return shownText() != m_text; }
    void setTextColor(const QColor &color); // invalid: the palette's
    // Where a text too long is cut: at the end (the default), or in the middle for a URL whose end matters.
    void setElideMode(Qt::TextElideMode mode);
    // The width it asks for at most (0: its whole text): a long, less urgent text gives way to others first
    // when the bar is narrow, and still shows whole when there is room to spare.
    void setHintWidthCap(int px);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateToolTip();

    QString m_text;
    QString m_detail;
    QColor m_color;
    int m_hintCap = 0;
    Qt::TextElideMode m_elide = Qt::ElideRight;
};

} // namespace sd
