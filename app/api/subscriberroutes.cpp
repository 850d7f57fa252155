#include "app/api/apiroutetable.h"
#include "app/formats/jsonviews.h"
#include "app/services/subscriberservice.h"

#include <algorithm>

// Webhook subscribers: /v1/pages/{page_id}/subscribers/...
namespace sd::api {
namespace {

QJsonObject subscriberJson(const Subscriber &s)
{
    return json::apiSubscriber(s);
}

// A subscriber the API can still change: unsubscribed ones are gone for it.
std::optional<Subscriber> live(ApiCall &c)
{
    auto s = c.store().subscribers.find(c.id);
    if (s && s->state == SubscriberState::Unsubscribed)
        return std::nullopt;
    return s;
}

// The page's subscribers (a subscriber of one incident is listed under that incident), oldest first.
std::vector<Subscriber> pageWide(ApiCall &c)
{
    std::vector<Subscriber> out;
    for (const Subscriber &s : c.store().subscribers.all())
        if (s.incidentId.isEmpty())
            out.push_back(s);
    return out;
}

// How well a subscriber matches the search text: the endpoint or email equal to it, then starting with it,
// then containing it (earlier is better).
int relevance(const Subscriber &s, const QString &q)
{
    const auto rank = [&](const QString &field) {
        if (field.compare(q, Qt::CaseInsensitive) == 0)
            return 0;
        if (field.startsWith(q, Qt::CaseInsensitive))
            return 1;
        return field.contains(q, Qt::CaseInsensitive) ? 2 : 3;
    };
    return std::min(rank(s.endpoint), rank(s.email));
}

// sort_field and sort_direction; ties keep creation order (a stable sort over the created_at, id order).
void sortSubscribers(std::vector<Subscriber> &list, const ListQuery &q)
{
    const bool desc = q.newestFirst;
    auto by = [&](auto key) {
        std::stable_sort(list.begin(), list.end(), [&](const Subscriber &a, const Subscriber &b) {
            return desc ? key(b) < key(a) : key(a) < key(b);
        });
    };
    switch (q.sort) {
    case ListQuery::Sort::Primary:
        by([](const Subscriber &s) { return s.endpoint.toLower(); });
        break;
    case ListQuery::Sort::CreatedAt:
        if (desc)
            std::reverse(list.begin(), list.end());
        break;
    case ListQuery::Sort::QuarantinedAt:
        // Never-quarantined subscribers last whichever the direction, as SQL's NULLS LAST.
        std::stable_sort(list.begin(), list.end(), [&](const Subscriber &a, const Subscriber &b) {
            if (a.quarantinedAt.isValid() != b.quarantinedAt.isValid())
                return a.quarantinedAt.isValid();
            return desc ? b.quarantinedAt < a.quarantinedAt : a.quarantinedAt < b.quarantinedAt;
        });
        break;
    case ListQuery::Sort::Relevance:
        by([&](const Subscriber &s) { return relevance(s, q.q); });
        break;
    }
}

ApiResponse listSubscribers(ApiCall &c)
{
    auto query = parseSubscriberQuery(c.request.query);
    if (!query)
        return ApiResponse::error(400, query.error());
    const ListQuery &q = query.value();
    std::vector<Subscriber> list;
    if (!q.unconfirmed) { // webhook subscribers are never unconfirmed: that list is empty
        for (const Subscriber &s : pageWide(c)) { // created_at, id: stable
            if (q.state && s.state != *q.state)
                continue;
            if (!q.q.isEmpty() && !containsText(s.email, q.q) && !containsText(s.endpoint, q.q))
                continue;
            list.push_back(s);
        }
    }
    sortSubscribers(list, q);
    return ApiResponse::json(200,
                             slice(list, static_cast<qint64>(q.page) * q.perPage, q.perPage, subscriberJson));
}

ApiResponse countSubscribers(ApiCall &c)
{
    auto query = parseSubscriberQuery(c.request.query);
    if (!query)
        return ApiResponse::error(400, query.error());
    const ListQuery &q = query.value();
    int webhook = 0;
    if (!q.unconfirmed) {
        for (const Subscriber &s : pageWide(c)) {
            if (q.state ? s.state == *q.state : s.state != SubscriberState::Unsubscribed)
                ++webhook;
        }
    }
    return ApiResponse::json(200, QJsonObject{{QStringLiteral("email"), 0},
                                              {QStringLiteral("sms"), 0},
                                              {QStringLiteral("webhook"), webhook},
                                              {QStringLiteral("integration_partner"), 0},
                                              {QStringLiteral("slack"), 0},
                                              {QStringLiteral("teams"), 0}});
}

// Statuspage's SubscriberCountByTypeAndState: per type, active, unconfirmed, quarantined and their total.
// Webhook subscribers are never unconfirmed; StatusDesk keeps no other type (all zero).
ApiResponse histogramByState(ApiCall &c)
{
    int active = 0;
    int quarantined = 0;
    for (const Subscriber &s : pageWide(c)) {
        active += s.state == SubscriberState::Active ? 1 : 0;
        quarantined += s.state == SubscriberState::Quarantined ? 1 : 0;
    }
    const auto counts = [](int a, int q) {
        return QJsonObject{{QStringLiteral("active"), a},
                           {QStringLiteral("unconfirmed"), 0},
                           {QStringLiteral("quarantined"), q},
                           {QStringLiteral("total"), a + q}};
    };
    return ApiResponse::json(200, QJsonObject{{QStringLiteral("email"), counts(0, 0)},
                                              {QStringLiteral("sms"), counts(0, 0)},
                                              {QStringLiteral("webhook"), counts(active, quarantined)},
                                              {QStringLiteral("integration_partner"), counts(0, 0)},
                                              {QStringLiteral("slack"), counts(0, 0)},
                                              {QStringLiteral("teams"), counts(0, 0)}});
}

ApiResponse listUnsubscribed(ApiCall &c)
{
    std::vector<Subscriber> list;
    for (const Subscriber &s : pageWide(c)) {
        if (s.state == SubscriberState::Unsubscribed)
            list.push_back(s);
    }
    return listed(parsePaging(c.request.query), list, subscriberJson);
}

ApiResponse createSubscriber(ApiCall &c)
{
    return write(
        c, parseSubscriber(c.request.body),
        [&](const SubscriberInput &in) {
            NewSubscriber s;
            s.endpoint = in.endpoint;
            s.email = in.email;
            s.componentIds = in.componentIds;
            return SubscriberService(c.ctx).add(s);
        },
        [](const Subscriber &added) { return ApiResponse::json(201, subscriberJson(added)); });
}

ApiResponse getSubscriber(ApiCall &c)
{
    return found(c.store().subscribers.find(c.id), QStringLiteral("subscriber"), c.id, subscriberJson);
}

ApiResponse patchSubscriber(ApiCall &c)
{
    if (!live(c))
        return notFound(QStringLiteral("subscriber"), c.id);
    return write(
        c, parseSubscriberPatch(c.request.body),
        [&](const SubscriberPatchInput &in) {
            SubscriberPatch patch;
            patch.componentIds = in.componentIds;
            return SubscriberService(c.ctx).edit(c.id, patch);
        },
        [](const Subscriber &edited) { return ApiResponse::json(200, subscriberJson(edited)); });
}

ApiResponse deleteSubscriber(ApiCall &c)
{
    if (!live(c))
        return notFound(QStringLiteral("subscriber"), c.id);
    return write(
        c, [&] { return SubscriberService(c.ctx).remove(c.id); },
        [](const Subscriber &removed) { return ApiResponse::json(200, subscriberJson(removed)); });
}

// The ids a bulk request names, each checked first so a typo in the list changes nothing; "all" is every
// subscriber in `everyone`.
Result<QStringList> bulkIds(ApiCall &c, const BulkSubscribers &bulk, const std::vector<Subscriber> &everyone,
                            const char *nothingDone)
{
    QStringList ids = bulk.ids;
    if (bulk.all) {
        for (const Subscriber &s : everyone)
            ids << s.id;
        return ids;
    }
    for (const QString &id : std::as_const(ids)) {
        const auto s = c.store().subscribers.find(id);
        if (!s || s->state == SubscriberState::Unsubscribed)
            return Error{
                QStringLiteral("unknown subscriber id \"%1\"; %2").arg(id, QLatin1String(nothingDone))};
    }
    return ids;
}

ApiResponse unsubscribeSubscribers(ApiCall &c)
{
    auto bulk = parseBulkSubscribers(c.request.body, true);
    if (!bulk)
        return ApiResponse::error(400, bulk.error());
    const auto ids = bulkIds(c, bulk.value(),
                             bulk->all ? c.store().subscribers.list(bulk->state) : std::vector<Subscriber>{},
                             "nobody was unsubscribed");
    if (!ids)
        return ApiResponse::error(422, ids.error());
    return write(
        c, [&] { return SubscriberService(c.ctx).removeMany(ids.value()); }, // all or none
        [](const std::vector<Subscriber> &removed) {
            QJsonArray done;
            for (const Subscriber &s : removed)
                done.append(subscriberJson(s));
            return ApiResponse::json(201, QJsonObject{{QStringLiteral("subscribers"), done}});
        });
}

ApiResponse reactivateSubscribers(ApiCall &c)
{
    auto bulk = parseBulkSubscribers(c.request.body, false);
    if (!bulk)
        return ApiResponse::error(400, bulk.error());
    // "all": every quarantined subscriber.
    const auto ids = bulkIds(c, bulk.value(),
                             bulk->all ? c.store().subscribers.list(SubscriberState::Quarantined)
                                       : std::vector<Subscriber>{},
                             "nothing was reactivated");
    if (!ids)
        return ApiResponse::error(422, ids.error());
    return write(
        c, [&] { return SubscriberService(c.ctx).reactivateMany(ids.value()); }, // all or none
        [&](int released) {
            QJsonArray reactivated;
            for (const QString &id : ids.value()) {
                if (const auto s = c.store().subscribers.find(id))
                    reactivated.append(subscriberJson(*s));
            }
            return queued(
                ApiResponse::json(201, QJsonObject{{QStringLiteral("subscribers"), reactivated},
                                                   {QStringLiteral("released_messages"), released}}),
                released);
        });
}

} // namespace

QList<Route> subscriberRoutes()
{
    return {
        {"GET", "/v1/pages/{page_id}/subscribers", listSubscribers},
        {"POST", "/v1/pages/{page_id}/subscribers", createSubscriber},
        {"GET", "/v1/pages/{page_id}/subscribers/count", countSubscribers},
        {"GET", "/v1/pages/{page_id}/subscribers/histogram_by_state", histogramByState},
        {"GET", "/v1/pages/{page_id}/subscribers/unsubscribed", listUnsubscribed},
        {"POST", "/v1/pages/{page_id}/subscribers/unsubscribe", unsubscribeSubscribers},
        {"POST", "/v1/pages/{page_id}/subscribers/reactivate", reactivateSubscribers},
        {"GET", "/v1/pages/{page_id}/subscribers/{id}", getSubscriber},
        {"PATCH", "/v1/pages/{page_id}/subscribers/{id}", patchSubscriber},
        {"DELETE", "/v1/pages/{page_id}/subscribers/{id}", deleteSubscriber},
    };
}

} // namespace sd::api
