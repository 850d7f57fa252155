#include "app/services/serviceworker.h"

#include "models/store.h"

namespace sd {

ServiceWorker::Services::Services(Store &s)
    : store(s)
    , components(ServiceContext{s})
    , incidents(ServiceContext{s})
    , subscribers(ServiceContext{s})
    , resend(ServiceContext{s})
    , templates(ServiceContext{s})
{}

void ServiceWorker::Services::setActor(const QString &actor)
{
    components.setActor(actor);
    incidents.setActor(actor);
    subscribers.setActor(actor);
    resend.setActor(actor);
    templates.setActor(actor);
}

// Owns the connection and the services; created, used and destroyed on the worker thread.
class ServiceWorker::Backend final : public QObject
{
public:
    explicit Backend(QString path)
        : m_path(std::move(path))
    {}
    ~Backend() override
    {
        m_services.reset();
        m_store.reset();
    }

    void execute(const std::function<void(Services *, const QString &)> &task)
    {
        if (!m_store && m_error.isEmpty()) {
            m_store = Store::open(m_path, &m_error);
            if (m_store)
                m_services = std::make_unique<Services>(*m_store);
        }
        task(m_services.get(), m_error);
    }

private:
    QString m_path;
    QString m_error;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Services> m_services;
};

ServiceWorker::ServiceWorker(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_backend(new Backend(std::move(databasePath)))
{
    m_thread.setObjectName(QStringLiteral("writes"));
    m_backend->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_backend, &QObject::deleteLater);
    m_thread.start();
}

ServiceWorker::~ServiceWorker()
{
    // Writes already handed over still happen (an operator's change is never dropped on close); only their
    // answers are not delivered.
    QMetaObject::invokeMethod(
        m_backend, []() {}, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void ServiceWorker::post(std::function<void(Services *, const QString &)> task)
{
    Backend *backend = m_backend;
    // The actor is taken now, on the owner's thread: a job records who asked for it, even if the name
    // changes before the job runs.
    QMetaObject::invokeMethod(
        m_backend,
        [backend, actor = m_actor, task = std::move(task)]() {
            backend->execute([&actor, &task](Services *services, const QString &error) {
                if (services)
                    services->setActor(actor);
                task(services, error);
            });
        },
        Qt::QueuedConnection);
}

} // namespace sd
