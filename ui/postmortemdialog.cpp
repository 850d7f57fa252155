#include "ui/postmortemdialog.h"

#include "ui/windowsize.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace sd {

PostmortemDialog::PostmortemDialog(const QString &incidentName, const QString &body, QWidget *parent)
    : QDialog(parent)
    , m_tabs(new QTabWidget(this))
    , m_editor(new QPlainTextEdit(body, this))
    , m_preview(new QTextBrowser(this))
    , m_publish(new QCheckBox(tr("Publish the postmortem now"), this))
    , m_notify(new QCheckBox(tr("Notify subscribers (the incident webhook with the postmortem)"), this))
{
    setObjectName(QStringLiteral("postmortemDialog"));
    setWindowTitle(tr("Postmortem: %1").arg(incidentName));
    setSizeGripEnabled(true);
    m_editor->setObjectName(QStringLiteral("postmortemEditor"));
    m_editor->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_editor->setTabChangesFocus(true);
    m_editor->setPlaceholderText(tr("What happened, the impact, the cause and what changes now (Markdown)."));
    m_preview->setObjectName(QStringLiteral("postmortemPreview"));
    m_preview->setOpenExternalLinks(false);
    m_tabs->addTab(m_editor, tr("&Write"));
    m_tabs->addTab(m_preview, tr("&Preview"));
    // The preview is rendered when shown, so typing never waits on it.
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_tabs->widget(index) == m_preview)
            m_preview->document()->setMarkdown(m_editor->toPlainText());
    });
    m_publish->setObjectName(QStringLiteral("postmortemPublish"));
    m_notify->setObjectName(QStringLiteral("postmortemNotify"));
    m_notify->setEnabled(false);
    connect(m_publish, &QCheckBox::toggled, m_notify, [this](bool on) {
        m_notify->setEnabled(on);
        if (!on)
            m_notify->setChecked(false);
    });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Markdown: # headings, *emphasis*, - lists, [links](https://…)."), this));
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_publish);
    layout->addWidget(m_notify);
    layout->addWidget(buttons);
    setTabOrder(m_editor, m_publish);
    setTabOrder(m_publish, m_notify);
    setTabOrder(m_notify, buttons);
    resizeWithinScreen(this, {760, 600});
    m_editor->setFocus();
}

QString PostmortemDialog::body() const
{
    return m_editor->toPlainText();
}

bool PostmortemDialog::publish() const
{
    return m_publish->isChecked();
}

bool PostmortemDialog::notifySubscribers() const
{
    return m_publish->isChecked() && m_notify->isChecked();
}

} // namespace sd
