#include "ui/alertcenter.h"

#include "app/alerts/alertreader.h"
#include "app/delivery/deliverycontroller.h"
#include "models/timeformat.h"
#include "ui/alertvoice.h"
#include "ui/desktopnotifier.h"
#include "ui/session.h"
#include "ui/statusbarwidgets.h"
#include "ui/statustray.h"

#include <QApplication>
#include <QSettings>
#include <QWidget>

namespace sd {
namespace {
const QString kDoNotDisturbKey = QStringLiteral("alerts/doNotDisturb");
const QString kCloseToTrayKey = QStringLiteral("alerts/closeToTray");

// A newer failure spike replaces the notification of the one before; every other alert stands alone.
QString tagOf(Alert::Kind kind)
{
    return kind == Alert::Kind::FailureSpike ? QStringLiteral("failure-spike") : QString();
}
} // namespace

AlertCenter::AlertCenter(QWidget *window, DesktopNotifier *notifier, StatusTray *tray, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_notifier(notifier)
    , m_tray(tray)
{
    m_clock.start();
    for (QObject *part : {static_cast<QObject *>(notifier), static_cast<QObject *>(tray)}) {
        if (part && !part->parent())
            part->setParent(this);
    }
    QSettings settings;
    m_doNotDisturb = settings.value(kDoNotDisturbKey, false).toBool();
    m_closeToTray = settings.value(kCloseToTrayKey, false).toBool();
    if (m_tray) {
        m_tray->setDoNotDisturb(m_doNotDisturb);
        connect(m_tray, &StatusTray::doNotDisturbToggled, this, &AlertCenter::setDoNotDisturb);
    }
    if (m_notifier) {
        // A server that went away between the check and the call: the tray's balloon says it instead.
        connect(m_notifier, &DesktopNotifier::failed, this,
                [this](const QString &title, const QString &body, const QString &) {
                    if (m_tray && m_tray->isVisible())
                        m_tray->showMessage(title, body, false);
                });
    }
}

void AlertCenter::follow(Session &session, FanoutProgressMonitor *fanout)
{
    m_rules = AlertRules{};
    m_reader = new AlertReader(session.path(), &session);
    AlertReader *reader = m_reader;
    connect(reader, &AlertReader::observed, this, &AlertCenter::observe);
    DeliveryController &delivery = session.delivery();
    connect(&delivery, &DeliveryController::messagesChanged, reader, &AlertReader::requestRefresh);
    connect(&delivery, &DeliveryController::noticeAdded, reader, &AlertReader::requestRefresh);
    connect(&delivery, &DeliveryController::maintenanceMoved, reader, &AlertReader::requestRefresh);
    connect(&session, &Session::dataChanged, reader, &AlertReader::requestRefresh);
    connect(&session, &Session::remoteChanged, reader, &AlertReader::requestRefresh);
    if (fanout)
        connect(fanout, &FanoutProgressMonitor::updated, this,
                [this, fanout] { observeFanouts(fanout->recent()); });
    reader->requestRefresh(); // the first look: where things stand
}

void AlertCenter::setBaseTitle(const QString &title)
{
    m_baseTitle = title;
    updateTitle();
}

void AlertCenter::setPageStatus(const PageStatus &status)
{
    m_status = status;
    if (m_tray)
        m_tray->setPageStatus(status);
    updateTitle();
}

QString AlertCenter::windowTitle() const
{
    // The page status first: a task bar shortens titles from the end.
    QString head = m_status.description;
    if (const int failing = m_rules.failingEndpoints(); failing > 0)
        head += QStringLiteral(" · ") + StatusTray::failingText(failing);
    return m_baseTitle.isEmpty() ? head : head + QStringLiteral(" — ") + m_baseTitle;
}

void AlertCenter::updateTitle()
{
    const QString title = windowTitle();
    if (m_window && m_window->windowTitle() != title) {
        m_window->setWindowTitle(title);
        Q_EMIT titleChanged(title);
    }
}

void AlertCenter::setDoNotDisturb(bool on)
{
    if (m_tray)
        m_tray->setDoNotDisturb(on);
    if (on == m_doNotDisturb)
        return;
    m_doNotDisturb = on;
    QSettings().setValue(kDoNotDisturbKey, on);
    Q_EMIT doNotDisturbChanged(on);
}

void AlertCenter::setCloseToTray(bool on)
{
    m_closeToTray = on;
    QSettings().setValue(kCloseToTrayKey, on);
}

bool AlertCenter::canCloseToTray() const
{
    return m_closeToTray && m_tray && m_tray->isVisible();
}

void AlertCenter::observe(const AlertObservation &observation)
{
    for (const Alert &a : m_rules.observe(observation))
        present(a);
    if (m_tray)
        m_tray->setFailingEndpoints(m_rules.failingEndpoints());
    updateTitle();
}

void AlertCenter::observeFanouts(const QList<FanoutSnapshot> &recent)
{
    for (const Alert &a : m_rules.observeFanouts(recent, m_clock.elapsed()))
        present(a);
    if (m_tray) {
        QStringList lines;
        for (const FanoutSnapshot &s : recent)
            // When, too: three changes to one component read alike by name and progress alone.
            lines << QStringLiteral("%1 · %2: %3")
                         .arg(timefmt::display(s.fanout.createdAt), s.fanout.subjectName,
                              FanoutProgressLabel::progressText(s));
        m_tray->setRecentChanges(lines);
    }
}

void AlertCenter::setVoice(AlertVoice *voice)
{
    delete m_voice;
    m_voice = voice;
    if (voice)
        voice->setParent(this);
}

void AlertCenter::announce(const Alert &alert)
{
    present(alert);
}

void AlertCenter::present(const Alert &alert)
{
    if (m_doNotDisturb) {
        Q_EMIT alerted(alert, QStringLiteral("silenced"));
        return;
    }
    QString shownAs = QStringLiteral("none");
    if (m_voice && !m_voice->speaks()) {
        shownAs = QStringLiteral("another console");
    } else if (m_notifier && m_notifier->isAvailable()) {
        m_notifier->notify(alert.title, alert.body,
                           alert.urgent ? DesktopNotifier::Urgency::Critical
                                        : DesktopNotifier::Urgency::Normal,
                           tagOf(alert.kind));
        shownAs = QStringLiteral("notification");
    } else if (m_tray && m_tray->isVisible()) {
        m_tray->showMessage(alert.title, alert.body, alert.urgent);
        shownAs = QStringLiteral("balloon");
    }
    // The taskbar entry asks for attention until the window is activated.
    if (m_window && !m_window->isActiveWindow())
        QApplication::alert(m_window, 0);
    Q_EMIT alerted(alert, shownAs);
}

} // namespace sd
