#include "ui/statusdelegates.h"

#include "models/itemmodels/modelroles.h"
#include "models/values.h"
#include "ui/statuspalette.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QKeyEvent>
#include <QPainter>
#include <QWheelEvent>

namespace sd {

void paintCurrentCellFrame(QPainter *painter, const QStyleOptionViewItem &option)
{
    if (!(option.state & QStyle::State_HasFocus))
        return;
    painter->save();
    QPen pen(option.palette.color(QPalette::Active, QPalette::Text), 2);
    pen.setJoinStyle(Qt::MiterJoin);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(QRectF(option.rect).adjusted(1, 1, -1, -1));
    painter->restore();
}

StatusComboEditor::StatusComboEditor(QWidget *parent)
    : QComboBox(parent)
{
    setObjectName(QStringLiteral("statusEditor"));
    // A click or Enter in the open list is a choice; browsing the closed box never is.
    connect(this, &QComboBox::activated, this, [this] {
        choose();
        Q_EMIT chosen();
    });
}

void StatusComboEditor::keyPressEvent(QKeyEvent *event)
{
    // QComboBox would emit activated() for each of these keys, which made the first arrow a commit.
    int row = currentIndex();
    switch (event->key()) {
    case Qt::Key_Up:
    case Qt::Key_Left:
        if (event->modifiers() & Qt::AltModifier)
            return QComboBox::keyPressEvent(event);
        row = qMax(0, row - 1);
        break;
    case Qt::Key_Down:
    case Qt::Key_Right:
        if (event->modifiers() & Qt::AltModifier)
            return QComboBox::keyPressEvent(event); // Alt+Down opens the list
        row = qMin(count() - 1, row + 1);
        break;
    case Qt::Key_PageUp:
    case Qt::Key_Home:
        row = 0;
        break;
    case Qt::Key_PageDown:
    case Qt::Key_End:
        row = count() - 1;
        break;
    default: {
        const QString text = event->text();
        if (text.isEmpty() || !text.at(0).isLetterOrNumber() ||
            (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier)))
            return QComboBox::keyPressEvent(event);
        // Typing a letter moves to the next status starting with it, still without choosing it.
        for (int step = 1; step <= count(); ++step) {
            const int candidate = (currentIndex() + step) % count();
            if (itemText(candidate).startsWith(text, Qt::CaseInsensitive)) {
                row = candidate;
                break;
            }
        }
        break;
    }
    }
    setCurrentIndex(row);
    event->accept();
}

void StatusComboEditor::wheelEvent(QWheelEvent *event)
{
    event->ignore(); // a scroll over the cell must never change a status
}

QWidget *ComponentStatusDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &,
                                               const QModelIndex &) const
{
    auto *combo = new StatusComboEditor(parent);
    for (const QString &name : componentStatusNames()) {
        const ComponentStatus s = *parseComponentStatus(name);
        combo->addItem(palette::dot(palette::componentStatus(s)), componentStatusLabel(s), name);
    }
    connect(combo, &StatusComboEditor::chosen, this, [this, combo] {
        auto *self = const_cast<ComponentStatusDelegate *>(this);
        Q_EMIT self->commitData(combo);
        Q_EMIT self->closeEditor(combo);
    });
    return combo;
}

bool ComponentStatusDelegate::eventFilter(QObject *object, QEvent *event)
{
    // Enter chooses what the closed box shows. The base filter would commit later from a queued call,
    // after the confirmation had already run once.
    auto *combo = qobject_cast<StatusComboEditor *>(object);
    if (combo && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if ((key == Qt::Key_Return || key == Qt::Key_Enter) && !combo->view()->isVisible()) {
            combo->choose();
            Q_EMIT combo->chosen();
            return true;
        }
    }
    return QStyledItemDelegate::eventFilter(object, event);
}

void ComponentStatusDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    auto *combo = qobject_cast<QComboBox *>(editor);
    combo->setCurrentIndex(combo->findData(index.data(Qt::EditRole).toString()));
}

void ComponentStatusDelegate::setModelData(QWidget *editor, QAbstractItemModel *model,
                                           const QModelIndex &index) const
{
    auto *combo = qobject_cast<StatusComboEditor *>(editor);
    // Focus leaving a browsed-but-not-chosen editor closes it without a change.
    if (!combo || !combo->takeChoice())
        return;
    const QString value = combo->currentData().toString();
    if (value != index.data(Qt::EditRole).toString())
        model->setData(index, value, Qt::EditRole);
}

void ComponentStatusDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                    const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    paintCurrentCellFrame(painter, option);
}

void CurrentCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    paintCurrentCellFrame(painter, option);
}

void ComponentStatusDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant status = index.data(roles::StatusRole);
    if (!status.isValid())
        return;
    option->features |= QStyleOptionViewItem::HasDecoration;
    option->icon = palette::dot(palette::componentStatus(static_cast<ComponentStatus>(status.toInt())));
    option->decorationSize = QSize(12, 12);
}

void GroupRowDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    CurrentCellDelegate::initStyleOption(option, index);
    if (index.data(roles::KindRole).toInt() != 0) // 0: ComponentsModel::RowKind::Group
        return;
    option->font.setBold(true);
    option->backgroundBrush = option->palette.alternateBase();
}

void DeliveryStateDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant state = index.data(roles::StatusRole);
    if (!state.isValid())
        return;
    const QColor c = palette::deliveryState(static_cast<DeliveryState>(state.toInt()));
    option->palette.setColor(QPalette::Text, c);
    option->palette.setColor(QPalette::HighlightedText, option->palette.color(QPalette::HighlightedText));
    option->font.setBold(static_cast<DeliveryState>(state.toInt()) == DeliveryState::Failed);
    option->features |= QStyleOptionViewItem::HasDecoration;
    option->icon = palette::dot(c, 10);
    option->decorationSize = QSize(10, 10);
}

void UrlDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    option->textElideMode = Qt::ElideMiddle;
}

} // namespace sd
