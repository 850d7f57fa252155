#include "servicecontext.h"

namespace sd {

PageStatus ServiceContext::currentPageStatus()
{
    std::vector<ComponentStatus> statuses;
    for (const Component &c : store.components.all())
        statuses.push_back(c.status);
    return pageStatus(statuses, store.incidents.open());
}

void ServiceContext::audit(const QString &action, const QString &subjectKind, const QString &subjectId,
                           const QString &detail)
{
    AuditEntry e;
    e.at = now();
    e.actor = actor;
    e.action = action;
    e.subjectKind = subjectKind;
    e.subjectId = subjectId;
    e.detail = detail;
    store.audit.add(e);
}

} // namespace sd
