#include "ui/session.h"

#include "app/delivery/deliverycontroller.h"
#include "app/services/operatoridentity.h"
#include "app/services/serviceworker.h"
#include "app/testreceiver/testreceiver.h"
#include "app/upstream/upstreampoller.h"
#include "models/changewatcher.h"

#include <QPointer>
#include <QSettings>

namespace sd {
namespace {
const QString kReceiverPortKey = QStringLiteral("console.test_receiver_port");
const QString kOperatorKey = QStringLiteral("console/operatorName"); // per user, not per database
} // namespace

std::unique_ptr<Session> Session::open(const QString &path, QString *error)
{
    std::unique_ptr<Store> store = Store::open(path, error);
    if (!store)
        return nullptr;
    std::unique_ptr<Store> live = Store::open(path, error);
    if (!live)
        return nullptr;
    return std::unique_ptr<Session>(new Session(path, std::move(store), std::move(live)));
}

Session::Session(QString path, std::unique_ptr<Store> store, std::unique_ptr<Store> liveStore)
    : m_path(std::move(path))
    , m_store(std::move(store))
    , m_liveStore(std::move(liveStore))
    , m_pages(ServiceContext{*m_store})
    , m_components(ServiceContext{*m_store})
    , m_incidents(ServiceContext{*m_store})
    , m_subscribers(ServiceContext{*m_store})
    , m_resend(ServiceContext{*m_store})
    , m_delivery(new DeliveryController(m_path, this))
    , m_worker(new ServiceWorker(m_path, this))
    , m_upstreams(new upstream::UpstreamController(m_path, QStringLiteral("console"), this))
{
    applyOperator(resolveOperator(chosenOperatorName()));
    // A sample page made earlier points its subscriber at the built-in receiver: bring it back on the same
    // port.
    int port = 0;
    try {
        port = m_store->settings.value(kReceiverPortKey).toInt();
    } catch (const StoreError &) {
        // The sample receiver is a convenience; the session opens without it.
    }
    if (port > 0) {
        m_receiver = new TestReceiver(this);
        if (!m_receiver->listen(static_cast<quint16>(port))) {
            delete m_receiver;
            m_receiver = nullptr;
        }
    }
    m_delivery->setProgram(QStringLiteral("console"));
    // A change read from a followed page queues its relayed webhooks: the engine sends them now.
    connect(m_upstreams, &upstream::UpstreamController::recorded, this,
            [this](const QStringList &, int messages) {
                if (messages > 0)
                    afterChange(messages);
            });
    listenForOtherDesks();
}

void Session::listenForOtherDesks()
{
    // On its own thread and connection: PostgreSQL's LISTEN, or SQLite's PRAGMA data_version and the
    // change_signals table. This console's own writes and engine are left out: it knows them already.
    m_changes = new ChangeWatcher(m_path, this);
    connect(m_changes, &ChangeWatcher::changed, this, &Session::remoteChanged);
    m_delivery->followChanges(m_changes);
}

Session::~Session()
{
    // Writes handed to the worker finish first; then the engine (its own connection) stops.
    delete m_worker;
    m_worker = nullptr;
    m_upstreams->stop(); // hands its leases back
    m_delivery->stop();
}

void Session::startDelivery()
{
    m_delivery->start();
    m_upstreams->start();
}

TestReceiver *Session::startTestReceiver(QString *error)
{
    if (m_receiver)
        return m_receiver;
    m_receiver = new TestReceiver(this);
    if (!m_receiver->listen()) {
        if (error)
            *error = tr("The test receiver could not listen on 127.0.0.1.");
        delete m_receiver;
        m_receiver = nullptr;
        return nullptr;
    }
    try {
        m_store->settings.setValue(kReceiverPortKey, QString::number(m_receiver->port()));
    } catch (const StoreError &) {
    }
    return m_receiver;
}

bool Session::isEmpty()
{
    try {
        return m_store->components.count() == 0 && m_store->incidents.all().empty() &&
               m_store->subscribers.all().empty();
    } catch (const StoreError &) {
        return false;
    }
}

QString Session::chosenOperatorName()
{
    const QString chosen = QSettings().value(kOperatorKey).toString().trimmed();
    // A hand-edited settings file with a name that cannot be recorded falls back to the default.
    return checkOperatorName(chosen).isEmpty() ? chosen : QString();
}

void Session::setOperatorName(const QString &chosen)
{
    QSettings settings;
    if (chosen.trimmed().isEmpty())
        settings.remove(kOperatorKey);
    else
        settings.setValue(kOperatorKey, chosen.trimmed());
    applyOperator(resolveOperator(chosen));
}

void Session::applyOperator(const QString &name)
{
    m_operator = name;
    m_pages.setActor(name);
    m_components.setActor(name);
    m_incidents.setActor(name);
    m_subscribers.setActor(name);
    m_resend.setActor(name);
    m_worker->setActor(name);
    Q_EMIT operatorChanged(name);
}

void Session::updateComponent(const QString &id, const ComponentPatch &patch, QObject *context,
                              std::function<void(const Result<ComponentChange> &)> done)
{
    QPointer<QObject> guard(context);
    m_worker->run<ComponentChange>(
        [id, patch](ServiceWorker::Services &services) { return services.components.update(id, patch); },
        this,
        [this, guard, done = std::move(done)](const Result<ComponentChange> &result) {
            if (result)
                afterChange(result.value().messages);
            if (guard)
                done(result);
        });
}

void Session::afterChange(int messagesQueued)
{
    if (messagesQueued > 0) {
        m_delivery->wake();
        Q_EMIT this->messagesQueued(messagesQueued);
    }
    Q_EMIT dataChanged();
}

} // namespace sd
