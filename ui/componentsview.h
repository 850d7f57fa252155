#pragma once

#include "models/domain.h"

#include <QElapsedTimer>
#include <QWidget>
#include <optional>

class QTableView;
class QAction;
class QTimer;

namespace sd {

class Session;
class ComponentsModel;
struct ComponentChange;
template<typename T> class Result;

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
    // Opens (non-modal to the event loop) the selected component's status changes and who made them, once
    // they are read on the session's worker thread.
    void showHistorySelected();
    void openComponentPage(); // the 90-day strip and uptime (ui/componentpage.h)
    // F2 (any column): opens the Status cell's editor of the current row.
    void editCurrentStatus();
    // A new change back to the status before the last one made here, notifying the same audience;
    // offered for kUndoWindowMs after that change was stored (Edit menu and toolbar, Ctrl+Z).
    void undoLastChange();
    QAction *undoAction() const { return m_undoAction; }
    static constexpr int kUndoWindowMs = 60000;

    // A status change the operator asked for (the table's Status cell, undo): asks whether to notify the
    // subscribers who would hear, then changeStatus(). False when cancelled or nothing changes.
    bool requestStatusChange(const QString &componentId, ComponentStatus status);
    // A confirmed status change: shown at once, written (and fanned out) on the session's worker thread;
    // statusStored() follows, or an error box and the old status back. False when the component is gone.
    bool changeStatus(const QString &componentId, ComponentStatus status, bool notify);

Q_SIGNALS:
    void statusMessage(const QString &text);
    void statusStored(const QString &componentId, int messagesQueued);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void focusRow(const QString &componentId); // current row, keyboard in the table
    // A name asked for again with `problem` said above it and `typed` kept; nullopt when cancelled.
    std::optional<QString> askText(const QString &title, const QString &label, const QString &typed,
                                   const QString &problem);
    void renameAsking(const QString &componentId, QString name, QString problem);
    struct LastChange
    {
        QString componentId;
        QString name;
        ComponentStatus from = ComponentStatus::Operational;
        ComponentStatus to = ComponentStatus::Operational;
        bool notify = true;
        QElapsedTimer at;
    };
    void finishStatusChange(const Component &before, const Result<ComponentChange> &result);
    void changeText(const QString &componentId, int column, const QString &text); // name or description
    void onStatusStored(const QString &componentId);
    void updateUndoAction();
    std::optional<bool> confirmStatusChange(const Component &c, ComponentStatus to, int audience);
    int selectedRow() const;
    void applySpans();
    void showError(const QString &text);
    void openHistory(const Component &c, const std::vector<ComponentUpdate> &history); // newest first

    Session &m_session;
    ComponentsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QAction *m_undoAction = nullptr;
    QTimer *m_undoExpiry = nullptr;
    std::optional<LastChange> m_pending; // confirmed, being stored
    std::optional<LastChange> m_last;    // stored, may be taken back
    std::optional<LastChange> m_undoing; // the change an undo in flight takes back
};

} // namespace sd
