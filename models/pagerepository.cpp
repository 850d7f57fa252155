#include "models/pagerepository.h"

#include "models/ids.h"
#include "models/rowreader.h"

namespace sd {

Page PageRepository::get()
{
    QSqlQuery &q = m_db.run(QStringLiteral(
        "SELECT id, name, url, time_zone, documentation_url, created_at, updated_at, allow_webhook_subscribers "
        "FROM page LIMIT 1"));
    if (q.next()) {
        Page p;
        RowReader(q) >> p.id >> p.name >> p.url >> p.timeZone >> p.documentationUrl >> p.createdAt >>
            p.updatedAt >> p.allowWebhookSubscribers;
        return p;
    }
    q.finish();
    Page p;
    p.id = ids::newId();
    p.name = QStringLiteral("My Status Page");
    p.url = QStringLiteral("http://127.0.0.1:8787/");
    p.timeZone = QStringLiteral("Etc/UTC");
    p.documentationUrl = QStringLiteral("https://developer.statuspage.io/#section/Webhooks");
    p.createdAt = p.updatedAt = QDateTime::currentDateTimeUtc();
    save(p);
    return p;
}

void PageRepository::save(const Page &p)
{
    m_db.run(QStringLiteral("DELETE FROM page WHERE id != ?"), {p.id});
    m_db.run(QStringLiteral("INSERT INTO page (id, name, url, time_zone, documentation_url, created_at, updated_at, "
                            "allow_webhook_subscribers) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
                            "SET name=excluded.name, url=excluded.url, time_zone=excluded.time_zone, "
                            "documentation_url=excluded.documentation_url, updated_at=excluded.updated_at, "
                            "allow_webhook_subscribers=excluded.allow_webhook_subscribers"),
             {p.id, p.name, p.url, p.timeZone, p.documentationUrl, toDb(p.createdAt), toDb(p.updatedAt),
              p.allowWebhookSubscribers ? 1 : 0});
}

} // namespace sd
