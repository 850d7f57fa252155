#pragma once

#include <QDialog>

class QTableWidget;

namespace sd {

class Store;

// The operator notices (quarantines, reactivations, purges), newest first, each with the email it names and
// whether that went out or is still queued. Read once when opened (a hundred rows from the local store).
class NoticesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NoticesDialog)

public:
    explicit NoticesDialog(Store &store, QWidget *parent = nullptr);
    QTableWidget *table() const { return m_table; }

private:
    QTableWidget *m_table;
};

} // namespace sd
