#include "ui/mainwindow.h"

#include "app/delivery/deliverycontroller.h"
#include "app/readers/fanoutprogress.h"
#include "app/testreceiver/testreceiver.h"
#include "app/upstream/upstreampoller.h"
#include "models/databasefiles.h"
#include "models/endpointurl.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/incidentsmodel.h"
#include "models/itemmodels/subscribersmodel.h"
#include "ui/alertcenter.h"
#include "ui/alertvoice.h"
#include "ui/appresources.h"
#include "ui/componentsview.h"
#include "ui/consoleapplication.h"
#include "ui/deliveriesview.h"
#include "ui/desktopnotifier.h"
#include "ui/elidedlabel.h"
#include "ui/endpointpage.h"
#include "ui/incidentsview.h"
#include "ui/mainmenus.h"
#include "ui/noticesdock.h"
#include "ui/sampledata.h"
#include "ui/session.h"
#include "ui/statusbarwidgets.h"
#include "ui/statustray.h"
#include "ui/subscribersview.h"
#include "ui/upstreamview.h"
#include "ui/windowsize.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

namespace sd {
MainWindow::MainWindow(std::unique_ptr<Session> session, QWidget *parent)
    : QMainWindow(parent)
    , m_tabs(new QTabWidget(this))
    , m_pageStatus(new PageStatusIndicator(this))
    , m_progress(new DeliveryProgressLabel(this))
    , m_fanout(new FanoutProgressLabel(this))
    , m_message(new ElidedLabel(this))
    , m_operator(new ElidedLabel(this))
    , m_notices(new NoticesDock(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(appIcon());
    addDockWidget(Qt::RightDockWidgetArea, m_notices);
    setCentralWidget(m_tabs);
    // Permanent: temporary messages never hide the page status. The message is a permanent, stretching
    // label of our own first (QStatusBar would clip it under the others); every label elides with its
    // whole text in the tooltip, so at 1024 px nothing is cut off unseen.
    m_message->setObjectName(QStringLiteral("statusMessage"));
    // Narrow, the lifetime totals give way first, then the message and the fan-out; wide, the spare room
    // goes to the message and the totals (stretch), so each shows whole when it can.
    statusBar()->addPermanentWidget(m_message, 3);
    connect(statusBar(), &QStatusBar::messageChanged, m_message, &ElidedLabel::setText);
    statusBar()->addPermanentWidget(m_pageStatus);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_fanout->label()->setHintWidthCap(40 * em);
    statusBar()->addPermanentWidget(m_fanout);
    m_progress->label()->setHintWidthCap(22 * em);
    statusBar()->addPermanentWidget(m_progress, 1);
    m_operator->setObjectName(QStringLiteral("operatorLabel"));
    statusBar()->addPermanentWidget(m_operator);
    // Alerts while the console is not in front: a tray only where the desktop has one, notifications through
    // the desktop's service (tray balloons where none runs), the taskbar and the title everywhere.
    StatusTray *tray = QSystemTrayIcon::isSystemTrayAvailable() ? new StatusTray : nullptr;
    m_alerts = new AlertCenter(this, new DesktopNotifier, tray, this);
    if (tray) {
        tray->setVisible(true);
        connect(tray, &StatusTray::showRequested, this, &MainWindow::bringToFront);
        connect(tray, &StatusTray::quitRequested, this, &MainWindow::quit);
    }
    connect(m_alerts->notifier(), &DesktopNotifier::activated, this, &MainWindow::bringToFront);
    m_menus = new MainMenus(*this);
    connect(m_notices, &NoticesDock::detailsRequested, m_menus, &MainMenus::showNotices);
    connect(m_notices, &NoticesDock::reactivateRequested, this, &MainWindow::reactivateFromNotice);
    connect(m_notices, &NoticesDock::openEndpointRequested, this, &MainWindow::openEndpointPage);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::onTabChanged);
    if (ConsoleApplication *app = ConsoleApplication::instance())
        connect(app, &ConsoleApplication::uncaughtError, this, &MainWindow::showUncaughtError);

    // Subscriber health numbers follow deliveries: a pass starts at most every two seconds; the model reads
    // it on a thread of its own and applies it a few milliseconds per turn, so the UI thread never waits.
    auto *statsTimer = new QTimer(this);
    statsTimer->setInterval(50);
    connect(statsTimer, &QTimer::timeout, this, [this] {
        if (!m_subscribers)
            return;
        if (!m_statsPass) {
            if (!m_statsDirty || (m_sinceStatsPass.isValid() && m_sinceStatsPass.elapsed() < 2000))
                return;
            m_statsDirty = false;
            m_statsPass = true;
        }
        if (m_subscribers->model()->refreshStatsSlice(4)) {
            m_statsPass = false;
            m_sinceStatsPass.start();
        }
    });
    statsTimer->start();

    QSettings settings;
    // A size saved on a larger screen is fitted to this one (Qt moves such a window back on screen, but
    // keeps its size).
    const bool restored = restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (!(windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen)))
        resizeWithinScreen(this, restored ? size() : QSize(1200, 760));
    setSession(std::move(session));
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

MainWindow::~MainWindow()
{
    // Views hold references into the session: delete them first.
    delete m_tabs;
    m_tabs = nullptr;
}

void MainWindow::setSession(std::unique_ptr<Session> session)
{
    if (m_session)
        saveViewState();
    // Old views first (they reference the old session), then the old session (stops its engine).
    while (m_tabs->count() > 0) {
        QWidget *w = m_tabs->widget(0);
        m_tabs->removeTab(0);
        delete w;
    }
    m_components = nullptr;
    m_incidents = nullptr;
    m_subscribers = nullptr;
    m_deliveries = nullptr;
    m_upstream = nullptr;
    m_session = std::move(session);
    buildViews();
    restoreViewState();
    m_menus->addRecent(m_session->path());
    // Never the URL's password: a title bar is on screen shares and in screenshots. The page status goes
    // before it (AlertCenter).
    m_alerts->setVoice(new AlertVoice(QDBusConnection::sessionBus(), m_session->path()));
    m_alerts->setBaseTitle(m_session->store().db().isPostgres()
                               ? tr("StatusDesk — %1 (team)").arg(m_session->store().db().displayName())
                               : tr("StatusDesk — %1").arg(QFileInfo(m_session->path()).fileName()));
    m_session->startDelivery();
    refreshPageStatus();
}

void MainWindow::buildViews()
{
    Session &s = *m_session;
    m_components = new ComponentsView(s, m_tabs);
    m_incidents = new IncidentsView(s, m_tabs);
    m_subscribers = new SubscribersView(s, m_tabs);
    m_deliveries = new DeliveriesView(s, m_tabs);
    m_tabs->addTab(m_components, tr("Components"));
    m_tabs->addTab(m_incidents, tr("Incidents"));
    m_tabs->addTab(m_subscribers, tr("Subscribers"));
    m_tabs->addTab(m_deliveries, tr("Deliveries"));
    m_upstream = new UpstreamView(s, m_tabs);
    m_tabs->addTab(m_upstream, tr("Upstream"));
    m_menus->setUndoAction(m_components->undoAction());
    m_notices->setStore(&s.liveStore());
    connect(&s.delivery(), &DeliveryController::noticeAdded, m_notices, &NoticesDock::reload);
    m_dirty = QList<bool>(m_tabs->count(), false);
    m_statsDirty = true; // large subscriber lists get their health numbers in slices
    m_statsPass = false;
    const auto forward = [this](auto *view) {
        using View = std::remove_pointer_t<decltype(view)>;
        connect(view, &View::statusMessage, this,
                [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    };
    forward(m_components);
    forward(m_incidents);
    forward(m_subscribers);
    forward(m_deliveries);
    forward(m_upstream);
    // A followed page left "All Systems Operational": a desktop notification (the tray's balloon where no
    // notification service runs), and the status bar either way.
    connect(s.upstreams(), &upstream::UpstreamController::leftOperational, this,
            [this](const QString &name, const QString &description) {
                statusBar()->showMessage(tr("%1 is no longer operational: %2").arg(name, description),
                                         120000);
                Alert a;
                a.kind = Alert::Kind::UpstreamLeftOperational;
                a.title = tr("%1 is no longer operational").arg(name);
                a.body = tr("%1 says: %2 (Upstream tab)").arg(name, description);
                m_alerts->announce(a);
            });
    connect(&s, &Session::dataChanged, this, &MainWindow::onDataChanged);
    const auto showOperator = [this](const QString &name) {
        m_operator->setText(tr("as %1").arg(name));
        m_operator->setDetail(tr("Changes and resends from this console are recorded under %1 "
                                 "(File → Operator name…)")
                                  .arg(name));
    };
    showOperator(s.operatorName());
    connect(&s, &Session::operatorChanged, m_operator, showOperator);
    connect(&s, &Session::remoteChanged, this, &MainWindow::onRemoteChange);
    connect(&s.delivery(), &DeliveryController::progress, m_progress, &DeliveryProgressLabel::setProgress);
    connect(&s.delivery(), &DeliveryController::progress, m_fanout, [this](const DeliveryProgress &p) {
        m_fanout->setHostWait(p.cappedOrigin, p.cappedWaiting, p.perHostCap);
    });
    // The current change's progress is read from the store (whichever process delivers it), off this thread,
    // when anything that can move it happens; the monitor coalesces the requests.
    auto *fanout = new FanoutProgressMonitor(s.path(), &s);
    connect(fanout, &FanoutProgressMonitor::updated, m_fanout, [this, fanout] {
        const CappedOrigin capped = fanout->cappedOrigin();
        m_fanout->setStoreHostWait(capped.origin, capped.waiting, capped.perHostCap);
        m_fanout->setFanouts(fanout->recent());
    });
    connect(&s.delivery(), &DeliveryController::progress, fanout, &FanoutProgressMonitor::requestRefresh);
    connect(&s, &Session::messagesQueued, fanout, &FanoutProgressMonitor::requestRefresh);
    connect(&s, &Session::dataChanged, fanout, &FanoutProgressMonitor::requestRefresh);
    connect(&s, &Session::remoteChanged, fanout, &FanoutProgressMonitor::requestRefresh);
    m_incidents->setFanoutProgress(fanout);
    m_alerts->follow(s, fanout);
    connect(&s.delivery(), &DeliveryController::messagesChanged, this, [this] { m_statsDirty = true; });
    // A maintenance window opened or closed by the engine's clock: shown as any other desk's change.
    connect(&s.delivery(), &DeliveryController::maintenanceMoved, this,
            [this] { onRemoteChange({QStringLiteral("data")}); });
    m_smtpHintShown = false;
    connect(&s.delivery(), &DeliveryController::noticeAdded, this, [this](const QString &text) {
        QString shown = endpointurl::redacted(text);
        // Without SMTP nobody but this console hears of a quarantine: said once where to change that.
        if (!m_smtpHintShown && text.contains(QLatin1String(" was quarantined: ")) &&
            text.contains(QLatin1String(" Tell "))) {
            m_smtpHintShown = true;
            shown += tr(" To email the address on file instead, set an SMTP server in File → Page and email "
                        "settings… (or statusdesk-cli settings --smtp-url).");
        }
        statusBar()->showMessage(shown, 30000);
    });
    connect(&s.delivery(), &DeliveryController::engineError, this,
            [this](const QString &text) { QMessageBox::warning(this, tr("Delivery engine"), text); });
    // Transient trouble goes to the status bar: a dialog per retry would bury the operator.
    connect(&s.delivery(), &DeliveryController::engineWarning, this,
            [this](const QString &text) { statusBar()->showMessage(tr("Delivery: %1").arg(text), 30000); });
    if (TestReceiver *r = s.testReceiver())
        m_menus->showReceiverMode(static_cast<int>(r->mode()));
    // Said once when the database opens (e.g. its file permissions were tightened); also kept as a notice.
    if (const QStringList warnings = s.store().db().warnings(); !warnings.isEmpty())
        statusBar()->showMessage(warnings.join(QLatin1Char(' ')), 60000);
}

void MainWindow::onDataChanged()
{
    refreshPageStatus();
    // Other tabs reload when they are next shown: a reset under the operator's cursor loses their place.
    for (int i = 0; i < m_dirty.size(); ++i)
        m_dirty[i] = i != m_tabs->currentIndex();
}

void MainWindow::onRemoteChange(const QStringList &kinds)
{
    // Another desk's change: the page status and the tab in view follow at once, the rest when shown.
    if (kinds.contains(QLatin1String("data"))) {
        onDataChanged();
        m_dirty[m_tabs->currentIndex()] = true;
        onTabChanged(m_tabs->currentIndex());
    }
    if (kinds.contains(QLatin1String("deliveries")) || kinds.contains(QLatin1String("data"))) {
        DeliveriesModel *model = m_deliveries->model();
        QStringList open;
        for (int row = 0; row < model->rowCount(); ++row) {
            const Message *m = model->messageAt(row);
            if (m && m->state != DeliveryState::Delivered && m->state != DeliveryState::Cancelled)
                open << m->id;
        }
        model->noteChanged(open);
        model->noteNewMessages();
        m_statsDirty = true;
    }
    // A quarantine, a reactivation or a purge from another process: every console's panel follows.
    if (kinds.contains(QLatin1String("notices")) || kinds.contains(QLatin1String("data")))
        m_notices->reload();
}

void MainWindow::onTabChanged(int index)
{
    if (index < 0 || index >= m_dirty.size() || !m_dirty[index])
        return;
    m_dirty[index] = false;
    QWidget *w = m_tabs->widget(index);
    if (w == m_components)
        m_components->reload();
    else if (w == m_incidents)
        m_incidents->reload();
    else if (w == m_subscribers)
        m_subscribers->reload();
    else if (w == m_upstream)
        m_upstream->reload();
}

void MainWindow::showTab(int index)
{
    if (index < 0 || index >= m_tabs->count())
        return;
    m_tabs->setCurrentIndex(index);
    QWidget *w = m_tabs->widget(index);
    QTableView *table = w == m_components    ? m_components->table()
                        : w == m_incidents   ? m_incidents->table()
                        : w == m_subscribers ? m_subscribers->table()
                        : w == m_deliveries  ? m_deliveries->table()
                        : w == m_upstream    ? m_upstream->pagesTable()
                                             : nullptr;
    if (!table)
        return;
    if (!table->currentIndex().isValid() && table->model()->rowCount() > 0)
        table->setCurrentIndex(table->model()->index(0, 0));
    table->setFocus(Qt::ShortcutFocusReason);
}

void MainWindow::refreshAll()
{
    // Each view catches its own StoreError and reports it through statusMessage.
    m_components->reload();
    m_incidents->reload();
    m_subscribers->reload();
    m_deliveries->model()->reload();
    m_upstream->reload();
    m_notices->reload();
    refreshPageStatus();
}

void MainWindow::showUncaughtError(const QString &text)
{
    statusBar()->showMessage(text, 60000);
    // One box, reused: a failure that repeats (a timer, a live update) must not pile up windows.
    if (!m_errorBox) {
        m_errorBox =
            new QMessageBox(QMessageBox::Warning, tr("StatusDesk"), QString(), QMessageBox::Close, this);
        m_errorBox->setObjectName(QStringLiteral("uncaughtErrorBox"));
        m_errorBox->setAttribute(Qt::WA_DeleteOnClose);
        m_errorBox->setWindowModality(Qt::NonModal);
        m_errorBox->setInformativeText(tr(
            "StatusDesk kept running and the window still shows the data it had. Press F5 to read again."));
    }
    m_errorBox->setText(text);
    m_errorBox->show();
}

void MainWindow::refreshPageStatus()
{
    try {
        const PageStatus status = m_session->pages().status();
        m_pageStatus->setStatus(status);
        m_alerts->setPageStatus(status);
    } catch (const StoreError &e) {
        statusBar()->showMessage(e.message(), 10000);
    }
}

void MainWindow::offerSampleIfEmpty()
{
    if (!m_session->isEmpty())
        return;
    QMessageBox box(
        QMessageBox::Question, tr("Welcome to StatusDesk"),
        tr("This database is empty. Create a sample page?\n\n"
           "It adds four components (three in a group) and two webhook subscribers that point at a "
           "built-in test receiver on 127.0.0.1. Change a component's status and watch the deliveries "
           "arrive; use View → Built-in test receiver to make them fail."),
        QMessageBox::Yes | QMessageBox::No, this);
    box.setObjectName(QStringLiteral("firstRunDialog"));
    if (box.exec() != QMessageBox::Yes)
        return;
    QString error;
    TestReceiver *receiver = m_session->startTestReceiver(&error);
    if (!receiver) {
        QMessageBox::warning(this, tr("Sample page"), error);
        return;
    }
    if (auto r = sample::create(*m_session, receiver->url(QString())); !r) {
        QMessageBox::warning(this, tr("Sample page"), r.error());
        return;
    }
    m_menus->showReceiverMode(0);
    m_components->reload();
    m_subscribers->reload();
    m_incidents->reload();
    statusBar()->showMessage(tr("Sample page created. Double-click a status to change it."), 15000);
}

bool MainWindow::openDatabase(const QString &path)
{
    // The open database's own path is fine (SQLite shares the file within the process); its
    // -wal/-shm/-journal, or another hard link to it, would be a second database on the same bytes.
    if (const auto match = DatabaseFiles::find(path); match && !match->samePath) {
        QMessageBox::warning(this, tr("Open database"), DatabaseFiles::refusal(path));
        return false;
    }
    QString error;
    std::unique_ptr<Session> session = Session::open(path, &error);
    if (!session) {
        QMessageBox::critical(this, tr("Open database"),
                              tr("%1 could not be opened and was left untouched.\n\n%2").arg(path, error));
        return false;
    }
    setSession(std::move(session));
    offerSampleIfEmpty();
    return true;
}

void MainWindow::saveViewState()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    settings.setValue(QStringLiteral("components/header"),
                      m_components->table()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("incidents/header"),
                      m_incidents->table()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("incidents/splitter"), m_incidents->splitter()->saveState());
    settings.setValue(QStringLiteral("subscribers/header"),
                      m_subscribers->table()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("deliveries/header"),
                      m_deliveries->table()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("deliveries/splitter"), m_deliveries->splitter()->saveState());
}

void MainWindow::restoreViewState()
{
    QSettings settings;
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
    m_components->table()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("components/header")).toByteArray());
    m_incidents->table()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("incidents/header")).toByteArray());
    m_incidents->splitter()->restoreState(settings.value(QStringLiteral("incidents/splitter")).toByteArray());
    m_subscribers->table()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("subscribers/header")).toByteArray());
    m_deliveries->table()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("deliveries/header")).toByteArray());
    m_deliveries->splitter()->restoreState(
        settings.value(QStringLiteral("deliveries/splitter")).toByteArray());
}

void MainWindow::reactivateFromNotice(const QString &subscriberId)
{
    auto result = m_session->subscribers().reactivate(subscriberId);
    if (!result)
        return void(QMessageBox::warning(this, tr("Reactivate"), result.error()));
    m_session->afterChange(result.value());
    m_notices->reload();
    m_subscribers->reload();
    statusBar()->showMessage(
        tr("Subscriber reactivated; %n held delivery(ies) released.", nullptr, result.value()), 10000);
}

void MainWindow::openEndpointPage(const QString &subscriberId)
{
    // Non-modal, as from the Subscribers tab: several may stay open beside the console.
    auto *page = new EndpointPage(*m_session, subscriberId, this);
    page->setAttribute(Qt::WA_DeleteOnClose);
    page->setWindowFlag(Qt::Window);
    page->show();
}

void MainWindow::bringToFront()
{
    if (isMinimized())
        showNormal();
    else
        show();
    raise();
    activateWindow();
}

void MainWindow::quit()
{
    m_quitting = true;
    // From the tray the window may be hidden: closing it is then no "last window closed".
    if (close())
        QCoreApplication::quit();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_quitting && m_alerts->canCloseToTray()) {
        // Close to tray: the engine keeps delivering and alerts keep coming; Quit (tray or File) ends it.
        // A dialog closed while the window is hidden would otherwise count as the last window closing.
        QApplication::setQuitOnLastWindowClosed(false);
        hide();
        event->ignore();
        if (!m_trayHintShown) {
            m_trayHintShown = true;
            m_alerts->tray()->showMessage(tr("StatusDesk is still running"),
                                          tr("Deliveries continue and alerts still reach you. Quit from the "
                                             "tray's menu."),
                                          false);
        }
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    saveViewState();
    event->accept();
}

} // namespace sd
