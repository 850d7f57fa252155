#pragma once

#include "domain.h"

#include <QWidget>
#include <optional>

class QTableView;
class QAction;

namespace sd {

class Session;
class ComponentsModel;

// The components table, grouped by group, with the status edited in place. A status change tells the
// operator how many subscribers hear about it and lets them switch notification off for that change.
class ComponentsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ComponentsView)

public:
    explicit ComponentsView(Session &session, QWidget *parent = nullptr);

    ComponentsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    void reload();

    void addComponent();
    void renameSelected();
    void describeSelected();
    void moveSelected(int delta);
    void groupSelected();
    void removeSelected();
    // Opens (non-modal to the event loop) the selected component's status changes and who made them.
    void showHistorySelected();

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    std::optional<bool> confirmStatusChange(const Component &c, ComponentStatus to, int audience);
    int selectedRow() const;
    void applySpans();
    void showError(const QString &text);

    Session &m_session;
    ComponentsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
};

} // namespace sd
