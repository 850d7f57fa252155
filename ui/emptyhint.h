#pragma once

#include <QLabel>

class QAbstractItemView;

namespace sd {

// What to do first, shown in the middle of an empty table (issue 20 item 7: declining the sample page left
// blank tables): visible while the view's model has no rows.
class EmptyHint final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmptyHint)

public:
    EmptyHint(QAbstractItemView *view, const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void follow();

    QAbstractItemView *m_view;
};

} // namespace sd
