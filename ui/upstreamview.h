#pragma once

#include "models/upstream.h"

#include <QWidget>
#include <optional>

class QLabel;
class QSplitter;
class QTableView;
class QTimer;
class QTreeView;

namespace sd {

class Session;
class UpstreamsModel;
class UpstreamComponentsModel;
class UpstreamIncidentsModel;
class UpstreamEventsModel;

// The Upstream tab: the public Statuspage pages this desk follows (their indicator, last check, "stale
// since"), the selected page's components and its open incidents and maintenances with their updates, and the
// timeline of what changed on every followed page. Follow a page, read it now, stop following it, choose
// which subscribers it is relayed to, and link a local incident to one of its incidents. Reads and writes run
// on the session's worker thread.
class UpstreamView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamView)

public:
    explicit UpstreamView(Session &session, QWidget *parent = nullptr);

    UpstreamsModel *pagesModel() const { return m_pages; }
    UpstreamComponentsModel *componentsModel() const { return m_components; }
    UpstreamIncidentsModel *incidentsModel() const { return m_incidents; }
    UpstreamEventsModel *eventsModel() const { return m_events; }
    QTableView *pagesTable() const { return m_pagesTable; }
    QTreeView *incidentsTree() const { return m_incidentsTree; }

    void reload(); // asks the worker; the rows arrive with loaded()
    void selectPage(const QString &id);

    // The toolbar's actions, also for tests (the dialogs they open are modal).
    void followPage();
    void readNow();
    void unfollowSelected();
    void chooseSubscribers();
    void linkToIncident();

Q_SIGNALS:
    void statusMessage(const QString &text);
    void loaded(); // the models hold what the store said at the last reload()

private:
    const Upstream *selected() const;
    // The selected page by value, for what outlives a modal dialog (a reload replaces the rows meanwhile).
    std::optional<Upstream> selectedCopy() const;
    void showSelected();
    void afterWrite(const QString &done, const QString &error);

    Session &m_session;
    UpstreamsModel *m_pages = nullptr;
    UpstreamComponentsModel *m_components = nullptr;
    UpstreamIncidentsModel *m_incidents = nullptr;
    UpstreamEventsModel *m_events = nullptr;
    QTableView *m_pagesTable = nullptr;
    QTreeView *m_componentsTree = nullptr;
    QTreeView *m_incidentsTree = nullptr;
    QTableView *m_eventsTable = nullptr;
    QLabel *m_header = nullptr;
    QTimer *m_refresh = nullptr; // "last checked" moves, and other processes read the pages
    QString m_shownSnapshotOf;   // page id + snapshot version shown in the trees
    QString m_wantedPage;        // selectPage() of a page the table does not hold yet
    bool m_reloading = false;
    bool m_reloadAgain = false;
};

} // namespace sd
