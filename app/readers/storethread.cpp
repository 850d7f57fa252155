#include "app/readers/storethread.h"

#include "models/store.h"

#include <QObject>
#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace sd {

// Owns the connection; created, used and destroyed on the thread.
class StoreThread::Backend final : public QObject
{
public:
    Backend(QString location, Priority priority)
        : m_location(std::move(location))
        , m_priority(priority)
    {}

    void execute(const std::function<void(Store *, const QString &)> &job)
    {
        if (!m_store) {
#ifdef Q_OS_LINUX
            // A background reader must not take the UI thread's turns on a busy two-core machine
            // (QThread::LowPriority changes nothing for Linux's default policy; a thread's nice value does).
            if (m_priority == Priority::Background)
                setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
            m_error.clear();
            m_store = Store::open(m_location, &m_error);
        }
        job(m_store.get(), m_error);
    }

private:
    QString m_location;
    Priority m_priority;
    QString m_error;
    std::unique_ptr<Store> m_store;
};

StoreThread::StoreThread(const QString &name, QString databaseLocation, Priority priority)
    : m_backend(new Backend(std::move(databaseLocation), priority))
{
    m_thread.setObjectName(name);
    m_backend->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_backend, &QObject::deleteLater);
    m_thread.start(priority == Priority::Background ? QThread::LowPriority : QThread::InheritPriority);
}

StoreThread::~StoreThread()
{
    m_thread.quit();
    m_thread.wait();
}

void StoreThread::post(std::function<void(Store *, const QString &)> job)
{
    Backend *backend = m_backend;
    QMetaObject::invokeMethod(
        m_backend, [backend, job = std::move(job)]() { backend->execute(job); }, Qt::QueuedConnection);
}

} // namespace sd
