#include "componentsview.h"

#include "componentsmodel.h"
#include "session.h"
#include "statusdelegates.h"
#include "values.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QTableView>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

namespace sd {

ComponentsView::ComponentsView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new ComponentsModel(session.store(), session.components(), this))
    , m_table(new QTableView(this))
{
    setObjectName(QStringLiteral("componentsView"));
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

    m_table->setObjectName(QStringLiteral("componentsTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(ComponentsModel::NameColumn, new GroupRowDelegate(m_table));
    m_table->setItemDelegateForColumn(ComponentsModel::StatusColumn, new ComponentStatusDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::SelectedClicked |
                             QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(ComponentsModel::NameColumn, 220);
    m_table->setColumnWidth(ComponentsModel::StatusColumn, 190);
    m_table->setColumnWidth(ComponentsModel::GroupColumn, 140);
    m_table->setColumnWidth(ComponentsModel::DescriptionColumn, 260);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(m_table);

    m_model->setServiceWorker(&session.worker());
    m_model->setStatusChangeGate([this](const Component &c, ComponentStatus to, int audience) {
        return confirmStatusChange(c, to, audience);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ComponentsView::applySpans);
    connect(m_model, &ComponentsModel::errorOccurred, this, &ComponentsView::showError);
    connect(m_model, &ComponentsModel::componentStatusChanged, this, [this](const QString &, int queued) {
        m_session.afterChange(queued);
        Q_EMIT statusMessage(queued > 0 ? tr("Status changed; %n webhook(s) queued.", nullptr, queued)
                                        : tr("Status changed; nobody notified."));
    });
    applySpans();
}

void ComponentsView::reload()
{
    try {
        m_model->reload();
    } catch (const StoreError &e) {
        // The table keeps the rows it had (the model reads before it resets).
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

std::optional<bool> ComponentsView::confirmStatusChange(const Component &c, ComponentStatus to, int audience)
{
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("statusChangeDialog"));
    dialog.setWindowTitle(tr("Change component status"));
    auto *text =
        new QLabel(tr("Change <b>%1</b> from %2 to <b>%3</b>?")
                       .arg(c.name.toHtmlEscaped(), componentStatusLabel(c.status), componentStatusLabel(to)),
                   &dialog);
    auto *notify =
        new QCheckBox(audience == 0 ? tr("Notify subscribers (no subscriber hears about this component)")
                                    : tr("Notify %n subscriber(s)", nullptr, audience),
                      &dialog);
    notify->setObjectName(QStringLiteral("notifyCheck"));
    notify->setChecked(audience > 0);
    notify->setEnabled(audience > 0);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(text);
    layout->addWidget(notify);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return notify->isChecked();
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

void ComponentsView::addComponent()
{
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Add component"), tr("Name:"), QLineEdit::Normal, {}, &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    NewComponent input;
    input.name = name;
    input.group = m_model->groupNameAt(selectedRow());
    auto result = m_session.components().add(input);
    if (!result)
        return showError(result.error());
    m_session.afterChange();
    reload();
    m_table->selectRow(m_model->rowOfComponent(result.value().id));
}

void ComponentsView::renameSelected()
{
    const auto c = m_model->componentAt(selectedRow());
    if (!c)
        return;
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Rename component"), tr("Name (a rename notifies nobody):"),
                              QLineEdit::Normal, c->name, &ok);
    if (ok)
        m_model->setData(m_model->index(selectedRow(), ComponentsModel::NameColumn), name);
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
    std::vector<ComponentUpdate> history;
    try {
        history = m_session.liveStore().components.updatesFor(c->id); // newest first
    } catch (const StoreError &e) {
        return showError(e.message());
    }
    QString html = QStringLiteral("<h3>%1</h3>").arg(c->name.toHtmlEscaped());
    if (history.empty())
        html += QStringLiteral("<p><i>%1</i></p>").arg(tr("No status change yet."));
    for (const ComponentUpdate &u : history) {
        html += QStringLiteral("<p>%1 → <b>%2</b><br><small>%3%4</small></p>")
                    .arg(componentStatusLabel(u.oldStatus), componentStatusLabel(u.newStatus),
                         u.createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
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
