#pragma once

#include "models/statusrules.h"

#include <QColor>
#include <QImage>
#include <QObject>
#include <QStringList>
#include <memory>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace sd {

// The console in the system tray: an icon in the page's status colour with a badge counting failing
// endpoints, and a menu with the page status, the last changes, Show, Do not disturb and Quit. Made only
// where a tray exists (QSystemTrayIcon::isSystemTrayAvailable()); without one the console falls back to
// its title and the taskbar.
class StatusTray final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusTray)

public:
    explicit StatusTray(QObject *parent = nullptr);
    ~StatusTray() override;

    void setPageStatus(const PageStatus &status);
    void setFailingEndpoints(int count);
    void setRecentChanges(const QStringList &lines); // newest first
    void setDoNotDisturb(bool on);
    void showMessage(const QString &title, const QString &body, bool urgent);
    void setVisible(bool visible);
    bool isVisible() const;

    // The icon as drawn: a rounded square in `status`, a pulse line, and (count > 0) a badge.
    static QImage render(const QColor &status, int failing, int size);
    QSystemTrayIcon *trayIcon() const { return m_tray; }
    QMenu *menu() const { return m_menu.get(); }
    QAction *doNotDisturbAction() const { return m_dnd; }
    QString toolTip() const;
    static QString failingText(int count); // "3 endpoints failing"

Q_SIGNALS:
    void showRequested();
    void quitRequested();
    void doNotDisturbToggled(bool on);

private:
    void redraw();
    void rebuildMenu();

    std::unique_ptr<QMenu> m_menu;     // a QMenu cannot have a QObject parent
    QSystemTrayIcon *m_tray = nullptr; // child
    QAction *m_status = nullptr;
    QAction *m_failing = nullptr;
    QAction *m_changesHeader = nullptr;
    QList<QAction *> m_changes;
    QAction *m_changesEnd = nullptr; // separator after the changes
    QAction *m_dnd = nullptr;
    PageStatus m_pageStatus{QStringLiteral("none"), QStringLiteral("All Systems Operational")};
    int m_failingCount = 0;
    QStringList m_recent;
};

} // namespace sd
