#pragma once

#include <QTextBrowser>

namespace sd {

struct Message;
class Store;

// The Deliveries tab's detail pane: the selected message (who queued it, its state, the next attempt) and
// every attempt of it with request and response headers and bodies. Read on the live connection with
// complete reads (see Session::liveStore); the scroll position survives a refresh of the same message.
class DeliveryDetail final : public QTextBrowser
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryDetail)

public:
    DeliveryDetail(Store &liveStore, QWidget *parent = nullptr);

    // Shows `message` (a row of the table: its body and attempts are read here).
    void showMessage(const Message &message);
    void clearMessage();
    QString messageId() const { return m_id; }

private:
    Store &m_store;
    QString m_id;
};

} // namespace sd
