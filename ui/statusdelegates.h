#pragma once

#include <QComboBox>
#include <QStyledItemDelegate>
#include <utility>

namespace sd {

// Draws a frame around the current cell when its view has focus, so the keyboard user can see which
// cell F2 or a typed key acts on even when whole rows are selected.
void paintCurrentCellFrame(QPainter *painter, const QStyleOptionViewItem &option);

// The status editor: arrow keys, Page Up/Down, Home/End, typed letters and the wheel only browse; a
// status is chosen by Enter or by picking it in the open list (a click), never by browsing past it.
class StatusComboEditor final : public QComboBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusComboEditor)

public:
    explicit StatusComboEditor(QWidget *parent = nullptr);

    void choose() { m_chosen = true; }
    // True once per choice: the view may ask for the editor's data again (focus leaving it while the
    // confirmation is up) and that must not become a second change.
    bool takeChoice() { return std::exchange(m_chosen, false); }

Q_SIGNALS:
    void chosen();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    bool m_chosen = false;
};

// Paints a component status as a coloured dot and label, and edits it with a StatusComboEditor. The
// model decides what the change means (and asks about notifications).
class ComponentStatusDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ComponentStatusDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

protected:
    bool eventFilter(QObject *object, QEvent *event) override;
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

// Any other cell of a table whose current cell must stay visible (see paintCurrentCellFrame). Not final:
// GroupRowDelegate paints its frame the same way.
class CurrentCellDelegate : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CurrentCellDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

// Group header rows of the components table: bold on a shaded band.
class GroupRowDelegate final : public CurrentCellDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GroupRowDelegate)

public:
    using CurrentCellDelegate::CurrentCellDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

// Colours a delivery state cell (read only).
class DeliveryStateDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryStateDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

// Shows a URL cut in the middle, so a narrow column still shows where it goes ("http://127.0.0.1:…/fail1"):
// the ends tell endpoints apart, a cut at the right showed the same host for every row.
class UrlDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UrlDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace sd
