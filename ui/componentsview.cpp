#include "ui/componentsview.h"

#include "app/readers/tablereads.h"
#include "app/services/serviceworker.h"
#include "models/itemmodels/componentsmodel.h"
#include "models/timeformat.h"
#include "models/values.h"
#include "ui/componentpage.h"
#include "ui/emptyhint.h"
#include "ui/session.h"
#include "ui/statusdelegates.h"

#include <QAction>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace sd {

ComponentsView::ComponentsView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new ComponentsModel(this))
    , m_table(new QTableView(this))
    , m_undoAction(new QAction(this))
    , m_undoExpiry(new QTimer(this))
{
    setObjectName(QStringLiteral("componentsView"));
    tablereads::components(session.store(), *m_model);
    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(tr("Add…"), this, &ComponentsView::addComponent);
    bar->addAction(tr("Rename…"), this, &ComponentsView::renameSelected);
    bar->addAction(tr("Describe…"), this, &ComponentsView::describeSelected);
    bar->addAction(tr("Move up"), this, [this] { moveSelected(-1); });
    bar->addAction(tr("Move down"), this, [this] { moveSelected(1); });
    bar->addAction(tr("Group…"), this, &ComponentsView::groupSelected);
    bar->addAction(tr("Remove"), this, &ComponentsView::removeSelected);
    bar->addAction(tr("History…"), this, &ComponentsView::showHistorySelected);
    bar->addAction(tr("Uptime…"), this, &ComponentsView::openComponentPage);
    bar->addSeparator();
    // Ctrl+Z lives on the action so the Edit menu (which adds it) and this toolbar share one shortcut.
    m_undoAction->setObjectName(QStringLiteral("undoStatusAction"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setToolTip(tr("Sends a new change back to the previous status, to the same subscribers "
                                "(offered for %n second(s) after a change)",
                                nullptr, kUndoWindowMs / 1000));
    connect(m_undoAction, &QAction::triggered, this, &ComponentsView::undoLastChange);
    bar->addAction(m_undoAction);
    m_undoExpiry->setSingleShot(true);
    connect(m_undoExpiry, &QTimer::timeout, this, [this] {
        m_last.reset();
        updateUndoAction();
    });
    updateUndoAction();

    m_table->setObjectName(QStringLiteral("componentsTable"));
    m_table->setModel(m_model);
    new EmptyHint(
        m_table,
        tr("No components yet. Start with Edit → Add component… (Ctrl+Shift+C): each one is a part of "
           "your service whose status subscribers hear about. Then add subscribers on the "
           "Subscribers tab (Ctrl+3)."));
    m_table->setItemDelegate(new CurrentCellDelegate(m_table));
    m_table->setItemDelegateForColumn(ComponentsModel::NameColumn, new GroupRowDelegate(m_table));
    m_table->setItemDelegateForColumn(ComponentsModel::StatusColumn, new ComponentStatusDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    // F2 is handled in eventFilter (always the Status cell); Return/Enter are left to the editor.
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::SelectedClicked);
    m_table->installEventFilter(this);
    m_table->verticalHeader()->hide();
    // One line per component, and the Updated time always whole: the description takes what is left (and
    // elides) when the Notices dock narrows the table.
    m_table->setWordWrap(false);
    const QFontMetrics fm = m_table->fontMetrics();
    const int em = fm.horizontalAdvance(QLatin1Char('M'));
    m_table->setColumnWidth(ComponentsModel::NameColumn, 15 * em);
    m_table->setColumnWidth(ComponentsModel::StatusColumn,
                            fm.horizontalAdvance(componentStatusLabel(ComponentStatus::DegradedPerformance)) +
                                4 * em);
    m_table->setColumnWidth(ComponentsModel::GroupColumn, 9 * em);
    m_table->horizontalHeader()->setSectionResizeMode(ComponentsModel::DescriptionColumn,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ComponentsModel::UpdatedColumn,
                                                      QHeaderView::ResizeToContents);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(m_table);

    // The model holds what is stored; an edit in a cell comes here to be asked, written and shown.
    connect(m_model, &ComponentsModel::statusChangeRequested, this,
            [this](const QString &id, ComponentStatus status) { requestStatusChange(id, status); });
    connect(m_model, &ComponentsModel::textChangeRequested, this, &ComponentsView::changeText);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ComponentsView::applySpans);
    applySpans();
}

void ComponentsView::reload()
{
    try {
        tablereads::components(m_session.store(), *m_model);
    } catch (const StoreError &e) {
        // The table keeps the rows it had (read before the model is reset).
        Q_EMIT statusMessage(tr("Components could not be reloaded: %1").arg(e.message()));
    }
}

void ComponentsView::applySpans()
{
    m_table->clearSpans();
    for (int r = 0; r < m_model->rowCount(); ++r) {
        if (m_model->isGroupRow(r)) {
            m_table->setSpan(r, 0, 1, ComponentsModel::ColumnCount);
            m_table->setRowHeight(r, m_table->verticalHeader()->defaultSectionSize());
        }
    }
}

bool ComponentsView::requestStatusChange(const QString &componentId, ComponentStatus status)
{
    const auto current = m_model->componentAt(m_model->rowOfComponent(componentId));
    if (!current || current->status == status)
        return false;
    const std::optional<bool> notify =
        confirmStatusChange(*current, status, m_session.components().audienceFor(componentId));
    if (!notify)
        return false;
    return changeStatus(componentId, status, *notify);
}

bool ComponentsView::changeStatus(const QString &componentId, ComponentStatus status, bool notify)
{
    const auto current = m_model->componentAt(m_model->rowOfComponent(componentId));
    if (!current)
        return false;
    // Shown at once; the write, which may queue a webhook for every subscriber, runs on the session's
    // worker thread.
    Component shown = *current;
    shown.status = status;
    m_model->updateComponent(shown);
    ComponentPatch patch;
    patch.status = status;
    patch.notify = notify;
    m_session.updateComponent(componentId, patch, this,
                              [this, before = *current](const Result<ComponentChange> &result) {
                                  finishStatusChange(before, result);
                              });
    // After the confirmation and the editor have closed: the keyboard goes back to the changed row, not
    // to whatever Qt picks (the tab bar), so the next F2 or arrow acts at once.
    QMetaObject::invokeMethod(
        this, [this, componentId] { focusRow(componentId); }, Qt::QueuedConnection);
    return true;
}

void ComponentsView::focusRow(const QString &componentId)
{
    const int row = m_model->rowOfComponent(componentId);
    if (row < 0)
        return;
    m_table->setCurrentIndex(m_model->index(row, ComponentsModel::StatusColumn));
    if (isVisible())
        m_table->setFocus(Qt::OtherFocusReason);
}

void ComponentsView::finishStatusChange(const Component &before, const Result<ComponentChange> &result)
{
    if (!result) {
        m_model->updateComponent(before); // take back what was shown early
        m_pending.reset();
        m_undoing.reset();
        return showError(result.error());
    }
    m_model->updateComponent(result.value().component);
    focusRow(before.id);
    const int queued = result.value().messages;
    const bool undo = m_undoing.has_value();
    onStatusStored(before.id);
    const QString what = queued > 0 ? tr("%n webhook(s) queued.", nullptr, queued) : tr("nobody notified.");
    Q_EMIT statusMessage(
        undo ? tr("Change taken back; %1").arg(what)
        : m_last
            ? tr("Status changed; %1 Undo with Ctrl+Z within %n s.", nullptr, kUndoWindowMs / 1000).arg(what)
            : tr("Status changed; %1").arg(what));
    Q_EMIT statusStored(before.id, queued);
}

void ComponentsView::changeText(const QString &componentId, int column, const QString &text)
{
    const auto current = m_model->componentAt(m_model->rowOfComponent(componentId));
    if (!current)
        return;
    ComponentPatch patch;
    patch.notify = false; // names and descriptions never notify anyone
    if (column == ComponentsModel::NameColumn)
        patch.name = text;
    else
        patch.description = text;
    const auto result = m_session.components().update(componentId, patch);
    if (!result) {
        m_pending.reset();
        m_undoing.reset();
        // A name typed in the cell and refused comes back in a dialog with the reason, to be fixed.
        if (column == ComponentsModel::NameColumn)
            return renameAsking(componentId, text, result.error());
        return showError(result.error());
    }
    m_model->updateComponent(result.value().component);
}

std::optional<bool> ComponentsView::confirmStatusChange(const Component &c, ComponentStatus to, int audience)
{
    std::optional<bool> answer;
    if (m_undoing && (!m_undoing->notify || audience == 0)) {
        answer = m_undoing->notify; // taking back a silent change sends nothing: no question
    } else {
        // An undo that notifies asks as a forward change does (Ctrl+Z once sent 60 webhooks unasked).
        QDialog dialog(this);
        dialog.setObjectName(QStringLiteral("statusChangeDialog"));
        dialog.setWindowTitle(m_undoing ? tr("Take back: %1 to %2").arg(c.name, componentStatusLabel(to))
                                        : tr("Change %1 to %2").arg(c.name, componentStatusLabel(to)));
        auto *text = new QLabel(&dialog);
        text->setObjectName(QStringLiteral("statusChangeText"));
        text->setTextFormat(Qt::PlainText);
        text->setWordWrap(true);
        auto *notify =
            new QCheckBox(audience == 0 ? tr("Notify subscribers (no subscriber hears about this component)")
                          : audience == 1 ? tr("Notify 1 subscriber")
                                          : tr("Notify %L1 subscribers").arg(audience),
                          &dialog);
        notify->setObjectName(QStringLiteral("notifyCheck"));
        notify->setChecked(audience > 0);
        notify->setEnabled(audience > 0);
        // The sentence names the exact new status and who hears of it, and follows the check box.
        const auto describe = [&c, to, audience, text](bool tell) {
            text->setText(
                (tell && audience > 0)
                    ? tr("Change %1 from %2 to %3 and notify %4?")
                          .arg(c.name, componentStatusLabel(c.status), componentStatusLabel(to),
                               audience == 1 ? tr("1 subscriber") : tr("%L1 subscribers").arg(audience))
                    : tr("Change %1 from %2 to %3 without notifying anyone?")
                          .arg(c.name, componentStatusLabel(c.status), componentStatusLabel(to)));
        };
        describe(notify->isChecked());
        connect(notify, &QCheckBox::toggled, &dialog, describe);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
        buttons->button(QDialogButtonBox::Ok)->setText(tr("Change to %1").arg(componentStatusLabel(to)));
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        auto *layout = new QVBoxLayout(&dialog);
        layout->addWidget(text);
        layout->addWidget(notify);
        layout->addWidget(buttons);
        if (dialog.exec() == QDialog::Accepted)
            answer = notify->isChecked();
    }
    if (answer)
        m_pending = LastChange{c.id, c.name, c.status, to, *answer, {}};
    return answer;
}

void ComponentsView::onStatusStored(const QString &componentId)
{
    if (!m_pending || m_pending->componentId != componentId)
        return;
    const bool wasUndo = m_undoing.has_value();
    m_undoing.reset();
    if (wasUndo) {
        // An undo is not itself offered for undo: Ctrl+Z twice must not flip the status back again.
        m_pending.reset();
        m_last.reset();
        m_undoExpiry->stop();
        updateUndoAction();
        return;
    }
    m_last = m_pending;
    m_last->at.start();
    m_pending.reset();
    m_undoExpiry->start(kUndoWindowMs);
    updateUndoAction();
}

void ComponentsView::updateUndoAction()
{
    if (!m_last) {
        m_undoAction->setEnabled(false);
        m_undoAction->setText(tr("Undo last status change"));
        return;
    }
    m_undoAction->setEnabled(true);
    m_undoAction->setText(tr("Undo: %1 back to %2").arg(m_last->name, componentStatusLabel(m_last->from)));
}

void ComponentsView::undoLastChange()
{
    if (!m_last || m_last->at.hasExpired(kUndoWindowMs))
        return;
    const LastChange last = *m_last;
    const int row = m_model->rowOfComponent(last.componentId);
    const auto now = m_model->componentAt(row);
    // Someone (another desk) changed it since: taking "our" change back would undo theirs.
    if (!now || now->status != last.to) {
        m_last.reset();
        updateUndoAction();
        return showError(tr("%1 is no longer %2, so the change was not taken back.")
                             .arg(last.name, componentStatusLabel(last.to)));
    }
    m_undoing = last;
    if (!requestStatusChange(last.componentId, last.from)) {
        m_undoing.reset();
        m_pending.reset();
        return;
    }
    m_last.reset();
    m_undoExpiry->stop();
    updateUndoAction();
    Q_EMIT statusMessage(tr("Taking back: %1 to %2…").arg(last.name, componentStatusLabel(last.from)));
}

void ComponentsView::editCurrentStatus()
{
    // F2 means "change this component's status" whichever cell of the row is current.
    const int row = m_table->currentIndex().row();
    if (!m_model->componentAt(row))
        return;
    const QModelIndex status = m_model->index(row, ComponentsModel::StatusColumn);
    m_table->setCurrentIndex(status);
    m_table->edit(status);
}

bool ComponentsView::eventFilter(QObject *watched, QEvent *event)
{
    // While an editor is open it has the keys, so this sees F2 only when the table itself has focus.
    if (watched == m_table && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_F2) {
        editCurrentStatus();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

int ComponentsView::selectedRow() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? m_table->currentIndex().row() : rows.first().row();
}

void ComponentsView::showError(const QString &text)
{
    QMessageBox::warning(this, tr("Components"), text);
}

std::optional<QString> ComponentsView::askText(const QString &title, const QString &label,
                                               const QString &typed, const QString &problem)
{
    // The refusal is said above the field and what was typed stays there to be fixed, not thrown away.
    QInputDialog dialog(this);
    dialog.setObjectName(QStringLiteral("componentNameDialog"));
    dialog.setWindowTitle(title);
    dialog.setLabelText(problem.isEmpty() ? label : tr("%1.\n%2").arg(problem, label));
    dialog.setTextValue(typed);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.textValue();
}

void ComponentsView::addComponent()
{
    QString name;
    QString problem;
    for (;;) {
        const auto typed = askText(tr("Add component"), tr("Name:"), name, problem);
        if (!typed)
            return;
        name = *typed;
        NewComponent input;
        input.name = name;
        input.group = m_model->groupNameAt(selectedRow());
        auto result = m_session.components().add(input); // an empty name is refused with a sentence
        if (!result) {
            problem = result.error();
            continue;
        }
        m_session.afterChange();
        reload();
        m_table->selectRow(m_model->rowOfComponent(result.value().id));
        return;
    }
}

void ComponentsView::renameSelected()
{
    const auto c = m_model->componentAt(selectedRow());
    if (!c)
        return;
    renameAsking(c->id, c->name, QString());
}

void ComponentsView::renameAsking(const QString &componentId, QString name, QString problem)
{
    for (;;) {
        const auto typed =
            askText(tr("Rename component"), tr("Name (a rename notifies nobody):"), name, problem);
        if (!typed)
            return;
        name = *typed;
        ComponentPatch patch;
        patch.notify = false;
        patch.name = name;
        const auto result = m_session.components().update(componentId, patch);
        if (!result) {
            problem = result.error();
            continue;
        }
        m_model->updateComponent(result.value().component);
        return;
    }
}

void ComponentsView::describeSelected()
{
    const auto c = m_model->componentAt(selectedRow());
    if (!c)
        return;
    bool ok = false;
    const QString text = QInputDialog::getMultiLineText(this, tr("Describe component"), tr("Description:"),
                                                        c->description, &ok);
    if (ok)
        m_model->setData(m_model->index(selectedRow(), ComponentsModel::DescriptionColumn), text);
}

void ComponentsView::moveSelected(int delta)
{
    const int row = selectedRow();
    const auto c = m_model->componentAt(row);
    const auto other = m_model->componentAt(row + delta);
    if (!c || !other || other->groupId != c->groupId)
        return; // reordering stays within a group
    ComponentPatch a;
    a.position = other->position;
    ComponentPatch b;
    b.position = c->position;
    auto r1 = m_session.components().update(c->id, a);
    auto r2 = m_session.components().update(other->id, b);
    if (!r1 || !r2)
        return showError(!r1 ? r1.error() : r2.error());
    m_session.afterChange();
    reload();
    m_table->selectRow(m_model->rowOfComponent(c->id));
}

void ComponentsView::groupSelected()
{
    const auto c = m_model->componentAt(selectedRow());
    if (!c)
        return;
    QStringList names{tr("(no group)")};
    try {
        for (const ComponentGroup &g : m_session.store().components.groups())
            names << g.name;
    } catch (const StoreError &e) {
        return showError(e.message());
    }
    bool ok = false;
    const QString name =
        QInputDialog::getItem(this, tr("Group"), tr("Group (type a new name to create one):"), names,
                              qMax(0, names.indexOf(m_model->groupNameAt(selectedRow()))), true, &ok);
    if (!ok)
        return;
    ComponentPatch patch;
    patch.group = name == names.first() ? QString() : name;
    auto result = m_session.components().update(c->id, patch);
    if (!result)
        return showError(result.error());
    m_session.afterChange();
    reload();
    m_table->selectRow(m_model->rowOfComponent(c->id));
}

void ComponentsView::showHistorySelected()
{
    const auto c = m_model->componentAt(selectedRow());
    if (!c)
        return;
    using History = std::vector<ComponentUpdate>;
    m_session.worker().run<History>(
        [id = c->id](ServiceWorker::Services &services) -> Result<History> {
            try {
                return services.store.components.updatesFor(id); // newest first
            } catch (const StoreError &e) {
                return Error{e.message()};
            }
        },
        this,
        [this, component = *c](const Result<History> &history) {
            if (!history)
                return showError(history.error());
            openHistory(component, history.value());
        });
}

void ComponentsView::openHistory(const Component &component, const std::vector<ComponentUpdate> &history)
{
    const Component *c = &component;
    QString html = QStringLiteral("<h3>%1</h3>").arg(c->name.toHtmlEscaped());
    if (history.empty())
        html += QStringLiteral("<p><i>%1</i></p>").arg(tr("No status change yet."));
    for (const ComponentUpdate &u : history) {
        html += QStringLiteral("<p>%1 → <b>%2</b><br><small>%3%4</small></p>")
                    .arg(componentStatusLabel(u.oldStatus), componentStatusLabel(u.newStatus),
                         timefmt::display(u.createdAt),
                         // Rows from before schema 4 name nobody.
                         u.actor.isEmpty() ? QString() : tr(" · by %1").arg(u.actor.toHtmlEscaped()));
    }
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("componentHistoryDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Status history: %1").arg(c->name));
    auto *text = new QTextBrowser(dialog);
    text->setObjectName(QStringLiteral("componentHistory"));
    text->setHtml(html);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->resize(460, 360);
    dialog->open();
}

void ComponentsView::openComponentPage()
{
    const auto c = m_model->componentAt(selectedRow());
    if (!c)
        return;
    // Non-modal, as the endpoint page: read on the worker thread, several may stay open.
    auto *page = new ComponentPage(m_session, c->id, this);
    page->setAttribute(Qt::WA_DeleteOnClose);
    page->setWindowFlag(Qt::Window);
    page->show();
}

void ComponentsView::removeSelected()
{
    const auto c = m_model->componentAt(selectedRow());
    if (!c)
        return;
    if (QMessageBox::question(this, tr("Remove component"),
                              tr("Remove %1? Subscribers are not notified.").arg(c->name)) !=
        QMessageBox::Yes)
        return;
    auto result = m_session.components().remove(c->id);
    if (!result)
        return showError(result.error());
    m_session.afterChange();
    reload();
}

} // namespace sd
