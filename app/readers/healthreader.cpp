#include "app/readers/healthreader.h"

#include "models/database.h"
#include "models/itemmodels/subscribersmodel.h"

#include <QElapsedTimer>
#include <QPointer>
#include <algorithm>
#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace sd {

// Owns the connection (opened on first use); created, used and destroyed on the reader thread.
class SubscriberHealthReader::Backend final : public QObject
{
public:
    Backend(QString location, std::shared_ptr<std::atomic_bool> cancel)
        : m_location(std::move(location))
        , m_cancel(std::move(cancel))
    {}

    // `deliver` is called on this thread and hands the page over to the asker's.
    void readPass(const Deliver &deliver)
    {
        if (!m_db) {
#ifdef Q_OS_LINUX
            // A background reader: on a busy two-core machine it must not take the UI thread's turns
            // (QThread::LowPriority changes nothing for Linux's default policy; a thread's nice value does).
            setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
            QString error;
            m_db = Database::open(m_location, &error);
            if (!m_db) {
                deliver({}, true); // nothing to read: the pass ends with the numbers shown
                return;
            }
        }
        HealthRepository health(*m_db);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QString cursor;
        QElapsedTimer pageClock;
        while (!m_cancel->load()) {
            pageClock.start();
            std::vector<EndpointHealth> page;
            try {
                page = health.page(cursor, kPageSize, now);
            } catch (const StoreError &) {
                deliver({}, true); // the next pass starts over
                return;
            }
            const bool last = static_cast<int>(page.size()) < kPageSize;
            if (!page.empty())
                cursor = page.back().subscriberId;
            deliver(std::move(page), last);
            if (last)
                return;
            // Half the time at most: a pass over 100,000 endpoints flat out took a core from the delivery
            // engines on a two-core machine (bench_ui_stall's fan-out ran at half speed).
            QThread::msleep(static_cast<unsigned long>(std::max<qint64>(1, pageClock.elapsed())));
        }
    }

private:
    QString m_location;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::unique_ptr<Database> m_db;
};

SubscriberHealthReader::SubscriberHealthReader(QString databaseLocation, QObject *parent)
    : QObject(parent)
    , m_backend(new Backend(std::move(databaseLocation), m_cancel))
{
    m_thread.setObjectName(QStringLiteral("subscriber health reader"));
    m_backend->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_backend, &QObject::deleteLater);
    m_thread.start(QThread::LowPriority);
}

SubscriberHealthReader::~SubscriberHealthReader()
{
    m_cancel->store(true);
    m_thread.quit();
    m_thread.wait();
}

void SubscriberHealthReader::readPass(QObject *context, Deliver deliver)
{
    QPointer<QObject> guard(context);
    Backend *backend = m_backend;
    QMetaObject::invokeMethod(
        m_backend,
        [this, backend, guard, deliver = std::move(deliver)]() {
            backend->readPass([this, guard, &deliver](std::vector<EndpointHealth> page, bool last) {
                // Through this object: dropped once the reader is gone (its destructor waits for this
                // thread), and by `guard` once the asker is.
                QMetaObject::invokeMethod(
                    this,
                    [guard, deliver, page = std::move(page), last]() mutable {
                        if (guard)
                            deliver(std::move(page), last);
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

void SubscriberHealthReader::feed(SubscribersModel *model)
{
    connect(model, &SubscribersModel::healthPassWanted, this, [this, model] {
        readPass(model, [model](std::vector<EndpointHealth> page, bool last) {
            model->addHealthPage(std::move(page), last);
        });
    });
}

} // namespace sd
