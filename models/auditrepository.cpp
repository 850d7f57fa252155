#include "models/auditrepository.h"

#include "models/rowreader.h"

namespace sd {

void AuditRepository::add(const AuditEntry &e)
{
    m_db.run(QStringLiteral("INSERT INTO audit_log (at, actor, action, subject_kind, subject_id, detail) "
                            "VALUES (?, ?, ?, ?, ?, ?)"),
             {toDb(e.at), toDb(e.actor), e.action, e.subjectKind, nullIfEmpty(e.subjectId), toDb(e.detail)});
}

std::vector<AuditEntry> AuditRepository::list(const AuditFilter &f)
{
    QStringList clauses;
    QVariantList binds;
    if (f.since.isValid()) {
        clauses << QStringLiteral("at >= ?");
        binds << toDb(f.since);
    }
    if (!f.actor.isEmpty()) {
        clauses << QStringLiteral("actor = ?");
        binds << f.actor;
    }
    if (!f.subjectId.isEmpty()) {
        clauses << QStringLiteral("subject_id = ?");
        binds << f.subjectId;
    }
    if (!f.action.isEmpty()) {
        clauses << QStringLiteral("action = ?");
        binds << f.action;
    }
    const QString where =
        clauses.isEmpty() ? QString() : QStringLiteral(" WHERE ") + clauses.join(QLatin1String(" AND "));
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT id, at, actor, action, subject_kind, subject_id, detail FROM "
                                "audit_log") +
                     where + QStringLiteral(" ORDER BY at DESC, id DESC") + m_db.limitClause(f.limit),
                 binds);
    std::vector<AuditEntry> out;
    while (q.next()) {
        AuditEntry e;
        RowReader(q) >> e.id >> e.at >> e.actor >> e.action >> e.subjectKind >> e.subjectId >> e.detail;
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace sd
