#include "ui/mainwindow.h"

#include "app/delivery/deliverycontroller.h"
#include "app/readers/fanoutprogress.h"
#include "app/services/emailsettingsservice.h"
#include "app/services/operatoridentity.h"
#include "app/testreceiver/testreceiver.h"
#include "models/databasefiles.h"
#include "models/endpointurl.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/incidentsmodel.h"
#include "models/itemmodels/subscribersmodel.h"
#include "ui/appresources.h"
#include "ui/componentsview.h"
#include "ui/consoleapplication.h"
#include "ui/deliveriesview.h"
#include "ui/incidentsview.h"
#include "ui/noticesdialog.h"
#include "ui/noticesdock.h"
#include "ui/safefiledialog.h"
#include "ui/sampledata.h"
#include "ui/session.h"
#include "ui/settingsdialog.h"
#include "ui/shortcutsdialog.h"
#include "ui/statusbarwidgets.h"
#include "ui/subscribersview.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

namespace sd {
namespace {
constexpr int kMaxRecent = 8;
const QString kRecentKey = QStringLiteral("recentDatabases");
} // namespace

MainWindow::MainWindow(std::unique_ptr<Session> session, QWidget *parent)
    : QMainWindow(parent)
    , m_tabs(new QTabWidget(this))
    , m_pageStatus(new PageStatusIndicator(this))
    , m_progress(new DeliveryProgressLabel(this))
    , m_fanout(new FanoutProgressLabel(this))
    , m_operator(new QLabel(this))
    , m_notices(new NoticesDock(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(appIcon());
    addDockWidget(Qt::RightDockWidgetArea, m_notices);
    connect(m_notices, &NoticesDock::detailsRequested, this, &MainWindow::showNotices);
    setCentralWidget(m_tabs);
    // Permanent: temporary messages never hide the page status.
    statusBar()->addPermanentWidget(m_pageStatus);
    statusBar()->addPermanentWidget(m_fanout);
    statusBar()->addPermanentWidget(m_progress);
    m_operator->setObjectName(QStringLiteral("operatorLabel"));
    statusBar()->addPermanentWidget(m_operator);
    createActions();
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
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1200, 760);
    setSession(std::move(session));
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

MainWindow::~MainWindow()
{
    // Views hold references into the session: delete them first.
    delete m_tabs;
    m_tabs = nullptr;
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New database…"), QKeySequence::New, this, &MainWindow::newDatabase)
        ->setObjectName(QStringLiteral("newDatabaseAction"));
    file->addAction(tr("&Open database…"), QKeySequence::Open, this, &MainWindow::openDatabaseDialog)
        ->setObjectName(QStringLiteral("openDatabaseAction"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    QAction *exportAction =
        file->addAction(tr("&Export delivery report…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                        [this] { m_deliveries->exportReport(); });
    file->addAction(tr("Operator &name…"), this, &MainWindow::editOperatorName)
        ->setObjectName(QStringLiteral("operatorNameAction"));
    file->addAction(tr("Page and &email settings…"), this, &MainWindow::editSettings)
        ->setObjectName(QStringLiteral("settingsAction"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_editMenu = edit;
    m_notices->toggleViewAction()->setText(tr("Notices &panel"));
    // The components view's "Undo last status change" (Ctrl+Z) goes above this separator in buildViews.
    edit->addSeparator()->setObjectName(QStringLiteral("undoSeparator"));
    QAction *addComponent =
        edit->addAction(tr("Add &component…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this, [this] {
            m_tabs->setCurrentWidget(m_components);
            m_components->addComponent();
        });
    QAction *newIncident =
        edit->addAction(tr("New &incident…"), QKeySequence(Qt::CTRL | Qt::Key_I), this, [this] {
            m_tabs->setCurrentWidget(m_incidents);
            m_incidents->createIncident();
        });
    edit->addAction(tr("Post incident &update…"), QKeySequence(Qt::CTRL | Qt::Key_U), this, [this] {
        m_tabs->setCurrentWidget(m_incidents);
        m_incidents->postUpdate();
    });
    QAction *addSubscriber =
        edit->addAction(tr("Add &subscriber…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this, [this] {
            m_tabs->setCurrentWidget(m_subscribers);
            m_subscribers->addSubscriber();
        });
    edit->addSeparator();
    edit->addAction(tr("&Resend selected deliveries"), QKeySequence(Qt::CTRL | Qt::Key_R), this,
                    [this] { m_deliveries->resendSelected(); });
    QAction *resendFailed = edit->addAction(tr("Resend all &failed in filter"), this,
                                            [this] { m_deliveries->resendAllFailed(); });
    edit->addAction(tr("Reco&ver held and failed deliveries…"), this,
                    [this] {
                        m_tabs->setCurrentWidget(m_deliveries);
                        m_deliveries->recoverDeliveries();
                    })
        ->setObjectName(QStringLiteral("recoverAction"));
    edit->addAction(tr("Copy delivery as c&url"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U), this,
                    [this] { m_deliveries->copyAsCurl(); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QStringList names{tr("&Components"), tr("&Incidents"), tr("&Subscribers"), tr("&Deliveries")};
    for (int i = 0; i < names.size(); ++i)
        view->addAction(names[i], QKeySequence(Qt::CTRL | (Qt::Key_1 + i)), this,
                        [this, i] { m_tabs->setCurrentIndex(i); });
    view->addAction(tr("&Refresh"), QKeySequence::Refresh, this, &MainWindow::refreshAll)
        ->setObjectName(QStringLiteral("refreshAction"));
    view->addAction(tr("&Notices…"), this, &MainWindow::showNotices)
        ->setObjectName(QStringLiteral("noticesAction"));
    view->addAction(m_notices->toggleViewAction());
    view->addSeparator();
    QMenu *receiver = view->addMenu(tr("Built-in test &receiver"));
    m_receiverModes = new QActionGroup(this);
    const QStringList modes{tr("Answer 200 OK"), tr("Answer 500 (fail)"), tr("Hang (time out)")};
    for (int i = 0; i < modes.size(); ++i) {
        QAction *a = receiver->addAction(modes[i], this, [this, i] { setReceiverMode(i); });
        a->setCheckable(true);
        a->setChecked(i == 0);
        m_receiverModes->addAction(a);
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard shortcuts"), QKeySequence(Qt::CTRL | Qt::Key_Slash), this,
                    [this] { ShortcutsDialog(this, this).exec(); })
        ->setObjectName(QStringLiteral("shortcutsAction"));
    help->addAction(tr("&About StatusDesk"), QKeySequence::HelpContents, this, &MainWindow::about);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(addComponent);
    bar->addAction(newIncident);
    bar->addAction(addSubscriber);
    bar->addSeparator();
    bar->addAction(resendFailed);
    bar->addAction(exportAction);
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
    m_session = std::move(session);
    buildViews();
    restoreViewState();
    addRecent(m_session->path());
    // Never the URL's password: a title bar is on screen shares and in screenshots.
    setWindowTitle(m_session->store().db().isPostgres()
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
    m_editMenu->insertAction(m_editMenu->actions().value(0), m_components->undoAction());
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
    connect(&s, &Session::dataChanged, this, &MainWindow::onDataChanged);
    const auto showOperator = [this](const QString &name) {
        m_operator->setText(tr("as %1").arg(name));
        m_operator->setToolTip(tr("Changes and resends from this console are recorded under %1 "
                                  "(File → Operator name…)")
                                   .arg(name));
    };
    showOperator(s.operatorName());
    connect(&s, &Session::operatorChanged, m_operator, showOperator);
    connect(&s, &Session::remoteChanged, this, &MainWindow::onRemoteChange);
    connect(&s.delivery(), &DeliveryController::progress, m_progress, &DeliveryProgressLabel::setProgress);
    // The current change's progress is read from the store (whichever process delivers it), off this thread,
    // when anything that can move it happens; the monitor coalesces the requests.
    auto *fanout = new FanoutProgressMonitor(s.path(), &s);
    connect(fanout, &FanoutProgressMonitor::updated, m_fanout,
            [this, fanout] { m_fanout->setFanouts(fanout->recent()); });
    connect(&s.delivery(), &DeliveryController::progress, fanout, &FanoutProgressMonitor::requestRefresh);
    connect(&s, &Session::messagesQueued, fanout, &FanoutProgressMonitor::requestRefresh);
    connect(&s, &Session::dataChanged, fanout, &FanoutProgressMonitor::requestRefresh);
    connect(&s, &Session::remoteChanged, fanout, &FanoutProgressMonitor::requestRefresh);
    m_incidents->setFanoutProgress(fanout);
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
        m_receiverModes->actions().value(static_cast<int>(r->mode()))->setChecked(true);
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
}

void MainWindow::refreshAll()
{
    // Each view catches its own StoreError and reports it through statusMessage.
    m_components->reload();
    m_incidents->reload();
    m_subscribers->reload();
    m_deliveries->model()->reload();
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
        m_pageStatus->setStatus(m_session->pages().status());
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
    m_receiverModes->actions().value(0)->setChecked(true);
    m_components->reload();
    m_subscribers->reload();
    m_incidents->reload();
    statusBar()->showMessage(tr("Sample page created. Double-click a status to change it."), 15000);
}

void MainWindow::setReceiverMode(int mode)
{
    TestReceiver *r = m_session->testReceiver();
    if (!r) {
        QString error;
        r = m_session->startTestReceiver(&error);
        if (!r)
            return void(QMessageBox::warning(this, tr("Test receiver"), error));
        statusBar()->showMessage(tr("Test receiver listening on %1").arg(r->url(QString())), 10000);
    }
    r->setMode(static_cast<TestReceiver::Mode>(mode));
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

QString MainWindow::databaseFolder() const
{
    const QString path = m_session->path();
    return path.contains(QLatin1String("://")) ? QString() : QFileInfo(path).absolutePath();
}

void MainWindow::newDatabase()
{
    const QString folder = databaseFolder();
    const QString name = QStringLiteral("statusdesk.sqlite");
    const QString path = SafeFileDialog::getSaveFileName(
        this, tr("New database"), folder.isEmpty() ? name : folder + QLatin1Char('/') + name,
        tr("StatusDesk databases (*.sqlite *.db)"), QStringLiteral("sqlite"));
    if (path.isEmpty())
        return;
    if (QFileInfo::exists(path)) {
        QMessageBox::warning(this, tr("New database"), tr("%1 already exists; use File → Open.").arg(path));
        return;
    }
    openDatabase(path);
}

void MainWindow::openDatabaseDialog()
{
    const QString path =
        SafeFileDialog::getOpenFileName(this, tr("Open database"), databaseFolder(),
                                        tr("StatusDesk databases (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty())
        openDatabase(path);
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(path), this,
                                [this, path] { openDatabase(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
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

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    saveViewState();
    event->accept();
}

void MainWindow::editSettings()
{
    Session &s = session();
    EmailSettingsService email(ServiceContext{s.store(), systemClock, s.operatorName()});
    const auto page = s.pages().get();
    const auto smtp = email.load();
    if (!page || !smtp) {
        QMessageBox::warning(this, tr("Settings"), !page ? page.error() : smtp.error());
        return;
    }
    SettingsDialog dialog(page->allowWebhookSubscribers, smtp.value(), this);
    while (dialog.exec() == QDialog::Accepted) {
        auto saved = email.save(dialog.smtp());
        if (!saved) {
            dialog.showError(saved.error()); // stays open: the operator fixes the field
            continue;
        }
        if (dialog.allowWebhookSubscribers() != page->allowWebhookSubscribers) {
            PagePatch patch;
            patch.allowWebhookSubscribers = dialog.allowWebhookSubscribers();
            if (auto updated = s.pages().update(patch); !updated) {
                dialog.showError(updated.error());
                continue;
            }
        }
        statusBar()->showMessage(tr("Settings saved. Email: %1").arg(saved->describe()), 10000);
        return;
    }
}

void MainWindow::showNotices()
{
    NoticesDialog dialog(session().store(), this);
    dialog.exec();
}

void MainWindow::editOperatorName()
{
    // Several responders may share one login or one desk: the name is what the history and the audit
    // log show.
    bool ok = false;
    const QString chosen = QInputDialog::getText(
        this, tr("Operator name"), tr("Record my changes and resends as (empty: %1):").arg(resolveOperator()),
        QLineEdit::Normal, Session::chosenOperatorName(), &ok);
    if (!ok)
        return;
    if (!chosen.trimmed().isEmpty()) {
        if (const QString err = checkOperatorName(chosen); !err.isEmpty())
            return void(QMessageBox::warning(this, tr("Operator name"), err));
    }
    m_session->setOperatorName(chosen);
    statusBar()->showMessage(tr("Changes are now recorded as %1.").arg(m_session->operatorName()), 10000);
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About StatusDesk"),
        tr("<b>StatusDesk %1</b><p>An operator console for a Statuspage-style status page and its "
           "webhook subscribers.</p><p>Free software under the GNU General Public License, version 3 or "
           "(at your option) any later version (GPL-3.0-or-later; the LICENSE file). The icons were drawn "
           "for StatusDesk and are under the same licence. Built with Qt %2.</p>")
            .arg(QStringLiteral(STATUSDESK_VERSION), QString::fromLatin1(qVersion())));
}

} // namespace sd
