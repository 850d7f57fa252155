#pragma once

#include "app/readers/storethread.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/outboxrepository.h"

#include <QObject>
#include <functional>
#include <optional>
#include <utility>

namespace sd {

class Store;

// The Deliveries table's reads, on a thread of their own with their own connection (thread
// "deliveries-reads"): DeliveriesModel's requests (pages of its query, the progress of the rows it shows,
// rows newer than its newest) and the filter's row count. Reads run one at a time in the order asked; each
// answer comes back on the asking object's thread, unless that object is gone by then. The UI thread never
// waits on them, and they never wait behind a fan-out's writes on the session's worker.
class DeliveriesReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveriesReader)

public:
    explicit DeliveriesReader(QString databaseLocation, QObject *parent = nullptr);
    ~DeliveriesReader() override; // finishes the read under way; answers not yet delivered are dropped

    // The model's Reader: every request is read here.
    DeliveriesModel::Reader modelReader();
    void read(DeliveriesModel::ReadRequest request, QObject *context,
              std::function<void(DeliveriesModel::ReadAnswer)> done);
    // How many deliveries `filter` matches and, with `withTotal`, how many there are in all (else the
    // same number twice); std::nullopt when the store could not be read.
    using Counts = std::optional<std::pair<int, int>>;
    void count(const MessageFilter &filter, bool withTotal, QObject *context,
               std::function<void(Counts)> done);
    // Called on the reading thread as each model read starts (tests check where reads run).
    void setReadObserver(std::function<void(DeliveriesModel::ReadKind)> observer)
    {
        m_observer = std::move(observer);
    }

    // One request read on `store`, in the caller's thread.
    static DeliveriesModel::ReadAnswer answer(Store &store, const DeliveriesModel::ReadRequest &request);
    // A Reader that reads on `store` in the caller's thread and answers before it returns (QtCore-only tests
    // and tools without a thread).
    static DeliveriesModel::Reader onThisThread(Store &store);

private:
    std::function<void(DeliveriesModel::ReadKind)> m_observer;
    StoreThread m_thread;
};

} // namespace sd
