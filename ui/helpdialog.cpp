#include "ui/helpdialog.h"

#include "ui/shortcutsdialog.h"
#include "ui/windowsize.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace sd {

HelpDialog::HelpDialog(QWidget *window, Page page, QWidget *parent)
    : QDialog(parent)
    , m_tabs(new QTabWidget(this))
    , m_manual(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("helpDialog"));
    setWindowTitle(tr("StatusDesk help"));
    m_manual->setObjectName(QStringLiteral("helpManual"));
    m_manual->setOpenExternalLinks(false);
    QFile page0(QStringLiteral(":/help/console.md"));
    if (page0.open(QIODevice::ReadOnly))
        m_manual->setMarkdown(QString::fromUtf8(page0.readAll()));
    else
        m_manual->setPlainText(tr("The manual page is missing from this build."));
    m_tabs->addTab(m_manual, tr("Manual"));
    m_tabs->addTab(ShortcutsDialog::buildTable(window, this), tr("Keyboard shortcuts"));
    m_tabs->setCurrentIndex(page == Page::Manual ? 0 : 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(buttons);
    resizeWithinScreen(this, {820, 620});
}

} // namespace sd
