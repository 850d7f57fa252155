#pragma once

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <memory>

class QMessageBox;
class QTabWidget;

namespace sd {

class Session;
class ComponentsView;
class IncidentsView;
class SubscribersView;
class DeliveriesView;
class UpstreamView;
class PageStatusIndicator;
class DeliveryProgressLabel;
class FanoutProgressLabel;
class NoticesDock;
class MainMenus;
class ElidedLabel;
class AlertCenter;

// The operator console's frame: the four views in tabs and a status bar that always shows the page status
// and live delivery progress (the menus and toolbar are MainMenus). Owns the open Session; File → New/Open
// swap it.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(std::unique_ptr<Session> session, QWidget *parent = nullptr);
    ~MainWindow() override;

    Session &session() { return *m_session; }
    ComponentsView *componentsView() const { return m_components; }
    IncidentsView *incidentsView() const { return m_incidents; }
    SubscribersView *subscribersView() const { return m_subscribers; }
    DeliveriesView *deliveriesView() const { return m_deliveries; }
    UpstreamView *upstreamView() const { return m_upstream; }
    NoticesDock *noticesDock() const { return m_notices; }
    QTabWidget *tabs() const { return m_tabs; }
    PageStatusIndicator *pageStatus() const { return m_pageStatus; }
    DeliveryProgressLabel *deliveryProgress() const { return m_progress; }
    FanoutProgressLabel *fanoutProgress() const { return m_fanout; }
    // The status bar's message line (QStatusBar::showMessage shows there, elided with the whole text in
    // its tooltip: nothing is cut off at 1024 px).
    ElidedLabel *statusMessageLabel() const { return m_message; }
    // Notifications, the tray, the taskbar and the title (issue 20 item 2).
    AlertCenter *alerts() const { return m_alerts; }
    // Shows, raises and activates the window (from the tray or a notification).
    void bringToFront();
    // Quits even when closing would only hide the window in the tray.
    void quit();
    // A quarantine notice's buttons (the Notices panel).
    void reactivateFromNotice(const QString &subscriberId);
    void openEndpointPage(const QString &subscriberId);

    // Ctrl+1…5: shows tab `index` with the keyboard in its table, on its current row (the first if none),
    // so F2, Enter and the arrows act at once.
    void showTab(int index);

    // Asks whether to create the sample page when the database is empty (first run).
    void offerSampleIfEmpty();
    bool openDatabase(const QString &path);
    // View → Refresh (F5): every view reads again; a view whose read fails keeps its rows and says why.
    void refreshAll();
    // An error that reached the event loop (ConsoleApplication): status bar and a box that does not block.
    void showUncaughtError(const QString &text);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void setSession(std::unique_ptr<Session> session);
    void buildViews();
    void refreshPageStatus();
    void onDataChanged();
    void onRemoteChange(const QStringList &kinds);
    void onTabChanged(int index);
    void saveViewState();
    void restoreViewState();

    std::unique_ptr<Session> m_session;
    QTabWidget *m_tabs = nullptr;
    ComponentsView *m_components = nullptr;
    IncidentsView *m_incidents = nullptr;
    SubscribersView *m_subscribers = nullptr;
    DeliveriesView *m_deliveries = nullptr;
    UpstreamView *m_upstream = nullptr; // the followed Statuspage pages (issue 23)
    PageStatusIndicator *m_pageStatus = nullptr;
    DeliveryProgressLabel *m_progress = nullptr; // lifetime totals
    FanoutProgressLabel *m_fanout = nullptr;     // the current change
    ElidedLabel *m_message = nullptr;            // QStatusBar's messages, elided
    ElidedLabel *m_operator = nullptr;           // who this console's changes are recorded under
    AlertCenter *m_alerts = nullptr;
    MainMenus *m_menus = nullptr;     // the menu bar, the toolbar and the actions that are not one tab's
    NoticesDock *m_notices = nullptr; // what needs an operator; reads the open session's notices
    QPointer<QMessageBox> m_errorBox;
    QList<bool> m_dirty;
    bool m_statsDirty = false;
    bool m_smtpHintShown = false; // "quarantines are not emailed: set SMTP here" is said once per session
    bool m_statsPass = false;
    bool m_quitting = false;       // Quit, not close-to-tray
    bool m_trayHintShown = false; // "still running in the tray" is said once
    QElapsedTimer m_sinceStatsPass;
};

} // namespace sd
