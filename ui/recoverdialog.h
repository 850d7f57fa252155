#pragma once

#include <QDialog>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QPushButton;

namespace sd {

class Session;

// Svix's Recover for one endpoint: choose the subscriber (the list read on the worker thread) and a time, see
// how many of its held and failed webhooks created since then the store has (counted on the worker thread),
// confirm, and they go back to the queue (ResendService::recover, one guarded UPDATE).
class RecoverDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecoverDialog)

public:
    RecoverDialog(Session &session, const QString &subscriberId, QWidget *parent = nullptr);

    QComboBox *endpoint() const { return m_endpoint; }
    QDateTimeEdit *since() const { return m_since; }
    QLabel *countLabel() const { return m_count; }
    int count() const { return m_known; }
    bool endpointsLoaded() const { return m_loaded; }

Q_SIGNALS:
    void recovered(int moved);

private:
    void loadEndpoints(const QString &subscriberId);
    void recount();
    void confirm();

    Session &m_session;
    QComboBox *m_endpoint;
    QDateTimeEdit *m_since;
    QLabel *m_count;
    QPushButton *m_recover = nullptr;
    int m_known = -1;      // the latest count shown; -1 while counting
    int m_asked = 0;       // counts in flight; only the last one's answer is shown
    bool m_loaded = false; // the endpoint list has arrived from the worker
};

} // namespace sd
