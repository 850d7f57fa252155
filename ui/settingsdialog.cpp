#include "ui/settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
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
    , m_startTls(new QComboBox(this))
    , m_cleartext(new QLabel(this))
    , m_schedule(new QLineEdit(this))
    , m_maxInFlight(new QSpinBox(this))
    , m_maxPerHost(new QSpinBox(this))
    , m_quarantineFailures(new QSpinBox(this))
    , m_quarantineWindow(new QSpinBox(this))
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

    auto *retries = new QGroupBox(tr("Retries and limits"), this);
    auto *retryForm = new QFormLayout(retries);
    m_schedule->setObjectName(QStringLiteral("retrySchedule"));
    m_schedule->setPlaceholderText(QStringLiteral("0,5s,5m,30m,2h,5h,10h,10h"));
    m_schedule->setToolTip(tr("The delay before each retry after a failure (ms, s, m, h); a webhook fails "
                              "for good after the last one"));
    m_maxInFlight->setRange(1, 10'000);
    m_maxPerHost->setRange(1, 1'000);
    m_quarantineFailures->setRange(1, 1'000);
    m_quarantineWindow->setRange(1, 7 * 24 * 60);
    m_quarantineWindow->setSuffix(tr(" min"));
    m_maxPerHost->setToolTip(tr("Webhooks in flight to one origin (scheme, host and port) at once"));
    auto *quarantine = new QHBoxLayout;
    quarantine->addWidget(m_quarantineFailures);
    quarantine->addWidget(new QLabel(tr("failures within"), this));
    quarantine->addWidget(m_quarantineWindow);
    quarantine->addStretch(1);
    retryForm->addRow(tr("Retry schedule:"), m_schedule);
    retryForm->addRow(tr("Webhooks in flight:"), m_maxInFlight);
    retryForm->addRow(tr("Per host:"), m_maxPerHost);
    retryForm->addRow(tr("Quarantine after:"), quarantine);
    setRetryAndLimits(RetryAndLimits::from(DeliverySettings{}));

    auto *email = new QGroupBox(tr("Email to the address on file (quarantine, reactivation, purge)"), this);
    auto *form = new QFormLayout(email);
    m_url->setPlaceholderText(QStringLiteral("smtp://mail.example.com:587 or smtps://mail.example.com:465"));
    m_from->setPlaceholderText(QStringLiteral("status@example.com"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(smtp.password.isEmpty() ? tr("none") : tr("stored (leave empty to keep)"));
    m_clearPassword->setEnabled(!smtp.password.isEmpty());
    m_startTls->addItem(tr("When offered (required once a user is set)"),
                        static_cast<int>(SmtpSettings::StartTls::Opportunistic));
    m_startTls->addItem(tr("Required"), static_cast<int>(SmtpSettings::StartTls::Required));
    m_startTls->addItem(tr("Never (the password goes out in cleartext)"),
                        static_cast<int>(SmtpSettings::StartTls::Never));
    m_startTls->setCurrentIndex(m_startTls->findData(static_cast<int>(smtp.startTls)));
    m_startTls->setToolTip(tr("smtp:// only; smtps:// is TLS from the first byte."));
    m_cleartext->setObjectName(QStringLiteral("cleartextWarning"));
    m_cleartext->setWordWrap(true);
    m_cleartext->setStyleSheet(QStringLiteral("color: #b42318"));
    for (QLineEdit *edit : {m_url, m_from, m_user})
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::updateCleartextWarning);
    connect(m_startTls, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateCleartextWarning);
    form->addRow(tr("SMTP server:"), m_url);
    form->addRow(tr("Sender:"), m_from);
    form->addRow(tr("User (AUTH):"), m_user);
    form->addRow(tr("Password:"), m_password);
    form->addRow(QString(), m_clearPassword);
    form->addRow(tr("STARTTLS:"), m_startTls);
    form->addRow(m_cleartext);
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
    layout->addWidget(retries);
    layout->addWidget(email);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    updateCleartextWarning();
}

void SettingsDialog::updateCleartextWarning()
{
    const QString warning = smtp().cleartextWarning();
    m_cleartext->setText(warning.isEmpty() ? QString() : tr("Warning: %1.").arg(warning));
    m_cleartext->setVisible(!warning.isEmpty());
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
    s.startTls = static_cast<SmtpSettings::StartTls>(m_startTls->currentData().toInt());
    return s;
}

void SettingsDialog::setRetryAndLimits(const RetryAndLimits &limits)
{
    m_schedule->setText(limits.schedule);
    m_maxInFlight->setValue(limits.maxInFlight);
    m_maxPerHost->setValue(limits.maxPerHost);
    m_quarantineFailures->setValue(limits.quarantineFailures);
    m_quarantineWindow->setValue(limits.quarantineWindowMinutes);
}

RetryAndLimits SettingsDialog::retryAndLimits() const
{
    RetryAndLimits r;
    r.schedule = m_schedule->text().trimmed();
    r.maxInFlight = m_maxInFlight->value();
    r.maxPerHost = m_maxPerHost->value();
    r.quarantineFailures = m_quarantineFailures->value();
    r.quarantineWindowMinutes = m_quarantineWindow->value();
    return r;
}

void SettingsDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

} // namespace sd
