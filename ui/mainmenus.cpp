#include "ui/mainmenus.h"

#include "app/delivery/deliverycontroller.h"
#include "app/services/deliverysettingsservice.h"
#include "app/services/emailsettingsservice.h"
#include "app/services/operatoridentity.h"
#include "app/testreceiver/testreceiver.h"
#include "ui/alertcenter.h"
#include "ui/componentsview.h"
#include "ui/deliveriesview.h"
#include "ui/helpdialog.h"
#include "ui/importdialog.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/noticesdialog.h"
#include "ui/noticesdock.h"
#include "ui/safefiledialog.h"
#include "ui/session.h"
#include "ui/settingsdialog.h"
#include "ui/shortcutsdialog.h"
#include "ui/subscribersview.h"
#include "ui/upstreamview.h"

#include <QActionGroup>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>

namespace sd {
namespace {
constexpr int kMaxRecent = 8;
const QString kRecentKey = QStringLiteral("recentDatabases");
} // namespace

MainMenus::MainMenus(MainWindow &window)
    : QObject(&window)
    , m_window(window)
{
    createActions();
}

void MainMenus::setUndoAction(QAction *undo)
{
    m_editMenu->insertAction(m_editMenu->actions().value(0), undo);
}

void MainMenus::showReceiverMode(int mode)
{
    if (QAction *a = m_receiverModes->actions().value(mode))
        a->setChecked(true);
}

void MainMenus::createActions()
{
    QMenu *file = m_window.menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New database…"), QKeySequence::New, this, &MainMenus::newDatabase)
        ->setObjectName(QStringLiteral("newDatabaseAction"));
    file->addAction(tr("&Open database…"), QKeySequence::Open, this, &MainMenus::openDatabaseDialog)
        ->setObjectName(QStringLiteral("openDatabaseAction"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    QAction *exportAction =
        file->addAction(tr("&Export delivery report…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                        [this] { m_window.deliveriesView()->exportReport(); });
    file->addAction(tr("Operator &name…"), this, &MainMenus::editOperatorName)
        ->setObjectName(QStringLiteral("operatorNameAction"));
    file->addAction(tr("Page and &email settings…"), this, &MainMenus::editSettings)
        ->setObjectName(QStringLiteral("settingsAction"));
    file->addSeparator();
    file->addAction(tr("&Follow a status page…"), this,
                    [this] {
                        m_window.tabs()->setCurrentWidget(m_window.upstreamView());
                        m_window.upstreamView()->followPage();
                    })
        ->setObjectName(QStringLiteral("followPageAction"));
    file->addAction(tr("&Import from Statuspage…"), this,
                    [this] {
                        ImportDialog dialog(m_window.session(), &m_window);
                        dialog.exec();
                    })
        ->setObjectName(QStringLiteral("importStatuspageAction"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, &m_window, &MainWindow::quit);

    QMenu *edit = m_window.menuBar()->addMenu(tr("&Edit"));
    m_editMenu = edit;
    m_window.noticesDock()->toggleViewAction()->setText(tr("Notices &panel"));
    // The components view's "Undo last status change" (Ctrl+Z) goes above this separator (setUndoAction).
    edit->addSeparator()->setObjectName(QStringLiteral("undoSeparator"));
    QAction *addComponent =
        edit->addAction(tr("Add &component…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this, [this] {
            m_window.tabs()->setCurrentWidget(m_window.componentsView());
            m_window.componentsView()->addComponent();
        });
    QAction *newIncident =
        edit->addAction(tr("New &incident…"), QKeySequence(Qt::CTRL | Qt::Key_I), this, [this] {
            m_window.tabs()->setCurrentWidget(m_window.incidentsView());
            m_window.incidentsView()->createIncident();
        });
    edit->addAction(tr("Post incident &update…"), QKeySequence(Qt::CTRL | Qt::Key_U), this, [this] {
        m_window.tabs()->setCurrentWidget(m_window.incidentsView());
        m_window.incidentsView()->postUpdate();
    });
    QAction *addSubscriber =
        edit->addAction(tr("Add &subscriber…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this, [this] {
            m_window.tabs()->setCurrentWidget(m_window.subscribersView());
            m_window.subscribersView()->addSubscriber();
        });
    edit->addSeparator();
    edit->addAction(tr("&Resend selected deliveries"), QKeySequence(Qt::CTRL | Qt::Key_R), this,
                    [this] { m_window.deliveriesView()->resendSelected(); });
    QAction *resendFailed = edit->addAction(tr("Resend &failing in filter"), this,
                                            [this] { m_window.deliveriesView()->resendFailing(); });
    edit->addAction(tr("Reco&ver held and failed deliveries…"), this,
                    [this] {
                        m_window.tabs()->setCurrentWidget(m_window.deliveriesView());
                        m_window.deliveriesView()->recoverDeliveries();
                    })
        ->setObjectName(QStringLiteral("recoverAction"));
    edit->addAction(tr("Copy delivery as c&url"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U), this,
                    [this] { m_window.deliveriesView()->copyAsCurl(); });

    QMenu *view = m_window.menuBar()->addMenu(tr("&View"));
    const QStringList names{tr("&Components"), tr("&Incidents"), tr("&Subscribers"), tr("&Deliveries"),
                            tr("U&pstream")};
    for (int i = 0; i < names.size(); ++i)
        view->addAction(names[i], QKeySequence(Qt::CTRL | (Qt::Key_1 + i)), this,
                        [this, i] { m_window.showTab(i); });
    view->addAction(tr("&Refresh"), QKeySequence::Refresh, &m_window, &MainWindow::refreshAll)
        ->setObjectName(QStringLiteral("refreshAction"));
    view->addAction(tr("&Notices…"), this, &MainMenus::showNotices)
        ->setObjectName(QStringLiteral("noticesAction"));
    view->addAction(m_window.noticesDock()->toggleViewAction());
    view->addSeparator();
    // Alerts (issue 20 item 2): the same switch as the tray's.
    AlertCenter *alerts = m_window.alerts();
    QAction *dnd = view->addAction(tr("Do not &disturb"));
    dnd->setObjectName(QStringLiteral("doNotDisturbAction"));
    dnd->setCheckable(true);
    dnd->setChecked(alerts->doNotDisturb());
    dnd->setToolTip(tr("No desktop notifications and no taskbar alerts; the tray and the title still show "
                       "the page status"));
    connect(dnd, &QAction::toggled, alerts, &AlertCenter::setDoNotDisturb);
    connect(alerts, &AlertCenter::doNotDisturbChanged, dnd, &QAction::setChecked);
    QAction *toTray = view->addAction(tr("Close to &tray"));
    toTray->setObjectName(QStringLiteral("closeToTrayAction"));
    toTray->setCheckable(true);
    toTray->setChecked(alerts->closeToTray());
    toTray->setEnabled(alerts->tray() != nullptr); // no tray on this desktop: closing quits
    connect(toTray, &QAction::toggled, alerts, &AlertCenter::setCloseToTray);
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

    QMenu *help = m_window.menuBar()->addMenu(tr("&Help"));
    // F1: the manual page and the shortcut list (it used to open About).
    help->addAction(tr("StatusDesk &help"), QKeySequence::HelpContents, this,
                    [this] { showHelp(HelpDialog::Page::Manual); })
        ->setObjectName(QStringLiteral("helpAction"));
    help->addAction(tr("&Keyboard shortcuts"), QKeySequence(Qt::CTRL | Qt::Key_Slash), this,
                    [this] { ShortcutsDialog(&m_window, &m_window).exec(); })
        ->setObjectName(QStringLiteral("shortcutsAction"));
    help->addSeparator();
    help->addAction(tr("&About StatusDesk"), this, &MainMenus::about);

    // Icons from the desktop's theme where it has them, the style's own otherwise.
    const auto icon = [this](const char *themeName, QStyle::StandardPixmap fallback) {
        return QIcon::fromTheme(QLatin1String(themeName), m_window.style()->standardIcon(fallback));
    };
    addComponent->setIcon(icon("list-add", QStyle::SP_FileDialogNewFolder));
    newIncident->setIcon(icon("dialog-warning", QStyle::SP_MessageBoxWarning));
    addSubscriber->setIcon(icon("contact-new", QStyle::SP_FileDialogDetailedView));
    resendFailed->setIcon(icon("view-refresh", QStyle::SP_BrowserReload));
    exportAction->setIcon(icon("document-save-as", QStyle::SP_DialogSaveButton));
    QToolBar *bar = m_window.addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(addComponent);
    bar->addAction(newIncident);
    bar->addAction(addSubscriber);
    bar->addSeparator();
    bar->addAction(resendFailed);
    bar->addAction(exportAction);
}

void MainMenus::setReceiverMode(int mode)
{
    TestReceiver *r = m_window.session().testReceiver();
    if (!r) {
        QString error;
        r = m_window.session().startTestReceiver(&error);
        if (!r)
            return void(QMessageBox::warning(&m_window, tr("Test receiver"), error));
        m_window.statusBar()->showMessage(tr("Test receiver listening on %1").arg(r->url(QString())), 10000);
    }
    r->setMode(static_cast<TestReceiver::Mode>(mode));
}

QString MainMenus::databaseFolder() const
{
    const QString path = m_window.session().path();
    return path.contains(QLatin1String("://")) ? QString() : QFileInfo(path).absolutePath();
}

void MainMenus::newDatabase()
{
    const QString folder = databaseFolder();
    const QString name = QStringLiteral("statusdesk.sqlite");
    const QString path = SafeFileDialog::getSaveFileName(
        &m_window, tr("New database"), folder.isEmpty() ? name : folder + QLatin1Char('/') + name,
        tr("StatusDesk databases (*.sqlite *.db)"), QStringLiteral("sqlite"));
    if (path.isEmpty())
        return;
    if (QFileInfo::exists(path)) {
        QMessageBox::warning(&m_window, tr("New database"),
                             tr("%1 already exists; use File → Open.").arg(path));
        return;
    }
    m_window.openDatabase(path);
}

void MainMenus::openDatabaseDialog()
{
    const QString path =
        SafeFileDialog::getOpenFileName(&m_window, tr("Open database"), databaseFolder(),
                                        tr("StatusDesk databases (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty())
        m_window.openDatabase(path);
}

void MainMenus::addRecent(const QString &path)
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

void MainMenus::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(path), this,
                                [this, path] { m_window.openDatabase(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainMenus::editSettings()
{
    Session &s = m_window.session();
    EmailSettingsService email(ServiceContext{s.store(), systemClock, s.operatorName()});
    DeliverySettingsService delivery(ServiceContext{s.store(), systemClock, s.operatorName()});
    const auto page = s.pages().get();
    const auto smtp = email.load();
    const auto limits = delivery.load();
    if (!page || !smtp || !limits) {
        QMessageBox::warning(&m_window, tr("Settings"),
                             !page   ? page.error()
                             : !smtp ? smtp.error()
                                     : limits.error());
        return;
    }
    SettingsDialog dialog(page->allowWebhookSubscribers, limits->proxy, smtp.value(), &m_window);
    dialog.setRetryAndLimits(RetryAndLimits::from(limits.value()));
    while (dialog.exec() == QDialog::Accepted) {
        const auto retried = delivery.save(dialog.retryAndLimits());
        if (!retried) {
            dialog.showError(retried.error()); // stays open: the operator fixes the field
            continue;
        }
        if (retried.value())
            s.delivery().reloadSettings(); // this console's engine now; the others follow the change signal
        if (auto set = delivery.saveProxy(dialog.proxy()); !set) {
            dialog.showError(set.error()); // stays open: the operator fixes the field
            continue;
        }
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
        m_window.statusBar()->showMessage(tr("Settings saved. Email: %1").arg(saved->describe()), 10000);
        return;
    }
}

void MainMenus::showNotices()
{
    NoticesDialog dialog(m_window.session().store(), &m_window);
    dialog.exec();
}

void MainMenus::editOperatorName()
{
    // Several responders may share one login or one desk: the name is what the history and the audit
    // log show.
    bool ok = false;
    const QString chosen =
        QInputDialog::getText(&m_window, tr("Operator name"),
                              tr("Record my changes and resends as (empty: %1):").arg(resolveOperator()),
                              QLineEdit::Normal, Session::chosenOperatorName(), &ok);
    if (!ok)
        return;
    if (!chosen.trimmed().isEmpty()) {
        if (const QString err = checkOperatorName(chosen); !err.isEmpty())
            return void(QMessageBox::warning(&m_window, tr("Operator name"), err));
    }
    m_window.session().setOperatorName(chosen);
    m_window.statusBar()->showMessage(
        tr("Changes are now recorded as %1.").arg(m_window.session().operatorName()), 10000);
}

void MainMenus::showHelp(HelpDialog::Page page)
{
    // Non-modal: the manual can stay open beside the console.
    auto *dialog = new HelpDialog(&m_window, page, &m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainMenus::about()
{
    QMessageBox::about(
        &m_window, tr("About StatusDesk"),
        tr("<b>StatusDesk %1</b><p>An operator console for a Statuspage-style status page and its "
           "webhook subscribers.</p><p>Free software under the GNU General Public License, version 3 or "
           "(at your option) any later version (GPL-3.0-or-later; the LICENSE file). The icons were drawn "
           "for StatusDesk and are under the same licence. Built with Qt %2.</p>")
            .arg(QStringLiteral(STATUSDESK_VERSION), QString::fromLatin1(qVersion())));
}

} // namespace sd
