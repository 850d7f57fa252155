#pragma once

#include "models/proxysetting.h"
#include "models/smtpsettings.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace sd {

// Page settings (Statuspage's allow_webhook_subscribers switch), how webhooks leave this desk (the proxy,
// shown with its password redacted) and where quarantine emails go (SMTP server, sender, AUTH user and
// password). The password field never shows the stored one: empty keeps it.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    SettingsDialog(bool allowWebhookSubscribers, const ProxySetting &proxy, const SmtpSettings &smtp,
                   QWidget *parent = nullptr);

    bool allowWebhookSubscribers() const;
    // As typed: system, none or a URL (its password may still be the shown ***; ProxySettingsService keeps
    // the stored one then).
    QString proxy() const;
    // The settings as entered; the stored password unless a new one was typed or "clear" was ticked.
    SmtpSettings smtp() const;
    void showError(const QString &text);

    QCheckBox *allowWebhooksBox() const { return m_allowWebhooks; }
    QLineEdit *proxyEdit() const { return m_proxy; }
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *fromEdit() const { return m_from; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *passwordEdit() const { return m_password; }

private:
    SmtpSettings m_stored;
    QCheckBox *m_allowWebhooks;
    QLineEdit *m_proxy;
    QLineEdit *m_url;
    QLineEdit *m_from;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QCheckBox *m_clearPassword;
    QCheckBox *m_requireStartTls;
    QLabel *m_error;
};

} // namespace sd
