#pragma once

#include <QString>
#include <QThread>
#include <functional>

namespace sd {

class Store;

// A named thread with a connection of its own to the store, for the readers that keep the UI thread off
// the disk. Jobs run there one at a time, in the order posted, with the store opened by the first one (and
// again by the next after a failed open: nullptr and the error are passed until it opens). Answers are the
// jobs' business: they hand their results to the asker's thread (QMetaObject::invokeMethod). The destructor
// finishes the job under way, drops the rest and closes the connection on its thread.
class StoreThread final
{
public:
    enum class Priority
    {
        Normal,
        Background // below the UI thread (on Linux a nice value: QThread priorities do not apply there)
    };
    StoreThread(const QString &name, QString databaseLocation, Priority priority = Priority::Normal);
    ~StoreThread();
    StoreThread(const StoreThread &) = delete;
    StoreThread &operator=(const StoreThread &) = delete;

    void post(std::function<void(Store *store, const QString &error)> job);

private:
    class Backend;
    QThread m_thread;
    Backend *m_backend; // lives in m_thread
};

} // namespace sd
