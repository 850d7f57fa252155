#pragma once

#include <QDockWidget>

class QListWidget;

namespace sd {

class Store;
struct Notice;

// The Notices panel: what needs an operator (quarantines, purges, emails to tell), newest first, from the
// notices table (the same NoticeRepository that View → Notices… reads, where each email's state is shown).
// One line per notice, the whole text in its tooltip and under "Details and emails…". A quarantine notice
// carries Reactivate and Open endpoint buttons and leaves the panel once its endpoint is no longer
// quarantined, in every console (the panel reloads on every process's notices).
class NoticesDock final : public QDockWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NoticesDock)

public:
    explicit NoticesDock(QWidget *parent = nullptr);
    void setStore(Store *store); // null while no database is open
    void reload();               // a failed read keeps the rows and says so in the first row
    QListWidget *list() const { return m_list; }

Q_SIGNALS:
    void detailsRequested();
    void reactivateRequested(const QString &subscriberId);
    void openEndpointRequested(const QString &subscriberId);

private:
    void addQuarantineRow(const Notice &n, const QString &line);

    Store *m_store = nullptr;
    QListWidget *m_list;
};

} // namespace sd
