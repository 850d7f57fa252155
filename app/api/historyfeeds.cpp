#include "app/api/historyfeeds.h"

#include "app/api/htmlescape.h"
#include "app/api/publicstatusapi.h"
#include "models/values.h"

#include <QLocale>
#include <QTimeZone>

namespace sd::api {
namespace {

constexpr int kFeedItems = 50;

using web::escape;

QString pageLink(const PublicSnapshot &s)
{
    return s.page.url.isEmpty() ? QStringLiteral("/") : s.page.url;
}

QString incidentLink(const PublicSnapshot &s, const Incident &i)
{
    return pageLink(s) + QStringLiteral("#incident-") + i.id;
}

// The updates of an incident as HTML (escaped once here; the feed escapes that HTML again as text).
QString updatesHtml(const Incident &i)
{
    QString html;
    for (const IncidentUpdate &u : i.updates) {
        html += QStringLiteral("<p><small>%1</small><br><strong>%2</strong> - %3</p>")
                    .arg(escape(u.createdAt.toUTC().toString(QStringLiteral("MMM d, HH:mm 'UTC'"))),
                         escape(toString(u.status)), escape(u.body));
    }
    return html;
}

QString rfc822(const QDateTime &t)
{
    return QLocale::c().toString(t.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")) +
           QStringLiteral(" +0000");
}

QString rfc3339(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODate);
}

QDateTime stamp(const Incident &i)
{
    return i.updatedAt.isValid() ? i.updatedAt : i.createdAt;
}

} // namespace

QByteArray historyRss(const PublicSnapshot &s)
{
    QString x = QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<rss version=\"2.0\">\n<channel>\n");
    x += QStringLiteral("<title>%1 Status - Incident History</title>\n<link>%2</link>\n"
                        "<description>Statuspage</description>\n<pubDate>%3</pubDate>\n")
             .arg(escape(s.page.name), escape(pageLink(s)), escape(rfc822(s.updatedAt())));
    int n = 0;
    for (const Incident &i : s.incidents) {
        if (n++ >= kFeedItems)
            break;
        x +=
            QStringLiteral("<item>\n<title>%1</title>\n<description>%2</description>\n<pubDate>%3</pubDate>\n"
                           "<link>%4</link>\n<guid isPermaLink=\"false\">%5</guid>\n</item>\n")
                .arg(escape(i.name), escape(updatesHtml(i)), escape(rfc822(i.createdAt)),
                     escape(incidentLink(s, i)), escape(i.id));
    }
    x += QStringLiteral("</channel>\n</rss>\n");
    return x.toUtf8();
}

QByteArray historyAtom(const PublicSnapshot &s)
{
    QString x = QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-US\">\n");
    x +=
        QStringLiteral("<id>tag:statusdesk,2026:/history/%1</id>\n<link rel=\"alternate\" type=\"text/html\" "
                       "href=\"%2\"/>\n<title>%3 Status - Incident History</title>\n<updated>%4</updated>\n"
                       "<author><name>%3</name></author>\n")
            .arg(escape(s.page.id), escape(pageLink(s)), escape(s.page.name), escape(rfc3339(s.updatedAt())));
    int n = 0;
    for (const Incident &i : s.incidents) {
        if (n++ >= kFeedItems)
            break;
        x +=
            QStringLiteral("<entry>\n<id>tag:statusdesk,2026:Incident/%1</id>\n<published>%2</published>\n"
                           "<updated>%3</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"%4\"/>\n"
                           "<title>%5</title>\n<content type=\"html\">%6</content>\n</entry>\n")
                .arg(escape(i.id), escape(rfc3339(i.createdAt)), escape(rfc3339(stamp(i))),
                     escape(incidentLink(s, i)), escape(i.name), escape(updatesHtml(i)));
    }
    x += QStringLiteral("</feed>\n");
    return x.toUtf8();
}

} // namespace sd::api
