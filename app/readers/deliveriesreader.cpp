#include "app/readers/deliveriesreader.h"

#include "models/store.h"

#include <QPointer>

namespace sd {

DeliveriesReader::DeliveriesReader(QString databaseLocation, QObject *parent)
    : QObject(parent)
    , m_thread(QStringLiteral("deliveries-reads"), std::move(databaseLocation))
{}

// The thread stops first (m_thread is destroyed before QObject's destructor runs): answers it posted to
// this object are dropped with it.
DeliveriesReader::~DeliveriesReader() = default;

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
    m_thread.post([this, observer = m_observer, request = std::move(request), guard,
                   done = std::move(done)](Store *store, const QString &) {
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
    m_thread.post([this, filter, withTotal, guard, done = std::move(done)](Store *store, const QString &) {
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
