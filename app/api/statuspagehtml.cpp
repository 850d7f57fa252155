#include "app/api/statuspagehtml.h"

#include "app/api/htmlescape.h"
#include "app/api/publicstatusapi.h"
#include "models/uptime.h"
#include "models/values.h"

#include <QCryptographicHash>
#include <QTimeZone>

namespace sd::api {
namespace {

using web::escape;

constexpr int kHistoryDays = 90;

// One block, allowed by its hash in the CSP; responsive without media-query tricks beyond one breakpoint.
const QString &css()
{
    static const QString text = QStringLiteral(
        "*{box-sizing:border-box}"
        "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
        "color:#333;background:#f7f8fa;line-height:1.45}"
        "main{max-width:52rem;margin:0 auto;padding:1rem}"
        "h1{font-size:1.6rem;margin:.5rem 0 1rem;word-wrap:break-word}"
        "h2{font-size:1.15rem;margin:1.6rem 0 .6rem}"
        "h3{font-size:1rem;margin:0;padding:.6rem .9rem;background:#eef0f3}"
        ".banner{padding:1rem 1.1rem;border-radius:6px;color:#fff;font-size:1.2rem;font-weight:600}"
        ".ind-none{background:#2fcc66}.ind-minor{background:#f1c40f;color:#222}.ind-major{background:#e67e22}"
        ".ind-critical{background:#e74c3c}.ind-maintenance{background:#3498db}"
        ".box{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:.6rem 0;overflow:hidden}"
        ".row{display:flex;justify-content:space-between;gap:.6rem;padding:.6rem .9rem;"
        "border-top:1px solid #eef0f3;flex-wrap:wrap}"
        ".row:first-child{border-top:0}.name{font-weight:500;word-break:break-word}"
        ".desc{display:block;font-weight:400;font-size:.85rem;color:#666}"
        ".st{font-size:.9rem;white-space:nowrap}"
        ".s-operational{color:#2fcc66}.s-degraded_performance{color:#b8860b}.s-partial_outage{color:#e67e22}"
        ".s-major_outage{color:#e74c3c}.s-under_maintenance{color:#3498db}"
        ".inc{padding:.7rem .9rem}.inc h3{background:none;padding:0 0 .3rem}"
        ".imp-minor h3{color:#b8860b}.imp-major h3{color:#e67e22}.imp-critical h3{color:#e74c3c}"
        ".imp-maintenance h3{color:#3498db}"
        ".upd{margin:.4rem 0 0;word-wrap:break-word}.upd small,.muted{color:#777}"
        ".bars{display:flex;gap:1px;height:2.2rem;margin:.4rem 0}"
        ".bars span{flex:1;border-radius:1px}"
        ".d-operational{background:#2fcc66}.d-degraded_performance{background:#f1c40f}"
        ".d-partial_outage{background:#e67e22}.d-major_outage{background:#e74c3c}"
        ".d-under_maintenance{background:#3498db}.d-nodata{background:#c5cad1}"
        ".cbars{height:1.6rem;margin:.1rem .9rem 0}.clegend{margin:0 .9rem .5rem}"
        ".legend{display:flex;justify-content:space-between;font-size:.8rem;color:#777}"
        "form{padding:.9rem}label{display:block;margin:.5rem 0}"
        "input[type=url],input[type=email]{width:100%;padding:.5rem;font-size:1rem;border:1px solid #c5cad1;"
        "border-radius:4px}"
        "fieldset{border:1px solid #dde1e6;border-radius:4px;margin:.6rem 0}"
        "fieldset label{display:inline-block;margin:.2rem 1rem .2rem 0}"
        "button{font-size:1rem;padding:.55rem "
        "1.2rem;border:0;border-radius:4px;background:#2c7be5;color:#fff}"
        "footer{margin:2rem 0 1rem;font-size:.85rem;color:#777}footer a{color:#2c7be5}"
        "@media (max-width:480px){main{padding:.6rem}h1{font-size:1.3rem}.banner{font-size:1.05rem}"
        ".bars{height:1.6rem;gap:0}}");
    return text;
}

QString head(const QString &title, int refreshSeconds)
{
    QString refresh;
    if (refreshSeconds > 0)
        refresh = QStringLiteral("<meta http-equiv=\"refresh\" content=\"%1\">").arg(refreshSeconds);
    return QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">%1"
                          "<title>%2</title><link rel=\"icon\" href=\"data:,\">"
                          "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/history.rss\">"
                          "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/history.atom\">"
                          "<style>%3</style></head>\n<body><main>\n")
        .arg(refresh, escape(title), css());
}

QString label(ComponentStatus s)
{
    switch (s) {
    case ComponentStatus::Operational:
        return QStringLiteral("Operational");
    case ComponentStatus::UnderMaintenance:
        return QStringLiteral("Under Maintenance");
    case ComponentStatus::DegradedPerformance:
        return QStringLiteral("Degraded Performance");
    case ComponentStatus::PartialOutage:
        return QStringLiteral("Partial Outage");
    case ComponentStatus::MajorOutage:
        return QStringLiteral("Major Outage");
    }
    return {};
}

QString label(IncidentStatus s)
{
    QString t = toString(s).replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!t.isEmpty())
        t[0] = t[0].toUpper();
    return t;
}

QString when(const QDateTime &t, const QTimeZone &zone)
{
    if (!t.isValid())
        return {};
    return t.toTimeZone(zone).toString(QStringLiteral("MMM d, yyyy HH:mm ")) + zone.abbreviation(t).left(8);
}

QString incidentBlock(const Incident &i, const QTimeZone &zone, bool withAnchor)
{
    QString out = QStringLiteral("<div class=\"box inc imp-%1\"%2><h3>%3</h3>")
                      .arg(escape(toString(i.impact)),
                           withAnchor ? QStringLiteral(" id=\"incident-%1\"").arg(escape(i.id)) : QString(),
                           escape(i.name));
    if (isMaintenance(i) && i.scheduledFor.isValid())
        out += QStringLiteral("<p class=\"upd muted\">Scheduled for %1 – %2</p>")
                   .arg(escape(when(i.scheduledFor, zone)), escape(when(i.scheduledUntil, zone)));
    for (const IncidentUpdate &u : i.updates) {
        out += QStringLiteral("<p class=\"upd\"><strong>%1</strong> - %2<br><small>%3</small></p>")
                   .arg(escape(label(u.status)), escape(u.body), escape(when(u.createdAt, zone)));
    }
    out += QStringLiteral("</div>\n");
    return out;
}

// One bar per day, oldest on the left: the day's worst status (from the component history, so a partial
// outage without an incident shows too) and, in the title, its minutes of outage and maintenance.
QString dayStrip(const std::vector<uptime::Day> &days, const QString &extraClass,
                 const QHash<QDate, QStringList> &incidentNames = {})
{
    QString out = QStringLiteral("<div class=\"bars%1\">").arg(extraClass);
    for (const uptime::Day &d : days) {
        const uptime::Figures &f = d.figures;
        QStringList parts;
        if (f.majorOutageSeconds > 0)
            parts << QStringLiteral("%1 major outage").arg(uptime::durationText(f.majorOutageSeconds));
        if (f.partialOutageSeconds > 0)
            parts << QStringLiteral("%1 partial outage").arg(uptime::durationText(f.partialOutageSeconds));
        if (f.degradedSeconds > 0)
            parts << QStringLiteral("%1 degraded performance").arg(uptime::durationText(f.degradedSeconds));
        if (f.maintenanceSeconds > 0)
            parts << QStringLiteral("%1 maintenance").arg(uptime::durationText(f.maintenanceSeconds));
        QString tip = d.date.toString(QStringLiteral("MMM d")) + QStringLiteral(": ");
        if (!d.hasData)
            tip += QStringLiteral("No data");
        else
            tip += parts.isEmpty() ? QStringLiteral("No downtime") : parts.join(QStringLiteral(", "));
        const QStringList names = incidentNames.value(d.date);
        if (!names.isEmpty())
            tip += QStringLiteral(" · ") + names.join(QStringLiteral("; "));
        out += QStringLiteral("<span class=\"d-%1\" title=\"%2\"></span>")
                   .arg(d.hasData ? escape(toString(f.worst)) : QStringLiteral("nodata"), escape(tip));
    }
    return out + QStringLiteral("</div>");
}

QString componentsSection(const PublicSnapshot &s)
{
    QString out = QStringLiteral("<h2>Components</h2>\n");
    if (s.components.empty())
        return out + QStringLiteral("<p class=\"muted\">No components yet.</p>\n");
    QString currentGroup = QStringLiteral("\x01"); // no group open yet
    bool open = false;
    for (const Component &c : s.components) {
        // As on Statuspage: such a component appears only while it is not operational.
        if (c.onlyShowIfDegraded && c.status == ComponentStatus::Operational)
            continue;
        if (c.groupId != currentGroup) {
            if (open)
                out += QStringLiteral("</div>\n");
            currentGroup = c.groupId;
            out += QStringLiteral("<div class=\"box\">");
            open = true;
            if (!c.groupId.isEmpty()) {
                QString name = c.groupId;
                for (const ComponentGroup &g : s.groups) {
                    if (g.id == c.groupId)
                        name = g.name;
                }
                out += QStringLiteral("<h3>%1</h3>").arg(escape(name));
            }
        }
        const QString desc =
            c.description.isEmpty()
                ? QString()
                : QStringLiteral("<span class=\"desc\">%1</span>").arg(escape(c.description));
        out += QStringLiteral("<div class=\"row\"><span class=\"name\">%1%2</span>"
                              "<span class=\"st s-%3\">● %4</span></div>")
                   .arg(escape(c.name), desc, escape(toString(c.status)), escape(label(c.status)));
        if (const auto h = s.componentHistory.constFind(c.id); h != s.componentHistory.cend())
            out += dayStrip(h->days, QStringLiteral(" cbars")) +
                   QStringLiteral(
                       "<div class=\"legend clegend\"><span>%1 days ago</span><span>%2 % uptime</span>"
                       "<span>Today</span></div>")
                       .arg(kHistoryDays)
                       .arg(QString::number(h->uptimePercentage, 'f', 2));
    }
    if (open)
        out += QStringLiteral("</div>\n");
    return out;
}

QString historySection(const PublicSnapshot &s, const QTimeZone &zone)
{
    const QDate today = s.now.toTimeZone(zone).date();
    const QDate first = today.addDays(-(kHistoryDays - 1));
    // Each day's incidents by name, for the titles; the colours come from the component history.
    QHash<QDate, QStringList> names;
    for (const Incident &i : s.incidents) {
        if (isUpcomingMaintenance(i))
            continue; // not started yet
        const QDateTime start = isMaintenance(i) && i.scheduledFor.isValid()
                                    ? i.scheduledFor
                                    : (i.startedAt.isValid() ? i.startedAt : i.createdAt);
        QDate to = today;
        if (i.resolvedAt.isValid())
            to = i.resolvedAt.toTimeZone(zone).date();
        for (QDate d = std::max(first, start.toTimeZone(zone).date()); d <= to; d = d.addDays(1))
            names[d] << i.name;
    }
    QString bars = dayStrip(s.pageDays, QString(), names);
    bars += QStringLiteral("<div class=\"legend\"><span>%1 days ago</span><span>Today</span></div>\n")
                .arg(kHistoryDays);

    QString list;
    QDate shownDay;
    for (const Incident &i : s.incidents) { // newest first
        const QDate day = i.createdAt.toTimeZone(zone).date();
        if (day < first || isUpcomingMaintenance(i))
            continue;
        if (day != shownDay) {
            list += QStringLiteral("<h3 class=\"muted\">%1</h3>\n")
                        .arg(escape(day.toString(QStringLiteral("MMMM d, yyyy"))));
            shownDay = day;
        }
        list += incidentBlock(i, zone, true);
    }
    if (list.isEmpty())
        list = QStringLiteral("<p class=\"muted\">No incidents reported in the last %1 days.</p>\n")
                   .arg(kHistoryDays);
    return QStringLiteral("<h2>Past %1 days</h2>\n").arg(kHistoryDays) + bars + list;
}

QString subscribeSection(const PublicSnapshot &s, const SubscribeFormView &form)
{
    if (!form.webhooksAllowed)
        return {};
    QString boxes;
    for (const Component &c : s.components) {
        boxes += QStringLiteral("<label><input type=\"checkbox\" name=\"component\" value=\"%1\"> %2</label>")
                     .arg(escape(c.id), escape(c.name));
    }
    if (!boxes.isEmpty())
        boxes = QStringLiteral("<fieldset><legend>Only these components (none ticked: everything)</legend>%1"
                               "</fieldset>")
                    .arg(boxes);
    return QStringLiteral(
               "<h2 id=\"subscribe\">Subscribe with a webhook</h2>\n<div class=\"box\">"
               "<form method=\"post\" action=\"/subscribe\">"
               "<input type=\"hidden\" name=\"csrf\" value=\"%1\">"
               "<label>Webhook URL<input type=\"url\" name=\"endpoint\" required maxlength=\"2000\" "
               "placeholder=\"https://example.com/statuspage-hook\"></label>"
               "<label>Email for delivery problems<input type=\"email\" name=\"email\" required "
               "maxlength=\"255\"></label>%2"
               "<p class=\"muted\">Your endpoint receives a test webhook first; it is subscribed only if it "
               "answers with a 2xx status.</p><button type=\"submit\">Subscribe</button></form></div>\n")
        .arg(escape(form.csrfToken), boxes);
}

} // namespace

QString indicatorColour(const QString &indicator)
{
    if (indicator == QLatin1String("minor"))
        return QStringLiteral("#f1c40f");
    if (indicator == QLatin1String("major"))
        return QStringLiteral("#e67e22");
    if (indicator == QLatin1String("critical"))
        return QStringLiteral("#e74c3c");
    if (indicator == QLatin1String("maintenance"))
        return QStringLiteral("#3498db");
    return QStringLiteral("#2fcc66");
}

QByteArray statusPageCsp()
{
    static const QByteArray policy =
        QByteArrayLiteral("default-src 'none'; style-src 'sha256-") +
        QCryptographicHash::hash(css().toUtf8(), QCryptographicHash::Sha256).toBase64() +
        QByteArrayLiteral("'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    return policy;
}

QString renderStatusPage(const PublicSnapshot &s, const SubscribeFormView &form)
{
    const QTimeZone zone = QTimeZone(s.page.timeZone.toUtf8()).isValid() ? QTimeZone(s.page.timeZone.toUtf8())
                                                                         : QTimeZone::utc();
    QString out = head(s.page.name + QStringLiteral(" Status"), 0);
    out += QStringLiteral("<h1>%1</h1>\n<div class=\"banner ind-%2\" id=\"indicator\">%3</div>\n")
               .arg(escape(s.page.name), escape(s.status.indicator), escape(s.status.description));

    QString active;
    for (const Incident &i : s.incidents) {
        if (isUnresolvedIncident(i))
            active += incidentBlock(i, zone, false);
    }
    if (!active.isEmpty())
        out += QStringLiteral("<h2>Active incidents</h2>\n") + active;

    QString maintenance;
    for (const Incident &i : s.incidents) {
        if (isActiveMaintenance(i))
            maintenance += incidentBlock(i, zone, false);
    }
    for (const Incident &i : s.incidents) {
        if (isUpcomingMaintenance(i))
            maintenance += incidentBlock(i, zone, false);
    }
    if (!maintenance.isEmpty())
        out += QStringLiteral("<h2>Scheduled maintenance</h2>\n") + maintenance;

    out += componentsSection(s);
    out += historySection(s, zone);
    out += subscribeSection(s, form);
    out += QStringLiteral("<footer>Times in %1. <a href=\"/history.rss\">RSS</a> · "
                          "<a href=\"/history.atom\">Atom</a> · <a href=\"/api/v2/summary.json\">API</a>"
                          "</footer>\n</main></body></html>\n")
               .arg(escape(zone.id().isEmpty() ? QStringLiteral("UTC") : QString::fromUtf8(zone.id())));
    return out;
}

QString renderNoticePage(const QString &pageName, const QString &title, const QString &paragraph,
                         int refreshSeconds)
{
    return head(title + QStringLiteral(" - ") + pageName, refreshSeconds) +
           QStringLiteral("<h1>%1</h1>\n<div class=\"box inc\"><p>%2</p><p><a href=\"/\">Back to the status "
                          "page</a></p></div>\n</main></body></html>\n")
               .arg(escape(title), escape(paragraph));
}

} // namespace sd::api
