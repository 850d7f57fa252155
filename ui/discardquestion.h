#pragma once

#include <QMessageBox>
#include <QPushButton>

namespace sd {

// Escape or Cancel on something half typed: "Discard what you wrote?" with Keep editing as the default.
// True when the operator chose to discard.
inline bool confirmDiscard(QWidget *dialog, const QString &question)
{
    QMessageBox box(QMessageBox::Question, dialog->windowTitle(), question,
                    QMessageBox::Discard | QMessageBox::Cancel, dialog);
    box.setObjectName(QStringLiteral("discardQuestion"));
    box.button(QMessageBox::Cancel)->setText(QMessageBox::tr("Keep editing"));
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Discard;
}

} // namespace sd
