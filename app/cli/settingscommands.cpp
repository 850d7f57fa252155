#include "app/cli/cli.h"
#include "app/delivery/trustedcas.h"
#include "app/services/emailsettingsservice.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/smtpsettings.h"

#include <QFileInfo>
#include <QJsonObject>

namespace sd::cli {
namespace {

// "Delivery settings: timeout ms 30000 → 5000; max per host 6 → 2"; empty when nothing differs.
QString settingsChange(const DeliverySettings &before, const DeliverySettings &after)
{
    QStringList changes;
    auto note = [&changes](const char *name, const QString &from, const QString &to) {
        if (from != to)
            changes << QStringLiteral("%1 %2 → %3").arg(QLatin1String(name), from, to);
    };
    note("retry schedule", DeliverySettings::formatSchedule(before.retryScheduleMs),
         DeliverySettings::formatSchedule(after.retryScheduleMs));
    note("jitter", QString::number(before.jitter), QString::number(after.jitter));
    note("timeout ms", QString::number(before.timeoutMs), QString::number(after.timeoutMs));
    note("min backoff ms", QString::number(before.minBackoffSlowMs), QString::number(after.minBackoffSlowMs));
    note("max in flight", QString::number(before.maxInFlight), QString::number(after.maxInFlight));
    note("max per host", QString::number(before.maxPerHost), QString::number(after.maxPerHost));
    note("refuse private targets", QLatin1String(before.refusePrivateTargets ? "on" : "off"),
         QLatin1String(after.refusePrivateTargets ? "on" : "off"));
    note("extra CA file", before.caFile, after.caFile);
    // Shown redacted: a new password alone is said, never shown.
    note("proxy", before.proxy.redacted(),
         after.proxy.redacted() +
             (before.proxy != after.proxy && before.proxy.redacted() == after.proxy.redacted()
                  ? QStringLiteral(" (new password)")
                  : QString()));
    return changes.isEmpty() ? QString()
                             : QStringLiteral("Delivery settings: ") + changes.join(QStringLiteral("; "));
}

// --smtp-url, --smtp-from, --smtp-user, --smtp-starttls, --smtp-ca-file; the password comes from
// STATUSDESK_SMTP_PASSWORD (never an option: it would sit in shell history and `ps`). True when anything
// changed.
Result<bool> smtpOptions(const QCommandLineParser &parser, SmtpSettings &smtp)
{
    bool changed = false;
    if (parser.isSet(QStringLiteral("smtp-url"))) {
        const QString url = parser.value(QStringLiteral("smtp-url")).trimmed();
        if (const QString err = SmtpSettings::checkUrl(url); !err.isEmpty())
            return Error{err};
        smtp.url = url;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("smtp-from"))) {
        const QString from = parser.value(QStringLiteral("smtp-from")).trimmed();
        if (const QString err = SmtpSettings::checkFrom(from); !err.isEmpty())
            return Error{err};
        smtp.from = from;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("smtp-user"))) {
        smtp.user = parser.value(QStringLiteral("smtp-user")).trimmed();
        changed = true;
    }
    if (parser.isSet(QStringLiteral("smtp-starttls"))) {
        const auto mode = SmtpSettings::parseStartTls(parser.value(QStringLiteral("smtp-starttls")));
        if (!mode)
            return Error{QStringLiteral("--smtp-starttls must be required, opportunistic or never")};
        smtp.startTls = *mode;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("smtp-ca-file"))) {
        QString path = parser.value(QStringLiteral("smtp-ca-file"));
        if (!path.isEmpty()) {
            path = QFileInfo(path).absoluteFilePath();
            if (auto cas = trustedcas::load(path); !cas)
                return Error{cas.error()};
        }
        smtp.caFile = path;
        changed = true;
    }
    if (changed && qEnvironmentVariableIsSet("STATUSDESK_SMTP_PASSWORD")) {
        smtp.password = qEnvironmentVariable("STATUSDESK_SMTP_PASSWORD");
        changed = true;
    }
    if (changed && !smtp.url.isEmpty() && smtp.from.isEmpty())
        return Error{QStringLiteral("an SMTP server needs a sender address too: add --smtp-from ADDRESS")};
    return changed;
}

int settings(Context &ctx, const QCommandLineParser &parser, const QStringList &)
{
    DeliverySettings s = DeliverySettings::load(ctx.store->settings);
    bool changed = false;
    if (parser.isSet(QStringLiteral("retry-schedule"))) {
        if (!DeliverySettings::parseSchedule(parser.value(QStringLiteral("retry-schedule")),
                                             &s.retryScheduleMs))
            return ctx.fail(
                QStringLiteral("--retry-schedule must be a comma-separated list of delays such as "
                               "0,5s,5m,30m,2h,5h,10h,10h"));
        changed = true;
    }
    auto number = [&](const char *name, auto &field, qint64 min, qint64 max) -> bool {
        if (!parser.isSet(QLatin1String(name)))
            return true;
        bool ok = false;
        const qint64 v = parser.value(QLatin1String(name)).toLongLong(&ok);
        if (!ok || v < min || v > max) {
            ctx.fail(QStringLiteral("--%1 must be a whole number from %2 to %3")
                         .arg(QLatin1String(name))
                         .arg(min)
                         .arg(max));
            return false;
        }
        field = static_cast<std::remove_reference_t<decltype(field)>>(v);
        changed = true;
        return true;
    };
    if (!number("timeout-ms", s.timeoutMs, 100, 600'000) ||
        !number("max-in-flight", s.maxInFlight, 1, 10'000) ||
        !number("max-per-host", s.maxPerHost, 1, 1'000) ||
        !number("min-backoff-ms", s.minBackoffSlowMs, 0, 86'400'000))
        return 1;
    if (parser.isSet(QStringLiteral("jitter"))) {
        bool ok = false;
        const double j = parser.value(QStringLiteral("jitter")).toDouble(&ok);
        if (!ok || j < 0 || j >= 1)
            return ctx.fail(QStringLiteral("--jitter must be a fraction from 0 to below 1, such as 0.2"));
        s.jitter = j;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("refuse-private-targets"))) {
        const QString v = parser.value(QStringLiteral("refuse-private-targets"));
        if (v != QLatin1String("on") && v != QLatin1String("off"))
            return ctx.fail(QStringLiteral("--refuse-private-targets must be on or off"));
        s.refusePrivateTargets = v == QLatin1String("on");
        changed = true;
    }
    if (parser.isSet(QStringLiteral("ca-file"))) {
        QString path = parser.value(QStringLiteral("ca-file"));
        if (!path.isEmpty()) {
            // Checked now, so a typo is named here rather than as a handshake failure at 3 a.m.
            path = QFileInfo(path).absoluteFilePath();
            if (auto cas = trustedcas::load(path); !cas)
                return ctx.fail(cas.error());
        }
        s.caFile = path;
        changed = true;
    }
    if (parser.isSet(QStringLiteral("proxy"))) {
        const auto proxy = ProxySetting::parse(parser.value(QStringLiteral("proxy")));
        if (!proxy)
            return ctx.fail(proxy.error());
        s.proxy = proxy.value();
        changed = true;
    }
    SmtpSettings smtp = SmtpSettings::load(ctx.store->settings);
    const auto smtpChanged = smtpOptions(parser, smtp);
    if (!smtpChanged)
        return ctx.fail(smtpChanged.error());
    if (changed || smtpChanged.value()) {
        // The new values and their audit row commit together.
        ServiceContext services = ctx.services();
        auto saved = inTransaction(*ctx.store, [&]() -> Result<Ok> {
            const DeliverySettings before = DeliverySettings::load(ctx.store->settings);
            const SmtpSettings smtpBefore = SmtpSettings::load(ctx.store->settings);
            s.save(ctx.store->settings);
            smtp.save(ctx.store->settings);
            QStringList details;
            if (const QString detail = settingsChange(before, s); !detail.isEmpty())
                details << detail;
            // Described, never the password itself.
            if (smtpBefore.describe() != smtp.describe() || smtpBefore.password != smtp.password)
                details << QStringLiteral("Email: ") + smtp.describe() +
                               (smtpBefore.password != smtp.password && !smtp.password.isEmpty()
                                    ? QStringLiteral(" (new password)")
                                    : QString());
            EmailSettingsService::noticeIfCleartext(services, smtpBefore, smtp);
            if (!details.isEmpty())
                services.audit(QStringLiteral("settings.set"), QStringLiteral("settings"), QString(),
                               details.join(QStringLiteral("; ")));
            return Ok{};
        });
        if (!saved)
            return ctx.fail(saved.error());
    }
    if (ctx.json) {
        ctx.printJson(QJsonObject{
            {QStringLiteral("retry_schedule"), DeliverySettings::formatSchedule(s.retryScheduleMs)},
            {QStringLiteral("jitter"), s.jitter},
            {QStringLiteral("timeout_ms"), s.timeoutMs},
            {QStringLiteral("min_backoff_ms"), s.minBackoffSlowMs},
            {QStringLiteral("max_in_flight"), s.maxInFlight},
            {QStringLiteral("max_per_host"), s.maxPerHost},
            {QStringLiteral("refuse_private_targets"), s.refusePrivateTargets},
            {QStringLiteral("ca_file"), s.caFile},
            {QStringLiteral("proxy"), s.proxy.redacted()},
            {QStringLiteral("smtp_url"), smtp.url},
            {QStringLiteral("smtp_from"), smtp.from},
            {QStringLiteral("smtp_user"), smtp.user},
            {QStringLiteral("smtp_password_set"), !smtp.password.isEmpty()},
            {QStringLiteral("smtp_starttls"), SmtpSettings::startTlsName(smtp.startTls)},
            {QStringLiteral("smtp_cleartext_warning"), smtp.cleartextWarning()},
            {QStringLiteral("smtp_ca_file"), smtp.caFile}});
        return 0;
    }
    ctx.out << "retry schedule: " << DeliverySettings::formatSchedule(s.retryScheduleMs) << '\n'
            << "jitter:         " << s.jitter << '\n'
            << "timeout:        " << s.timeoutMs << " ms\n"
            << "min backoff:    " << s.minBackoffSlowMs << " ms (429 and timeouts)\n"
            << "max in flight:  " << s.maxInFlight << '\n'
            << "max per host:   " << s.maxPerHost << '\n'
            << "refuse private targets: " << (s.refusePrivateTargets ? "on" : "off")
            << " (link-local, metadata, unspecified and multicast targets are always refused)\n"
            << "extra CAs:      "
            << (s.caFile.isEmpty() ? QStringLiteral("none (system CAs only)") : s.caFile) << '\n'
            << "proxy:          " << s.proxy.redacted()
            << (s.proxy.kind == ProxySetting::Kind::System ? " (https_proxy, http_proxy, no_proxy)" : "")
            << '\n'
            << "email (SMTP):   " << smtp.describe() << Qt::endl;
    return 0;
}

} // namespace

void addSettingsCommands(std::vector<Command> &out)
{
    out.push_back(
        {QStringLiteral("settings"),
         QStringLiteral("Show or change delivery settings."),
         {},
         {opt("retry-schedule", "Delays, e.g. 0,5s,5m,30m,2h,5h,10h,10h.", "LIST"),
          opt("timeout-ms", "Whole-attempt deadline.", "MS"), opt("max-in-flight", "Global cap.", "N"),
          opt("max-per-host", "Per-origin cap.", "N"),
          opt("min-backoff-ms", "Floor for 429 and timeouts.", "MS"),
          opt("jitter", "Fraction, e.g. 0.2.", "F"),
          opt("refuse-private-targets", "on: also refuse loopback and private addresses as webhook targets.",
              "on|off"),
          opt("ca-file", "PEM file of CAs trusted for HTTPS endpoints beside the system's; \"\" clears.",
              "FILE"),
          opt("proxy",
              "How webhooks leave: system (https_proxy/http_proxy/no_proxy, the default), none, or "
              "http://[user:password@]host:port. Through a proxy the target policy checks the name as this "
              "desk resolves it; the proxy makes the connection.",
              "PROXY"),
          opt("smtp-url",
              "Mail server for quarantine emails: smtp://host:port (STARTTLS) or smtps://host:port "
              "(implicit TLS); \"\" turns email off. Password: STATUSDESK_SMTP_PASSWORD.",
              "URL"),
          opt("smtp-from", "Sender address of those emails.", "ADDRESS"),
          opt("smtp-user", "AUTH user (PLAIN or LOGIN); \"\" for none.", "USER"),
          opt("smtp-starttls",
              "With smtp://: required, opportunistic (the default; required once a user is set, so the "
              "password never goes out in cleartext) or never (sends the password in cleartext; warned).",
              "MODE"),
          opt("smtp-ca-file", "PEM file of CAs trusted for the mail server beside the system's.", "FILE")},
         false,
         settings});
}

} // namespace sd::cli
