#include "app/readers/tablereads.h"

#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/incidentsmodel.h"
#include "models/itemmodels/subscribersmodel.h"
#include "models/store.h"

namespace sd::tablereads {

void components(Store &store, ComponentsModel &model)
{
    std::vector<ComponentGroup> groups = store.components.groups();
    std::vector<Component> components = store.components.all();
    model.setComponents(std::move(groups), std::move(components));
}

void incidents(Store &store, IncidentsModel &model)
{
    model.setIncidents(store.incidents.all());
}

void subscribers(Store &store, const SubscriberQuery &query, SubscribersModel &model)
{
    const std::vector<Component> components = store.components.all();
    std::vector<Subscriber> rows = store.subscribers.search(query);
    model.setRows(std::move(rows), components);
}

} // namespace sd::tablereads
