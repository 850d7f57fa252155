#pragma once

#include <QDialog>

class QTabWidget;
class QTextBrowser;

namespace sd {

// Help → StatusDesk help (F1): the console's manual page (docs/console.md, compiled in) and the keyboard
// shortcut list, in two tabs.
class HelpDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HelpDialog)

public:
    enum class Page
    {
        Manual,
        Shortcuts
    };
    explicit HelpDialog(QWidget *window, Page page = Page::Manual, QWidget *parent = nullptr);
    QTabWidget *tabs() const { return m_tabs; }
    QTextBrowser *manual() const { return m_manual; }

private:
    QTabWidget *m_tabs;
    QTextBrowser *m_manual;
};

} // namespace sd
