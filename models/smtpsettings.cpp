#include "models/smtpsettings.h"

#include "models/settingsrepository.h"
#include "models/validation.h"

#include <QUrl>

namespace sd {
namespace {
// The settings kept as typed, each under its key; load and save go through this one list.
struct TextSetting
{
    const char *key;
    QString SmtpSettings::*member;
};
constexpr TextSetting kTexts[] = {{"smtp.url", &SmtpSettings::url},
                                  {"smtp.from", &SmtpSettings::from},
                                  {"smtp.user", &SmtpSettings::user},
                                  {"smtp.password", &SmtpSettings::password},
                                  {"smtp.ca_file", &SmtpSettings::caFile}};
constexpr QLatin1String kStartTls("smtp.starttls");
constexpr QLatin1String kTimeout("smtp.timeout_ms");
} // namespace

SmtpSettings SmtpSettings::load(SettingsRepository &settings)
{
    SmtpSettings s;
    for (const TextSetting &t : kTexts)
        s.*t.member = settings.value(QLatin1String(t.key));
    s.startTls = parseStartTls(settings.value(kStartTls)).value_or(StartTls::Opportunistic);
    bool ok = false;
    const qint64 timeout = settings.value(kTimeout).toLongLong(&ok);
    if (ok && timeout > 0)
        s.timeoutMs = timeout;
    return s;
}

void SmtpSettings::save(SettingsRepository &settings) const
{
    auto put = [&settings](const QString &key, const QString &value) {
        if (value.isEmpty())
            settings.remove(key);
        else
            settings.setValue(key, value);
    };
    for (const TextSetting &t : kTexts)
        put(QLatin1String(t.key), this->*t.member);
    put(kStartTls, startTls == StartTls::Opportunistic ? QString() : startTlsName(startTls));
    put(kTimeout, timeoutMs == 30'000 ? QString() : QString::number(timeoutMs));
}

QString SmtpSettings::checkUrl(const QString &text)
{
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("smtp") && url.scheme() != QLatin1String("smtps")) ||
        url.host().isEmpty())
        return QStringLiteral("the SMTP URL \"%1\" must look like smtp://host:port or smtps://host:port")
            .arg(url.toDisplayString(QUrl::RemovePassword));
    if (!url.userInfo().isEmpty())
        return QStringLiteral("the SMTP URL must not carry a user or password; use --smtp-user and "
                              "STATUSDESK_SMTP_PASSWORD");
    if (!url.path().isEmpty() && url.path() != QLatin1String("/"))
        return QStringLiteral("the SMTP URL must name only a host and port, not a path");
    return {};
}

QString SmtpSettings::checkFrom(const QString &address)
{
    if (address.isEmpty())
        return {};
    const QString err = validation::checkEmail(address);
    return err.isEmpty() ? QString() : QStringLiteral("the sender address: ") + err;
}

QString SmtpSettings::describe() const
{
    if (!configured())
        return QStringLiteral("not configured (quarantines leave an operator notice only)");
    QString tls = implicitTls()                    ? QStringLiteral("implicit TLS")
                  : startTls == StartTls::Never    ? QStringLiteral("no STARTTLS")
                  : startTls == StartTls::Required ? QStringLiteral("STARTTLS required")
                  : mustStartTls()                 ? QStringLiteral("STARTTLS required for AUTH")
                                                   : QStringLiteral("STARTTLS when offered");
    QString out = QStringLiteral("%1 (%2), from %3").arg(url, tls, from);
    out += user.isEmpty() ? QStringLiteral(", no AUTH") : QStringLiteral(", user ") + user;
    out += password.isEmpty() ? QStringLiteral(", no password") : QStringLiteral(", password set");
    if (const QString warning = cleartextWarning(); !warning.isEmpty())
        out += QStringLiteral(". WARNING: ") + warning;
    return out;
}

QString SmtpSettings::cleartextWarning() const
{
    if (!configured() || implicitTls() || startTls != StartTls::Never || user.isEmpty())
        return {};
    return QStringLiteral("the SMTP password of user %1 goes to %2 in cleartext (--smtp-starttls never): "
                          "anyone on the path can read it")
        .arg(user, url);
}

QString SmtpSettings::startTlsName(StartTls mode)
{
    switch (mode) {
    case StartTls::Required:
        return QStringLiteral("required");
    case StartTls::Never:
        return QStringLiteral("never");
    case StartTls::Opportunistic:
        break;
    }
    return QStringLiteral("opportunistic");
}

std::optional<SmtpSettings::StartTls> SmtpSettings::parseStartTls(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String("opportunistic"))
        return StartTls::Opportunistic;
    if (name == QLatin1String("required"))
        return StartTls::Required;
    if (name == QLatin1String("never"))
        return StartTls::Never;
    return std::nullopt;
}

} // namespace sd
