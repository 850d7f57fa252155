#include "app/readers/deliveriesreader.h"

#include "models/store.h"

#include <QPointer>

namespace sd {

// Owns the connection; created, used and destroyed on the reader thread.
class DeliveriesReader::Backend final : public QObject
{
public:
    explicit Backend(QString location)
        : m_location(std::move(location))
    {}

    void execute(const std::function<void(Store *)> &job)
    {
        if (!m_store && m_error.isEmpty())
            m_store = Store::open(m_location, &m_error); // a failed open is not retried: every read fails
        job(m_store.get());
    }

private:
    QString m_location;
    QString m_error;
    std::unique_ptr<Store> m_store;
};

DeliveriesReader::DeliveriesReader(QString databaseLocation, QObject *parent)
    : QObject(parent)
    , m_backend(new Backend(std::move(databaseLocation)))
{
    m_thread.setObjectName(QStringLiteral("deliveries-reads"));
    m_backend->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_backend, &QObject::deleteLater);
    m_thread.start();
}

DeliveriesReader::~DeliveriesReader()
{
    m_thread.quit();
    m_thread.wait();
}

void DeliveriesReader::post(std::function<void(Store *)> job)
{
    Backend *backend = m_backend;
    QMetaObject::invokeMethod(
        m_backend, [backend, job = std::move(job)]() { backend->execute(job); }, Qt::QueuedConnection);
}

DeliveriesModel::ReadAnswer DeliveriesReader::answer(Store &store,
                                                     const DeliveriesModel::ReadRequest &request)
{
    DeliveriesModel::ReadAnswer out;
    try {
        if (!request.progressOf.isEmpty())
            out.progress = store.outbox.progress(request.progressOf);
        if (request.rows)
            out.rows = store.outbox.list(*request.rows);
    } catch (const StoreError &) {
        out = {};
        out.ok = false;
    }
    return out;
}

void DeliveriesReader::read(DeliveriesModel::ReadRequest request, QObject *context,
                            std::function<void(DeliveriesModel::ReadAnswer)> done)
{
    QPointer<QObject> guard(context);
    // The answer is delivered through this object, so it is dropped once the reader is gone; `guard` drops
    // it when the asker is.
    post([this, observer = m_observer, request = std::move(request), guard,
          done = std::move(done)](Store *store) {
        if (observer)
            observer(request.kind);
        DeliveriesModel::ReadAnswer result;
        if (store)
            result = answer(*store, request);
        else
            result.ok = false;
        QMetaObject::invokeMethod(
            this,
            [guard, done, result = std::move(result)]() mutable {
                if (guard)
                    done(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

DeliveriesModel::Reader DeliveriesReader::modelReader()
{
    return [this](DeliveriesModel::ReadRequest request, QObject *context,
                  std::function<void(DeliveriesModel::ReadAnswer)> done) {
        read(std::move(request), context, std::move(done));
    };
}

void DeliveriesReader::count(const MessageFilter &filter, bool withTotal, QObject *context,
                             std::function<void(Counts)> done)
{
    QPointer<QObject> guard(context);
    post([this, filter, withTotal, guard, done = std::move(done)](Store *store) {
        Counts counts;
        if (store) {
            try {
                const int matching = store->outbox.count(filter);
                counts = std::make_pair(matching, withTotal ? store->outbox.count({}) : matching);
            } catch (const StoreError &) {
            }
        }
        QMetaObject::invokeMethod(
            this,
            [guard, done, counts]() {
                if (guard)
                    done(counts);
            },
            Qt::QueuedConnection);
    });
}

DeliveriesModel::Reader DeliveriesReader::onThisThread(Store &store)
{
    return [&store](DeliveriesModel::ReadRequest request, QObject *,
                    std::function<void(DeliveriesModel::ReadAnswer)> done) { done(answer(store, request)); };
}

} // namespace sd
