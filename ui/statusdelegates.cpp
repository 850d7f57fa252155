#include "statusdelegates.h"

#include "modelroles.h"
#include "statuspalette.h"
#include "values.h"

#include <QComboBox>

namespace sd {

QWidget *ComponentStatusDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &,
                                               const QModelIndex &) const
{
    auto *combo = new QComboBox(parent);
    for (const QString &name : componentStatusNames()) {
        const ComponentStatus s = *parseComponentStatus(name);
        combo->addItem(palette::dot(palette::componentStatus(s)), componentStatusLabel(s), name);
    }
    // Commit as soon as a status is picked: one click is the whole edit.
    connect(combo, &QComboBox::activated, this, [this, combo] {
        Q_EMIT const_cast<ComponentStatusDelegate *>(this)->commitData(combo);
        Q_EMIT const_cast<ComponentStatusDelegate *>(this)->closeEditor(combo);
    });
    return combo;
}

void ComponentStatusDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    auto *combo = qobject_cast<QComboBox *>(editor);
    combo->setCurrentIndex(combo->findData(index.data(Qt::EditRole).toString()));
}

void ComponentStatusDelegate::setModelData(QWidget *editor, QAbstractItemModel *model,
                                           const QModelIndex &index) const
{
    auto *combo = qobject_cast<QComboBox *>(editor);
    const QString value = combo->currentData().toString();
    if (value != index.data(Qt::EditRole).toString())
        model->setData(index, value, Qt::EditRole);
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
    QStyledItemDelegate::initStyleOption(option, index);
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

} // namespace sd
