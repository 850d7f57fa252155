#pragma once

#include "outboxrepository.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QTextBrowser;
class QTimer;

namespace sd {

class Session;
class DeliveriesModel;

// The live delivery log: one row per message, filterable (the filter goes into the SQL), sorted by raw
// values through a proxy, with every attempt of the selected message in a detail pane.
class DeliveriesView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveriesView)

public:
    explicit DeliveriesView(Session &session, QWidget *parent = nullptr);

    DeliveriesModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    QSplitter *splitter() const { return m_splitter; }
    MessageFilter currentFilter() const;

    QStringList selectedIds() const;
    void resendSelected();
    void resendAllFailed();
    void copyAsCurl();
    void exportReport();

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    void applyFilter();
    void showDetail();
    void resend(const QStringList &ids);

    Session &m_session;
    DeliveriesModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QComboBox *m_state = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_endpoint = nullptr;
    QLineEdit *m_search = nullptr;
    QTimer *m_filterDelay = nullptr;
    QTableView *m_table = nullptr;
    QTextBrowser *m_detail = nullptr;
    QSplitter *m_splitter = nullptr;
    QString m_detailId;
};

} // namespace sd
