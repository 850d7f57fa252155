#pragma once

#include "models/domain.h"

#include <QString>
#include <vector>

namespace sd {

class Database;

// A notice written since the previous look, with its subscriber's endpoint (redacted).
struct NoticeSeen
{
    qint64 id = 0;
    QString kind; // quarantined, reactivated, purged, ...
    QString subscriberId;
    QString endpoint;
    QString text;
};

// A maintenance window as the store holds it now.
struct MaintenanceState
{
    QString incidentId;
    QString name;
    IncidentStatus status = IncidentStatus::Scheduled;
};

struct EndpointCounts
{
    int active = 0;
    int failing = 0; // active, and their last webhook attempt failed
    int quarantined = 0;
};

// What the console's alerts look at (AlertReader runs it on a thread of its own): notices since an id, the
// maintenance windows that are open or about to be, and how many endpoints fail. Each is one small query.
class AlertQuery final
{
public:
    explicit AlertQuery(Database &db)
        : m_db(db)
    {}

    qint64 lastNoticeId();
    std::vector<NoticeSeen> noticesAfter(qint64 id, int limit);
    // Scheduled, in progress or verifying, and those completed in the last day.
    std::vector<MaintenanceState> maintenance(const QDateTime &now);
    EndpointCounts endpoints();

private:
    Database &m_db;
};

} // namespace sd
