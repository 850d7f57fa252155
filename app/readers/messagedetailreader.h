#pragma once

#include "app/readers/storethread.h"
#include "models/domain.h"

#include <QObject>
#include <atomic>
#include <memory>
#include <vector>

namespace sd {

// What the Deliveries tab's detail pane shows of one message: the message with its body and who queued it
// or asked for a resend, and every attempt. `error` is set when the store could not be read.
struct MessageDetail
{
    Message message;
    std::vector<Attempt> attempts;
    QString error;
};

// Reads one message's detail on a thread of its own with its own connection ("message detail reader"), so
// the UI thread never waits on the disk; the answer comes through ready() on this object's thread. Reads run
// in turn, and one asked for after it replaces a read not yet started (the operator went on to another row).
class MessageDetailReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageDetailReader)

public:
    explicit MessageDetailReader(QString databaseLocation, QObject *parent = nullptr);
    ~MessageDetailReader() override; // finishes the read under way

    // `message` as a table row has it; its body, its people and its attempts are read.
    void read(const Message &message);

Q_SIGNALS:
    void ready(const sd::MessageDetail &detail);

private:
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
    StoreThread m_thread;
};

} // namespace sd
