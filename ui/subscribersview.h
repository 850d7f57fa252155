#pragma once

#include <QWidget>

class QTableView;
class QSortFilterProxyModel;

namespace sd {

class Session;
class SubscribersModel;
struct Subscriber;
struct ImportReport;
template<typename T> class Result;

// Webhook subscribers: add/edit with validation beside each field, signing secrets, CSV import with a
// per-row error list, reactivate, remove and a test webhook.
class SubscribersView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubscribersView)

public:
    explicit SubscribersView(Session &session, QWidget *parent = nullptr);

    SubscribersModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    void reload();

    void addSubscriber();
    void editSelected();
    void rotateSecret();
    void copySecret();
    void reactivateSelected();
    void removeSelected();
    void sendTest();
    void importCsv();
    void importCsvFile(const QString &path); // runs on the session's worker; the result arrives later

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    const Subscriber *selected() const;
    void showError(const QString &text);
    void showImportResult(const Result<ImportReport> &result);

    Session &m_session;
    SubscribersModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
};

} // namespace sd
