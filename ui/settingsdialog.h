#pragma once

#include "app/services/deliverysettingsservice.h"
#include "models/proxysetting.h"
#include "models/smtpsettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sd {

// Page settings (Statuspage's allow_webhook_subscribers switch), how webhooks leave this desk (the proxy,
// shown with its password redacted) and where quarantine emails go (SMTP server, sender, AUTH user and
// password), and how webhooks are retried and capped (retry schedule, in-flight and per-host caps, the
// quarantine threshold). The password field never shows the stored one: empty keeps it.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    SettingsDialog(bool allowWebhookSubscribers, const ProxySetting &proxy, const SmtpSettings &smtp,
                   QWidget *parent = nullptr);

    bool allowWebhookSubscribers() const;
    // As typed: system, none or a URL (its password may still be the shown ***;
    // DeliverySettingsService::saveProxy keeps the stored one then).
    QString proxy() const;
    // The settings as entered; the stored password unless a new one was typed or "clear" was ticked.
    SmtpSettings smtp() const;
    void showError(const QString &text);
    void setRetryAndLimits(const RetryAndLimits &limits);
    RetryAndLimits retryAndLimits() const;

    QCheckBox *allowWebhooksBox() const { return m_allowWebhooks; }
    QLineEdit *proxyEdit() const { return m_proxy; }
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *fromEdit() const { return m_from; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *passwordEdit() const { return m_password; }
    QComboBox *startTlsBox() const { return m_startTls; }
    QLabel *cleartextWarning() const { return m_cleartext; }
    QLineEdit *scheduleEdit() const { return m_schedule; }
    QSpinBox *maxInFlightBox() const { return m_maxInFlight; }
    QSpinBox *maxPerHostBox() const { return m_maxPerHost; }
    QSpinBox *quarantineFailuresBox() const { return m_quarantineFailures; }
    QSpinBox *quarantineWindowBox() const { return m_quarantineWindow; }

private:
    void updateCleartextWarning();

    SmtpSettings m_stored;
    QCheckBox *m_allowWebhooks;
    QLineEdit *m_proxy;
    QLineEdit *m_url;
    QLineEdit *m_from;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QCheckBox *m_clearPassword;
    QComboBox *m_startTls; // data: SmtpSettings::StartTls
    QLabel *m_cleartext;   // shown while the choices would send the password in cleartext
    QLineEdit *m_schedule;
    QSpinBox *m_maxInFlight;
    QSpinBox *m_maxPerHost;
    QSpinBox *m_quarantineFailures;
    QSpinBox *m_quarantineWindow;
    QLabel *m_error;
};

} // namespace sd
