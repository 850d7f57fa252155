#include "ui/desktopnotifier.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusServiceWatcher>

namespace sd {
namespace {
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");
constexpr int kExpireMs = -1; // the server's default
// resources/org.statusdesk.StatusDesk.desktop: the server takes the icon and name from it.
const QString kDesktopEntry = QStringLiteral("org.statusdesk.StatusDesk");
} // namespace

DesktopNotifier::DesktopNotifier(QObject *parent)
    : DesktopNotifier(QDBusConnection::sessionBus(), parent)
{}

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    if (!m_bus.isConnected())
        return; // no session bus: never available
    checkService();
    // A server that starts or stops later (a desktop session logging in, a daemon restarted) is followed.
    auto *watcher = new QDBusServiceWatcher(QString::fromLatin1(kService), m_bus,
                                            QDBusServiceWatcher::WatchForOwnerChange, this);
    connect(watcher, &QDBusServiceWatcher::serviceOwnerChanged, this, [this] { checkService(); });
    m_bus.connect(QString::fromLatin1(kService), kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
}

void DesktopNotifier::checkService()
{
    // Asked without waiting (a stuck bus must not hold the UI thread): until the answers come, alerts take
    // the fallback.
    const QString name = QString::fromLatin1(kService);
    auto ask = [this](const QString &method, const QVariantList &args, auto &&onReply) {
        QDBusMessage call = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.DBus"),
                                                           QStringLiteral("/org/freedesktop/DBus"),
                                                           QStringLiteral("org.freedesktop.DBus"), method);
        call.setArguments(args);
        auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call, 2000), this);
        connect(watcher, &QDBusPendingCallWatcher::finished, this, [watcher, onReply] {
            watcher->deleteLater();
            onReply(QDBusMessage(watcher->reply()));
        });
    };
    ask(QStringLiteral("NameHasOwner"), {name}, [this](const QDBusMessage &reply) {
        if (reply.type() == QDBusMessage::ReplyMessage && reply.arguments().value(0).toBool())
            m_available = true;
        else if (!m_activatable)
            m_available = false;
    });
    ask(QStringLiteral("ListActivatableNames"), {}, [this, name](const QDBusMessage &reply) {
        m_activatable = reply.type() == QDBusMessage::ReplyMessage &&
                        reply.arguments().value(0).toStringList().contains(name);
        if (m_activatable)
            m_available = true;
    });
}

void DesktopNotifier::notify(const QString &title, const QString &body, Urgency urgency, const QString &tag)
{
    QDBusMessage call = QDBusMessage::createMethodCall(QString::fromLatin1(kService), kPath, kInterface,
                                                       QStringLiteral("Notify"));
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(static_cast<uchar>(urgency)));
    // The server finds the icon and the application's name from the desktop entry.
    hints.insert(QStringLiteral("desktop-entry"), kDesktopEntry);
    const uint replaces = tag.isEmpty() ? 0 : m_lastIdByTag.value(tag);
    call << QStringLiteral("StatusDesk") << replaces << kDesktopEntry << title << body
         << QStringList{QStringLiteral("default"), tr("Show StatusDesk")} << hints << kExpireMs;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, title, body, tag] {
        watcher->deleteLater();
        const QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError()) {
            Q_EMIT failed(title, body, reply.error().message());
            return;
        }
        if (!tag.isEmpty())
            m_lastIdByTag.insert(tag, reply.value());
        m_ours.insert(reply.value());
        Q_EMIT sent(reply.value());
    });
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    if (m_ours.contains(id) && action == QLatin1String("default"))
        Q_EMIT activated();
}

} // namespace sd
