#pragma once

#include "models/subscriberrepository.h"

#include <QWidget>
#include <optional>
#include <vector>

class QComboBox;
class QLineEdit;
class QTableView;
class QSortFilterProxyModel;
class QTimer;

namespace sd {

class Session;
class SubscriberDialog;
class SubscribersModel;
class SubscriberHealthReader;
struct ImportReport;
template<typename T> class Result;

// Webhook subscribers: add/edit with validation beside each field, signing secrets, CSV import with a
// per-row error list, reactivate, remove and a test webhook. A search box (endpoint or email) and a state
// filter narrow the list in SQL; double-clicking a subscriber opens its endpoint page.
class SubscribersView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubscribersView)

public:
    explicit SubscribersView(Session &session, QWidget *parent = nullptr);

    SubscribersModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    void reload(); // a failed read leaves the rows as they were and says so in statusMessage

    void addSubscriber();
    void editSelected();
    void rotateSecret();
    void copySecret();
    void reactivateSelected();
    void removeSelected();
    void sendTest();
    void importCsv();
    // Runs on the session's worker; the result arrives later. Refuses the database's own files.
    void importCsvFile(const QString &path);
    void openEndpointPage(); // the current subscriber's; returns at once, the page fills in when read

    QLineEdit *searchBox() const { return m_search; }
    QComboBox *stateFilter() const { return m_stateFilter; }
    void applyFilter(); // search text and state now (typing applies them after a short pause)

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    const Subscriber *selected() const;
    void resort();
    std::optional<std::vector<Component>> componentsForDialog(); // nullopt: the error was shown
    // The followed pages in the dialog, ticked where `subscriberId` hears them (issue 23), and saving them.
    void offerFollowedPages(SubscriberDialog &dialog, const QString &subscriberId);
    void saveFollowedPages(const QString &subscriberId, const QStringList &upstreamIds);
    void showError(const QString &text);
    void showImportResult(const Result<ImportReport> &result);

    Session &m_session;
    SubscribersModel *m_model = nullptr;
    SubscriberHealthReader *m_health = nullptr; // answers the model's health passes off the UI thread
    SubscriberQuery m_query;                    // the rows shown (search text and state filter)
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_stateFilter = nullptr;
    QTimer *m_searchDelay = nullptr;
};

} // namespace sd
