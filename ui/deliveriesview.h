#pragma once

#include "models/outboxrepository.h"

#include <QWidget>
#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QTimer;

namespace sd {

class Session;
class DeliveriesModel;
class DeliveriesReader;
class DeliveryDetail;

// The live delivery log: one row per message, filtered and sorted by the database query (the header's
// sort goes into the SQL, End/Ctrl+End reads the query's last rows), the filter's row count beside it,
// and every attempt of the selected message in a detail pane that is cleared when the filter hides it.
class DeliveriesView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveriesView)

public:
    explicit DeliveriesView(Session &session, QWidget *parent = nullptr);

    DeliveriesModel *model() const { return m_model; }
    DeliveriesReader *reader() const { return m_reader; } // the table's reads and counts
    QLabel *countLabel() const { return m_count; }
    QTableView *table() const { return m_table; }
    QSplitter *splitter() const { return m_splitter; }
    MessageFilter currentFilter() const;

    QStringList selectedIds() const;
    void resendSelected();
    // "Resend failing in filter": failed and retrying deliveries (a retrying one is sent now and keeps its
    // schedule should it fail again), after a question with the store's count.
    void resendFailing();
    void recoverDeliveries(); // Svix's Recover: an endpoint's held and failed deliveries since a time
    void copyAsCurl();
    void exportReport();
    // End/Ctrl+End: the query's last rows, the last one current; Home/Ctrl+Home: back to the first. The rows
    // are read on the worker: the jump lands when they arrive.
    void jumpToEnd();
    void jumpToStart();
    QString detailId() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    enum class Jump
    {
        None,
        ToStart,
        ToEnd
    };
    void applyFilter();
    // Wide, the spare room widens Event and Endpoint (never narrows them): at 1920 px they kept their
    // 1024 px widths, the URL cut, while Error took everything else.
    void widenIntoSpareRoom();
    void afterReload();
    void selectEdge(Jump edge);
    void showDetail();
    void clearDetail();
    void resend(const QStringList &ids);
    void sendNow(const QStringList &ids);
    // Some of `ids` are held behind a quarantine: "Reactivate and resend" instead of a refusal.
    void offerReactivation(const QStringList &ids, const std::vector<Subscriber> &quarantined);
    void confirmResend(const QString &question, const std::function<void()> &go);
    void restoreSelection();
    void scheduleCount();
    void countNow();

    Session &m_session;
    DeliveriesReader *m_reader = nullptr; // before the model: the model reads through it from the start
    DeliveriesModel *m_model = nullptr;
    QLabel *m_count = nullptr;
    QTimer *m_countDelay = nullptr;
    bool m_counting = false;
    bool m_countAgain = false;
    QStringList m_keepSelected; // ids selected before a reset, selected again after it
    Jump m_jump = Jump::None;   // a jump waiting for its window's first page
    QComboBox *m_state = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_endpoint = nullptr;
    QLineEdit *m_search = nullptr;
    QTimer *m_filterDelay = nullptr;
    QTableView *m_table = nullptr;
    DeliveryDetail *m_detail = nullptr; // the selected message and its attempts
    QSplitter *m_splitter = nullptr;
};

} // namespace sd
