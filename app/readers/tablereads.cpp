#include "app/readers/tablereads.h"

#include "models/itemmodels/componentsmodel.h"
#include "models/itemmodels/incidentsmodel.h"
#include "models/itemmodels/subscribersmodel.h"
#include "models/store.h"
#include "models/upstreamrepository.h"

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
    // The followed pages each subscriber hears, by name, for the Components column.
    UpstreamRepository upstreams(store.db());
    QHash<QString, QString> pageNames;
    for (const Upstream &u : upstreams.all())
        pageNames.insert(u.id, u.name);
    QHash<QString, QStringList> followed = upstreams.upstreamsBySubscriber();
    for (QStringList &pages : followed) {
        for (QString &page : pages)
            page = pageNames.value(page, page);
        pages.sort(Qt::CaseInsensitive);
    }
    model.setRows(std::move(rows), components, std::move(followed));
}

} // namespace sd::tablereads
