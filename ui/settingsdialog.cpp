#include "ui/settingsdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace sd {

SettingsDialog::SettingsDialog(bool allowWebhookSubscribers, const ProxySetting &proxy,
                               const SmtpSettings &smtp, QWidget *parent)
    : QDialog(parent)
    , m_stored(smtp)
    , m_allowWebhooks(new QCheckBox(tr("Accept webhook subscriptions (allow_webhook_subscribers)"), this))
    , m_proxy(new QLineEdit(proxy.redacted(), this))
    , m_url(new QLineEdit(smtp.url, this))
    , m_from(new QLineEdit(smtp.from, this))
    , m_user(new QLineEdit(smtp.user, this))
    , m_password(new QLineEdit(this))
    , m_clearPassword(new QCheckBox(tr("Clear the stored password"), this))
    , m_requireStartTls(new QCheckBox(tr("Require STARTTLS (smtp:// only)"), this))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("Page and email settings"));
    auto *page = new QGroupBox(tr("Page"), this);
    auto *pageLayout = new QVBoxLayout(page);
    m_allowWebhooks->setChecked(allowWebhookSubscribers);
    m_allowWebhooks->setToolTip(
        tr("Off: the API and the public subscribe form refuse new webhook subscribers; "
           "operators can still add them here."));
    pageLayout->addWidget(m_allowWebhooks);

    auto *network = new QGroupBox(tr("Webhooks on the wire"), this);
    auto *networkForm = new QFormLayout(network);
    m_proxy->setPlaceholderText(QStringLiteral("system, none or http://user:password@proxy.example:3128"));
    networkForm->addRow(tr("Proxy:"), m_proxy);
    auto *proxyHint = new QLabel(
        tr("system: the https_proxy, http_proxy and no_proxy variables; none: straight to each receiver. "
           "Through a proxy the target policy checks the endpoint's name as this desk resolves it, and the "
           "proxy makes the connection. Delivery engines read it when they start."),
        this);
    proxyHint->setWordWrap(true);
    networkForm->addRow(proxyHint);

    auto *email = new QGroupBox(tr("Email to the address on file (quarantine, reactivation, purge)"), this);
    auto *form = new QFormLayout(email);
    m_url->setPlaceholderText(QStringLiteral("smtp://mail.example.com:587 or smtps://mail.example.com:465"));
    m_from->setPlaceholderText(QStringLiteral("status@example.com"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(smtp.password.isEmpty() ? tr("none") : tr("stored (leave empty to keep)"));
    m_clearPassword->setEnabled(!smtp.password.isEmpty());
    m_requireStartTls->setChecked(smtp.startTls == SmtpSettings::StartTls::Required);
    form->addRow(tr("SMTP server:"), m_url);
    form->addRow(tr("Sender:"), m_from);
    form->addRow(tr("User (AUTH):"), m_user);
    form->addRow(tr("Password:"), m_password);
    form->addRow(QString(), m_clearPassword);
    form->addRow(QString(), m_requireStartTls);
    auto *hint =
        new QLabel(tr("Empty server: no emails; a quarantine leaves an operator notice only."), this);
    hint->setWordWrap(true);
    form->addRow(hint);

    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b42318"));
    m_error->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(page);
    layout->addWidget(network);
    layout->addWidget(email);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

bool SettingsDialog::allowWebhookSubscribers() const
{
    return m_allowWebhooks->isChecked();
}

QString SettingsDialog::proxy() const
{
    return m_proxy->text().trimmed();
}

SmtpSettings SettingsDialog::smtp() const
{
    SmtpSettings s = m_stored;
    s.url = m_url->text().trimmed();
    s.from = m_from->text().trimmed();
    s.user = m_user->text().trimmed();
    if (!m_password->text().isEmpty())
        s.password = m_password->text();
    else if (m_clearPassword->isChecked())
        s.password.clear();
    s.startTls = m_requireStartTls->isChecked() ? SmtpSettings::StartTls::Required
                                                : SmtpSettings::StartTls::Opportunistic;
    return s;
}

void SettingsDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

} // namespace sd
