#pragma once

#include "ui/helpdialog.h"

#include <QObject>

class QAction;
class QActionGroup;
class QMenu;

namespace sd {

class MainWindow;

// The main window's menus, toolbar and the actions that are not about one tab: databases (new, open,
// recent), settings, the operator name, notices, the built-in receiver's mode and the help. The tabs, the
// status bar and the session stay in MainWindow; every action reaches them through its public members.
class MainMenus final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainMenus)

public:
    // Builds the menu bar and the toolbar on `window`.
    explicit MainMenus(MainWindow &window);

    // The components view's "Undo last status change" goes first in the Edit menu.
    void setUndoAction(QAction *undo);
    // Checks the receiver mode shown in View → Built-in test receiver (0: 200, 1: 500, 2: hang).
    void showReceiverMode(int mode);
    void addRecent(const QString &path);
    void showNotices();

private:
    void createActions();
    void newDatabase();
    void openDatabaseDialog();
    QString databaseFolder() const;
    void updateRecentMenu();
    void setReceiverMode(int mode);
    void about();
    void showHelp(HelpDialog::Page page);
    void editOperatorName();
    void editSettings(); // page switch and SMTP (issue 12)

    MainWindow &m_window;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_editMenu = nullptr;
    QAction *m_undo = nullptr;
    QActionGroup *m_receiverModes = nullptr;
};

} // namespace sd
