#pragma once

#include "app/readers/messagedetailreader.h"
#include "models/domain.h"

#include <QTextBrowser>

namespace sd {

// The Deliveries tab's detail pane: the selected message (who queued it, its state, the next attempt) and
// every attempt of it with request and response headers and bodies. Read off the UI thread by a
// MessageDetailReader and drawn from what it handed over, so a light/dark switch or the JSON link redraws
// without reading; the scroll position survives a refresh of the same message. Bodies are shown as sent and
// received, byte for byte; a link switches to indented JSON and back.
class DeliveryDetail final : public QTextBrowser
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryDetail)

public:
    explicit DeliveryDetail(QString databaseLocation, QWidget *parent = nullptr);

    // Shows `message` (a row of the table) once its body and attempts are read; until then the pane keeps
    // what it showed.
    void showMessage(const Message &message);
    void clearMessage();
    QString messageId() const { return m_id; }
    bool showsPrettyJson() const { return m_pretty; }
    void setPrettyJson(bool pretty); // shows the current message again

Q_SIGNALS:
    void shown(const QString &messageId); // drawn from a read (tests wait on it)

protected:
    void changeEvent(QEvent *event) override; // a light/dark switch draws the shown message again

private:
    void onRead(const MessageDetail &detail);
    void render(bool keepScroll);
    QString body(const QByteArray &bytes) const; // as received, or indented when m_pretty

    MessageDetailReader *m_reader; // child
    QString m_id;                  // the message asked for
    MessageDetail m_detail;        // what is drawn: the last read of m_id
    bool m_pretty = false;
};

} // namespace sd
