#pragma once

#include <QDBusConnection>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

namespace sd {

// Desktop notifications through the desktop's own notification service (org.freedesktop.Notifications on
// the session bus, over QtDBus): the server draws them as the desktop does, keeps them in its history and
// honours its own do-not-disturb. Widget-free; where no such service runs, isAvailable() is false and the
// caller falls back (the tray's balloon, the title and the taskbar).
class DesktopNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DesktopNotifier)

public:
    static constexpr const char *kService = "org.freedesktop.Notifications";
    enum class Urgency
    {
        Low = 0,
        Normal = 1,
        Critical = 2
    };

    explicit DesktopNotifier(QObject *parent = nullptr);
    DesktopNotifier(const QDBusConnection &bus, QObject *parent);

    // A server owns the name, or the bus can start one (a D-Bus activatable service); false until the bus
    // has answered.
    bool isAvailable() const { return m_available; }
    // Sent without waiting; sent() or failed() follows. A notification from the same `tag` replaces the
    // one before it (the server's replaces_id), so a repeated alert updates instead of stacking.
    void notify(const QString &title, const QString &body, Urgency urgency, const QString &tag = {});

Q_SIGNALS:
    void sent(uint id);
    void failed(const QString &title, const QString &body, const QString &error);
    void activated(); // the operator clicked the notification (its default action)

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action); // the server's ActionInvoked signal

private:
    void checkService();

    QDBusConnection m_bus;
    bool m_available = false;
    bool m_activatable = false; // the bus starts a server on the first call
    QHash<QString, uint> m_lastIdByTag;
    QSet<uint> m_ours;
};

} // namespace sd
