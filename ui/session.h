#pragma once

#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/pageservice.h"
#include "app/services/resendservice.h"
#include "app/services/subscriberservice.h"
#include "models/store.h"

#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

namespace sd {

class ChangeWatcher;
class DeliveryController;
class ServiceWorker;
class TestReceiver;
namespace upstream {
class UpstreamController;
}

// Everything one open database needs: the store, the services over it and the delivery engine. Views
// get references to the parts they use; the session says when data changed or messages were queued.
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)

public:
    // nullptr and *error set when the database cannot be opened; the file is then left untouched.
    static std::unique_ptr<Session> open(const QString &path, QString *error);
    ~Session() override;

    QString path() const { return m_path; }
    Store &store() { return *m_store; }
    // A second connection for the live views (deliveries, subscriber health). Only complete reads run on
    // it, so it always sees the engine's latest commits: a half-read statement on the main connection
    // would otherwise pin SQLite's read snapshot there.
    Store &liveStore() { return *m_liveStore; }
    PageService &pages() { return m_pages; }
    ComponentService &components() { return m_components; }
    IncidentService &incidents() { return m_incidents; }
    SubscriberService &subscribers() { return m_subscribers; }
    ResendService &resend() { return m_resend; }
    DeliveryController &delivery() { return *m_delivery; }
    // Reads the followed pages this console holds the lease of (with the delivery engine: startDelivery()).
    upstream::UpstreamController *upstreams() const { return m_upstreams; }
    // Writes that fan out (status changes) run here, off the UI thread.
    ServiceWorker &worker() { return *m_worker; }

    // A component change written on the worker thread (a status change may queue a webhook for every
    // subscriber). When it is stored afterChange() runs; then `done` runs on `context`'s thread, unless
    // `context` is gone by then.
    void updateComponent(const QString &id, const ComponentPatch &patch, QObject *context,
                         std::function<void(const Result<ComponentChange> &)> done);

    void startDelivery();
    // Starts the built-in loopback receiver (first-run sample); remembers its port in the database.
    TestReceiver *testReceiver() const { return m_receiver; }
    TestReceiver *startTestReceiver(QString *error);

    bool isEmpty(); // no components, incidents or subscribers yet

    // The operator every change from this console is recorded under: the name set in the console
    // (File → Operator name…, kept in QSettings), else STATUSDESK_OPERATOR, else user@host.
    QString operatorName() const { return m_operator; }
    static QString chosenOperatorName(); // the console's saved choice; empty when none
    // Saves `chosen` (empty: back to the default) and applies it to every change made from now on.
    void setOperatorName(const QString &chosen);

public Q_SLOTS:
    // Call after every service call: wakes the engine when messages were queued.
    void afterChange(int messagesQueued = 0);

Q_SIGNALS:
    void dataChanged();
    void messagesQueued(int count);
    void operatorChanged(const QString &name);
    // Another process (a console on another desk or on this one, serve, the CLI) committed changes ("data"),
    // delivery results ("deliveries"), notices ("notices") or settings ("settings"), on PostgreSQL and on one
    // SQLite file alike (ChangeWatcher). At once, then at most a few a second.
    void remoteChanged(const QStringList &kinds);

private:
    Session(QString path, std::unique_ptr<Store> store, std::unique_ptr<Store> liveStore);
    void applyOperator(const QString &name);
    void listenForOtherDesks();

    QString m_path;
    QString m_operator;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Store> m_liveStore;
    PageService m_pages;
    ComponentService m_components;
    IncidentService m_incidents;
    SubscriberService m_subscribers;
    ResendService m_resend;
    DeliveryController *m_delivery = nullptr;            // child
    ServiceWorker *m_worker = nullptr;                   // child
    upstream::UpstreamController *m_upstreams = nullptr; // child
    TestReceiver *m_receiver = nullptr;                  // child, only when the sample receiver is used
    ChangeWatcher *m_changes = nullptr;                  // child
};

} // namespace sd
