#include "models/noticerepository.h"

#include "models/endpointurl.h"
#include "models/rowreader.h"

namespace sd {

void NoticeRepository::add(const Notice &n)
{
    m_db.run(QStringLiteral("INSERT INTO notices (created_at, subscriber_id, kind, text, acknowledged) "
                            "VALUES (?, ?, ?, ?, ?)"),
             // Notices name endpoints; a password in one is never stored.
             {toDb(n.createdAt), nullIfEmpty(n.subscriberId), n.kind, endpointurl::redacted(n.text),
              n.acknowledged});
    m_db.notifyChanged(QStringLiteral("notices")); // every console's Notices panel follows
}

std::vector<Notice> NoticeRepository::recent(int limit)
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT id, created_at, subscriber_id, kind, text, acknowledged FROM "
                                           "notices ORDER BY id DESC LIMIT ?"),
                            {limit});
    std::vector<Notice> out;
    while (q.next()) {
        Notice n;
        RowReader(q) >> n.id >> n.createdAt >> n.subscriberId >> n.kind >> n.text >> n.acknowledged;
        out.push_back(n);
    }
    return out;
}

void NoticeRepository::acknowledge(qint64 id)
{
    m_db.run(QStringLiteral("UPDATE notices SET acknowledged = 1 WHERE id = ?"), {id});
    m_db.notifyChanged(QStringLiteral("notices"));
}

} // namespace sd
