#include "models/importmap.h"

#include <QDateTime>

namespace sd {

QHash<QString, QString> ImportMap::load(const QString &source, const QString &kind)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT source_id, local_id FROM import_map WHERE source = ? AND kind = ?"),
                 {source, kind});
    QHash<QString, QString> out;
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toString());
    return out;
}

void ImportMap::set(const QString &source, const QString &kind, const QString &sourceId,
                    const QString &localId, const QDateTime &at)
{
    m_db.run(QStringLiteral(
                 "INSERT INTO import_map (source, kind, source_id, local_id, imported_at) VALUES (?, ?, ?, "
                 "?, ?) ON CONFLICT (source, kind, source_id) DO UPDATE SET local_id = excluded.local_id, "
                 "imported_at = excluded.imported_at"),
             {source, kind, sourceId, localId, toDb(at)});
}

bool ImportMap::any(const QString &source)
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT count(*) FROM import_map WHERE source = ?"), {source});
    return q.next() && q.value(0).toLongLong() > 0;
}

} // namespace sd
