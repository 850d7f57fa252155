#pragma once

#include "app/readers/storethread.h"
#include "models/healthrepository.h"

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace sd {

class SubscribersModel;

// Reads every endpoint's health (the engines' running aggregates, HealthRepository::page) on a thread of its
// own (named "subscriber health reader", at a lower priority than the UI) with its own connection, a page at
// a time, and hands each page over on the asking object's thread as it is read. It feeds SubscribersModel:
// the model asks for a pass (healthPassWanted), the reader reads it (feed).
class SubscriberHealthReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubscriberHealthReader)

public:
    static constexpr int kPageSize = 128; // one page is applied within a frame, views attached
    using Deliver = std::function<void(std::vector<EndpointHealth> page, bool last)>;

    explicit SubscriberHealthReader(QString databaseLocation, QObject *parent = nullptr);
    ~SubscriberHealthReader() override; // the pass under way stops after its current page

    // Reads one pass; `deliver` runs on `context`'s thread for each page, the last one with `last` set (an
    // empty last page when the store cannot be read), unless `context` is gone. Passes run in turn.
    void readPass(QObject *context, Deliver deliver);
    // Answers `model`'s health passes from now on: each healthPassWanted() is read here and handed to its
    // addHealthPage().
    void feed(SubscribersModel *model);

private:
    std::shared_ptr<std::atomic_bool> m_cancel = std::make_shared<std::atomic_bool>(false);
    StoreThread m_thread;
};

} // namespace sd
