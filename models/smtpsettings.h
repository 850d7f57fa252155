#pragma once

#include <QString>
#include <optional>

namespace sd {

class SettingsRepository;

// Where quarantine, reactivation and purge emails go out: kept in the settings table like the other delivery
// knobs. The password is a secret: stored there (the database file is owner-only) and never printed; listings
// say only whether one is set.
struct SmtpSettings
{
    // With a user set, Opportunistic behaves as Required: the password never goes out in cleartext. Only
    // Never (the operator's explicit choice, warned about) sends AUTH over a plain connection.
    enum class StartTls
    {
        Opportunistic,
        Required,
        Never
    };

    QString url;  // smtp://host:port (STARTTLS as below) or smtps://host:port (implicit TLS); empty: no email
    QString from; // envelope sender and From: address
    QString user; // AUTH PLAIN/LOGIN user; empty: no AUTH
    QString password;
    StartTls startTls = StartTls::Opportunistic; // smtp:// only
    QString caFile; // PEM file of CAs trusted for the mail server beside the system's; empty: system only
    qint64 timeoutMs = 30'000; // whole conversation

    // Without a URL and a sender nothing is emailed: quarantines leave their operator notice, as before.
    bool configured() const { return !url.isEmpty() && !from.isEmpty(); }
    bool implicitTls() const { return url.startsWith(QLatin1String("smtps://")); }
    // STARTTLS must succeed before anything is sent: required, or opportunistic with AUTH to protect.
    bool mustStartTls() const
    {
        return !implicitTls() &&
               (startTls == StartTls::Required || (startTls == StartTls::Opportunistic && !user.isEmpty()));
    }
    // One sentence when the password would go out in cleartext (AUTH with --smtp-starttls never), else empty.
    QString cleartextWarning() const;
    static QString startTlsName(StartTls mode); // "opportunistic", "required", "never"
    static std::optional<StartTls> parseStartTls(const QString &name);

    static SmtpSettings load(SettingsRepository &settings);
    void save(SettingsRepository &settings) const;

    // One sentence naming the problem, or empty.
    static QString checkUrl(const QString &url);
    static QString checkFrom(const QString &address);
    // "smtp://mail.example:587 (STARTTLS when offered), from desk@example, user desk, password set".
    QString describe() const;
};

} // namespace sd
