#include "ui/templatepicker.h"

#include "app/services/serviceworker.h"
#include "models/values.h"
#include "ui/session.h"
#include "ui/templatedialog.h"

#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace sd {

TemplatePicker::TemplatePicker(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_search(new QLineEdit(this))
    , m_list(new QListWidget(this))
    , m_preview(new QLabel(this))
{
    setObjectName(QStringLiteral("templatePicker"));
    setWindowTitle(tr("New incident from template"));
    m_search->setObjectName(QStringLiteral("templateSearch"));
    m_search->setPlaceholderText(tr("Search templates (name, title or message)"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    m_list->setObjectName(QStringLiteral("templateList"));
    m_preview->setObjectName(QStringLiteral("templatePreview"));
    m_preview->setWordWrap(true);
    m_preview->setTextFormat(Qt::PlainText);
    m_preview->setMinimumHeight(80);
    m_preview->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_use = buttons->addButton(tr("&Use template…"), QDialogButtonBox::AcceptRole);
    m_use->setObjectName(QStringLiteral("templateUse"));
    m_use->setDefault(true);
    auto *add = buttons->addButton(tr("&New…"), QDialogButtonBox::ActionRole);
    auto *edit = buttons->addButton(tr("&Edit…"), QDialogButtonBox::ActionRole);
    auto *remove = buttons->addButton(tr("&Remove"), QDialogButtonBox::ActionRole);
    add->setObjectName(QStringLiteral("templateNew"));
    edit->setObjectName(QStringLiteral("templateEdit"));
    remove->setObjectName(QStringLiteral("templateRemove"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (current())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(add, &QPushButton::clicked, this, &TemplatePicker::addTemplate);
    connect(edit, &QPushButton::clicked, this, &TemplatePicker::editTemplate);
    connect(remove, &QPushButton::clicked, this, &TemplatePicker::removeTemplate);
    connect(m_search, &QLineEdit::textChanged, this, &TemplatePicker::filter);
    connect(m_list, &QListWidget::currentRowChanged, this, &TemplatePicker::showSelected);
    connect(m_list, &QListWidget::itemActivated, this, [this] {
        if (current())
            accept();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_preview);
    layout->addWidget(buttons);
    resize(560, 460);
    reload();
    m_search->setFocus();
}

void TemplatePicker::reload()
{
    try {
        m_templates = m_session.store().templates.all();
    } catch (const StoreError &e) {
        m_templates.clear();
        m_preview->setText(tr("The templates could not be read: %1").arg(e.message()));
    }
    filter();
}

void TemplatePicker::filter()
{
    const QString text = m_search->text().trimmed();
    const QString keep = current() ? current()->id : QString();
    m_list->clear();
    for (const IncidentTemplate &t : m_templates) {
        if (!text.isEmpty() && !t.name.contains(text, Qt::CaseInsensitive) &&
            !t.title.contains(text, Qt::CaseInsensitive) && !t.body.contains(text, Qt::CaseInsensitive))
            continue;
        auto *item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(t.name, t.title), m_list);
        item->setData(Qt::UserRole, t.id);
    }
    int row = 0;
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toString() == keep)
            row = i;
    m_list->setCurrentRow(m_list->count() > 0 ? row : -1);
    if (m_list->count() == 0)
        m_preview->setText(m_templates.empty() ? tr("No templates yet: New… makes one.")
                                               : tr("No template matches \"%1\".").arg(text));
    m_use->setEnabled(m_list->count() > 0);
}

const IncidentTemplate *TemplatePicker::current() const
{
    const QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return nullptr;
    const QString id = item->data(Qt::UserRole).toString();
    for (const IncidentTemplate &t : m_templates)
        if (t.id == id)
            return &t;
    return nullptr;
}

std::optional<IncidentTemplate> TemplatePicker::chosen() const
{
    if (const IncidentTemplate *t = current())
        return *t;
    return std::nullopt;
}

void TemplatePicker::showSelected()
{
    const IncidentTemplate *t = current();
    if (!t)
        return;
    QStringList lines{tr("Title: %1").arg(t->title), tr("Status: %1").arg(toString(t->updateStatus)),
                      t->body};
    if (!t->components.empty())
        lines << tr("Sets %n component(s)", nullptr, int(t->components.size()));
    if (!t->shouldSendNotifications)
        lines << tr("Subscribers are not notified");
    m_preview->setText(lines.join(QLatin1Char('\n')));
}

bool TemplatePicker::eventFilter(QObject *watched, QEvent *event)
{
    // The arrows in the search field move through the list, so typing and choosing need no mouse.
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if ((key == Qt::Key_Down || key == Qt::Key_Up) && m_list->count() > 0) {
            const int row =
                std::clamp(m_list->currentRow() + (key == Qt::Key_Down ? 1 : -1), 0, m_list->count() - 1);
            m_list->setCurrentRow(row);
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void TemplatePicker::addTemplate()
{
    std::vector<Component> components;
    try {
        components = m_session.store().components.all();
    } catch (const StoreError &e) {
        return void(QMessageBox::warning(this, tr("New template"), e.message()));
    }
    TemplateDialog dialog(components, nullptr, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const TemplateInput in = dialog.input();
    m_session.worker().run<IncidentTemplate>(
        [in](ServiceWorker::Services &s) { return s.templates.add(in); }, this,
        [this](const Result<IncidentTemplate> &r) {
            if (!r)
                return void(QMessageBox::warning(this, tr("New template"), r.error()));
            m_search->clear();
            reload();
            for (int i = 0; i < m_list->count(); ++i)
                if (m_list->item(i)->data(Qt::UserRole).toString() == r->id)
                    m_list->setCurrentRow(i);
            Q_EMIT templatesChanged();
        });
}

void TemplatePicker::editTemplate()
{
    const IncidentTemplate *t = current();
    if (!t)
        return;
    std::vector<Component> components;
    try {
        components = m_session.store().components.all();
    } catch (const StoreError &e) {
        return void(QMessageBox::warning(this, tr("Edit template"), e.message()));
    }
    TemplateDialog dialog(components, t, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const TemplateInput in = dialog.input();
    const QString id = t->id;
    m_session.worker().run<IncidentTemplate>(
        [in, id](ServiceWorker::Services &s) { return s.templates.edit(id, in); }, this,
        [this](const Result<IncidentTemplate> &r) {
            if (!r)
                return void(QMessageBox::warning(this, tr("Edit template"), r.error()));
            reload();
            Q_EMIT templatesChanged();
        });
}

void TemplatePicker::removeTemplate()
{
    const IncidentTemplate *t = current();
    if (!t)
        return;
    if (QMessageBox::question(this, tr("Remove template"), tr("Remove the template \"%1\"?").arg(t->name)) !=
        QMessageBox::Yes)
        return;
    const QString id = t->id;
    m_session.worker().run<IncidentTemplate>(
        [id](ServiceWorker::Services &s) { return s.templates.remove(id); }, this,
        [this](const Result<IncidentTemplate> &r) {
            if (!r)
                return void(QMessageBox::warning(this, tr("Remove template"), r.error()));
            reload();
            Q_EMIT templatesChanged();
        });
}

} // namespace sd
