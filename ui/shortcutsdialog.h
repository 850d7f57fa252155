#pragma once

#include <QDialog>

class QTableWidget;

namespace sd {

// Help → Keyboard shortcuts: every action of the window that has a shortcut, read from the actions
// themselves when the dialog opens (so the list cannot drift from what the keys do), plus the few keys
// the tables and editors handle without an action.
class ShortcutsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShortcutsDialog)

public:
    explicit ShortcutsDialog(QWidget *window, QWidget *parent = nullptr);
    QTableWidget *table() const { return m_table; }
    // The list itself, also the Help window's second tab.
    static QTableWidget *buildTable(QWidget *window, QWidget *parent);

private:
    QTableWidget *m_table;
};

} // namespace sd
