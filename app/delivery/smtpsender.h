#pragma once

#include "models/domain.h"
#include "models/smtpsettings.h"

#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>

namespace sd {

// One email to send: the stored RFC 5322 bytes and the envelope.
struct EmailJob
{
    QString messageId;
    QString subscriberId;
    QString recipient;
    QByteArray bytes;
    int attemptNumber = 1;
    AttemptTrigger trigger = AttemptTrigger::Automatic;
    QString actor;
    SmtpSettings smtp;
};

class SmtpWorker;

// Sends emails with libcurl's SMTP (STARTTLS or implicit TLS, AUTH PLAIN/LOGIN, a whole-conversation timeout)
// in a thread of its own, one conversation at a time, so neither the UI thread nor the delivery engine's
// network thread ever waits on a mail server. finished() arrives in the owner's thread with the attempt as it
// is recorded: http_status holds the SMTP reply code, error_class names transport failures like a webhook's
// (dns, refused, tls, timeout) or auth, smtp_4xx, smtp_5xx.
class SmtpSender final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmtpSender)

public:
    explicit SmtpSender(QObject *parent = nullptr);
    ~SmtpSender() override; // abandons a conversation under way (the message stays sending: sent again later)

    void send(const EmailJob &job);
    int inFlight() const { return m_inFlight; }

Q_SIGNALS:
    void finished(const sd::Attempt &attempt);

private:
    QThread m_thread;
    SmtpWorker *m_worker = nullptr; // lives in m_thread, deleted when it ends
    std::shared_ptr<std::atomic_bool> m_abort;
    int m_inFlight = 0;
};

// The blocking part, for SmtpSender's thread (and tests): one SMTP conversation, returned as an attempt.
Attempt sendEmailNow(const EmailJob &job, const std::atomic_bool *abort = nullptr);

} // namespace sd
