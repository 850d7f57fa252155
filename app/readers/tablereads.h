#pragma once

#include "models/subscriberrepository.h"

namespace sd {

class Store;
class ComponentsModel;
class IncidentsModel;
class SubscribersModel;

// The console's small tables, read on the caller's thread through the connection it passes and handed to
// their models. Each reads everything first and throws StoreError before the model is touched, so a failed
// read leaves the model's rows (and the views) as they were. The large, live reads have readers with
// threads of their own (DeliveriesReader, SubscriberHealthReader, FanoutProgressMonitor).
namespace tablereads {

void components(Store &store, ComponentsModel &model);
void incidents(Store &store, IncidentsModel &model);
// The subscribers `query` matches (filtered in SQL), with the component names their rows show.
void subscribers(Store &store, const SubscriberQuery &query, SubscribersModel &model);

} // namespace tablereads
} // namespace sd
