#include "ui/alertvoice.h"

#include <QCryptographicHash>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QFileInfo>

namespace sd {
namespace {
const QString kBus = QStringLiteral("org.freedesktop.DBus");
const QString kBusPath = QStringLiteral("/org/freedesktop/DBus");
// RequestName's answers (the D-Bus specification).
constexpr uint kPrimaryOwner = 1;
constexpr uint kAlreadyOwner = 4;
} // namespace

QString AlertVoice::serviceNameFor(const QString &database)
{
    // The same file by any path it is given as; a URL as written. Hashed: a bus name allows only
    // [A-Za-z0-9_] per element, and the name is visible to every process on the bus.
    const QFileInfo file(database);
    const QString key = file.exists() ? file.canonicalFilePath() : database;
    const QByteArray hash =
        QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(20);
    return QStringLiteral("org.statusdesk.StatusDesk.Alerts.d") + QString::fromLatin1(hash);
}

AlertVoice::AlertVoice(const QDBusConnection &bus, const QString &database, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
    , m_name(serviceNameFor(database))
{
    if (!m_bus.isConnected()) {
        m_speaks = true;
        return;
    }
    m_bus.connect(kBus, kBusPath, kBus, QStringLiteral("NameAcquired"), this, SLOT(onNameAcquired(QString)));
    m_bus.connect(kBus, kBusPath, kBus, QStringLiteral("NameLost"), this, SLOT(onNameLost(QString)));
    // Flags 0: wait in the name's queue when another console has it (no replacing, no stealing).
    QDBusMessage request =
        QDBusMessage::createMethodCall(kBus, kBusPath, kBus, QStringLiteral("RequestName"));
    request << m_name << 0u;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(request), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        const QDBusPendingReply<uint> reply = *w;
        w->deleteLater();
        if (reply.isError()) {
            setSpeaks(true); // the bus refused the name: speak rather than stay silent
            return;
        }
        if (reply.value() == kPrimaryOwner || reply.value() == kAlreadyOwner)
            setSpeaks(true);
    });
}

AlertVoice::~AlertVoice()
{
    if (!m_bus.isConnected())
        return;
    // Without waiting: the bus releases the name at once and tells the next in line.
    QDBusMessage release =
        QDBusMessage::createMethodCall(kBus, kBusPath, kBus, QStringLiteral("ReleaseName"));
    release << m_name;
    m_bus.call(release, QDBus::NoBlock);
}

void AlertVoice::onNameAcquired(const QString &name)
{
    if (name == m_name)
        setSpeaks(true);
}

void AlertVoice::onNameLost(const QString &name)
{
    if (name == m_name)
        setSpeaks(false);
}

void AlertVoice::setSpeaks(bool speaks)
{
    if (speaks == m_speaks)
        return;
    m_speaks = speaks;
    Q_EMIT speakingChanged(speaks);
}

} // namespace sd
