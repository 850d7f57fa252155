#pragma once

#include "app/alerts/alertreader.h"
#include "app/alerts/alertrules.h"
#include "models/statusrules.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QWidget;

namespace sd {

class AlertVoice;

class DesktopNotifier;
class FanoutProgressMonitor;
class Session;
class StatusTray;

// Keeps a responder who is not looking informed. AlertRules decides what happened; this presents it: a
// desktop notification through the desktop's service (DesktopNotifier), the tray's balloon only where no
// such service runs, the taskbar's attention (QApplication::alert) while the window is not active, and the
// page status in the window title. Do not disturb silences notifications and the taskbar (the tray and
// title still follow). Works without a tray: then the title and the taskbar carry it.
class AlertCenter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertCenter)

public:
    // `notifier` and `tray` may be null (no session bus, no system tray); they stay owned by the caller or
    // become children of this object when parentless.
    AlertCenter(QWidget *window, DesktopNotifier *notifier, StatusTray *tray, QObject *parent = nullptr);

    void setBaseTitle(const QString &title); // "StatusDesk — file.sqlite"
    void setPageStatus(const PageStatus &status);
    QString windowTitle() const;

    bool doNotDisturb() const { return m_doNotDisturb; }
    void setDoNotDisturb(bool on); // kept in QSettings
    bool closeToTray() const { return m_closeToTray; }
    void setCloseToTray(bool on); // kept in QSettings; only honoured while a tray is shown
    bool canCloseToTray() const;

    // Listens to an open session: its own engine's and other processes' changes ask the session's
    // AlertReader for a look, and `fanout`'s updates are the changes' fan-outs. A new session starts afresh
    // (nothing that was already so when it opened is announced).
    void follow(Session &session, FanoutProgressMonitor *fanout);
    AlertReader *reader() const { return m_reader; }

    StatusTray *tray() const { return m_tray; }
    DesktopNotifier *notifier() const { return m_notifier; }
    // Consoles on one desk and database speak with one voice (AlertVoice): while another console speaks,
    // this one shows alerts in its title, tray and taskbar only. Takes ownership; null: always speaks.
    void setVoice(AlertVoice *voice);
    AlertVoice *voice() const { return m_voice; }
    int failingEndpoints() const { return m_rules.failingEndpoints(); }

public Q_SLOTS:
    void observe(const sd::AlertObservation &observation);
    void observeFanouts(const QList<sd::FanoutSnapshot> &recent);
    // An alert decided elsewhere (a followed page's poller), presented like the rules' own.
    void announce(const sd::Alert &alert);

Q_SIGNALS:
    // Every alert the rules decided on, and how it was shown: "notification", "balloon", "none" (no
    // service and no tray: the title and taskbar only), "another console" (one on this desk and database
    // speaks for this one) or "silenced" (Do not disturb).
    void alerted(const sd::Alert &alert, const QString &shownAs);
    void doNotDisturbChanged(bool on);
    void titleChanged(const QString &title);

private:
    void present(const Alert &alert);
    void updateTitle();

    QPointer<QWidget> m_window;
    DesktopNotifier *m_notifier;
    StatusTray *m_tray;
    AlertVoice *m_voice = nullptr; // a child
    AlertRules m_rules;
    QPointer<AlertReader> m_reader; // a child of the session it reads
    QElapsedTimer m_clock;
    QString m_baseTitle;
    PageStatus m_status{QStringLiteral("none"), QStringLiteral("All Systems Operational")};
    bool m_doNotDisturb = false;
    bool m_closeToTray = false;
};

} // namespace sd
