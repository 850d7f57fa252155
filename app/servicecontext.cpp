#include "servicecontext.h"

namespace sd {

PageStatus ServiceContext::currentPageStatus()
{
    std::vector<ComponentStatus> statuses;
    for (const Component &c : store.components.all())
        statuses.push_back(c.status);
    return pageStatus(statuses, store.incidents.open());
}

} // namespace sd
