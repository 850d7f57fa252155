#pragma once

#include "models/database.h"

#include <QDateTime>
#include <QString>
#include <vector>

namespace sd {

// One operator change: who made it, what it was and what it touched, with a one-line human summary.
struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;
    QString actor;       // "alice@desk-7", "api-key:ci", a name set in the console
    QString action;      // "component.status", "subscriber.add", "resend", ...
    QString subjectKind; // page, component, incident, subscriber, delivery, settings, api_key
    QString subjectId;   // empty when the change has no single subject (a bulk resend, settings)
    QString detail;
};

struct AuditFilter
{
    QDateTime since; // at or after
    QString actor;   // exact
    QString subjectId;
    QString action; // exact
    int limit = -1; // newest first; < 0: all
};

// The audit_log table. Services add one row per operator change inside the change's own transaction, so
// the log never names a change that did not commit, and a committed change always has its row.
class AuditRepository final
{
public:
    explicit AuditRepository(Database &db)
        : m_db(db)
    {}

    void add(const AuditEntry &e);
    std::vector<AuditEntry> list(const AuditFilter &filter = {}); // newest first

private:
    Database &m_db;
};

} // namespace sd
