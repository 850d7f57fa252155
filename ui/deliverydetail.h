#pragma once

#include "models/domain.h"

#include <QTextBrowser>

namespace sd {

class Store;

// The Deliveries tab's detail pane: the selected message (who queued it, its state, the next attempt) and
// every attempt of it with request and response headers and bodies. Read on the live connection with
// complete reads (see Session::liveStore); the scroll position survives a refresh of the same message.
// Bodies are shown as sent and received, byte for byte; a link switches to indented JSON and back.
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
    bool showsPrettyJson() const { return m_pretty; }
    void setPrettyJson(bool pretty); // shows the current message again

protected:
    void changeEvent(QEvent *event) override; // a light/dark switch draws the shown message again

private:
    QString body(const QByteArray &bytes) const; // as received, or indented when m_pretty

    Store &m_store;
    QString m_id;
    Message m_message;
    bool m_pretty = false;
};

} // namespace sd
