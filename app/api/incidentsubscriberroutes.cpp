#include "app/api/apiroutetable.h"
#include "app/api/featurerequests.h"
#include "app/formats/jsonviews.h"
#include "app/services/subscriberservice.h"

// Subscribers of one incident: /v1/pages/{page_id}/incidents/{id}/subscribers[/{subscriber_id}]. Each is a
// webhook endpoint that hears that incident's updates only, up to the one that resolves it.
namespace sd::api {
namespace {

std::optional<Subscriber> ofIncident(ApiCall &c)
{
    auto s = c.store().subscribers.find(c.subId);
    if (!s || s->incidentId != c.id)
        return std::nullopt;
    return s;
}

ApiResponse listIncidentSubscribers(ApiCall &c)
{
    if (!c.store().incidents.find(c.id))
        return notFound(QStringLiteral("incident"), c.id);
    std::vector<Subscriber> live;
    for (const Subscriber &s : c.store().subscribers.forIncident(c.id))
        if (s.state != SubscriberState::Unsubscribed)
            live.push_back(s);
    return listed(parsePaging(c.request.query), live,
                  [](const Subscriber &s) { return json::apiSubscriber(s); });
}

ApiResponse createIncidentSubscriber(ApiCall &c)
{
    if (!c.store().incidents.find(c.id))
        return notFound(QStringLiteral("incident"), c.id);
    return write(
        c, parseIncidentSubscriber(c.request.body),
        [&](const IncidentSubscriberInput &in) {
            NewSubscriber n;
            n.endpoint = in.endpoint;
            n.email = in.email;
            n.incidentId = c.id;
            return SubscriberService(c.ctx).add(n);
        },
        [](const Subscriber &s) { return ApiResponse::json(201, json::apiSubscriber(s)); });
}

ApiResponse getIncidentSubscriber(ApiCall &c)
{
    if (!c.store().incidents.find(c.id))
        return notFound(QStringLiteral("incident"), c.id);
    return found(ofIncident(c), QStringLiteral("subscriber"), c.subId,
                 [](const Subscriber &s) { return json::apiSubscriber(s); });
}

ApiResponse deleteIncidentSubscriber(ApiCall &c)
{
    const auto s = ofIncident(c);
    if (!c.store().incidents.find(c.id) || !s || s->state == SubscriberState::Unsubscribed)
        return notFound(QStringLiteral("subscriber"), c.subId);
    return write(
        c, [&] { return SubscriberService(c.ctx).remove(c.subId); },
        [](const Subscriber &removed) { return ApiResponse::json(200, json::apiSubscriber(removed)); });
}

} // namespace

QList<Route> incidentSubscriberRoutes()
{
    return {
        {"GET", "/v1/pages/{page_id}/incidents/{id}/subscribers", listIncidentSubscribers},
        {"POST", "/v1/pages/{page_id}/incidents/{id}/subscribers", createIncidentSubscriber},
        {"GET", "/v1/pages/{page_id}/incidents/{id}/subscribers/{subscriber_id}", getIncidentSubscriber},
        {"DELETE", "/v1/pages/{page_id}/incidents/{id}/subscribers/{subscriber_id}",
         deleteIncidentSubscriber},
    };
}

} // namespace sd::api
