#pragma once

#include <QDockWidget>

class QListWidget;

namespace sd {

class Store;

// The Notices panel: what needs an operator (quarantines, purges, emails to tell), newest first, from the
// notices table (the same NoticeRepository that View → Notices… reads, where each email's state is shown).
// Stays on screen instead of the status bar line that used to vanish after a few seconds.
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

private:
    Store *m_store = nullptr;
    QListWidget *m_list;
};

} // namespace sd
