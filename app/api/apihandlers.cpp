#include "app/api/apihandlers.h"

#include "app/api/apikeystore.h"
#include "app/api/apirequestparser.h"
#include "app/formats/jsonviews.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/pageservice.h"
#include "app/services/subscriberservice.h"
#include "models/endpointurl.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <algorithm>

namespace sd::api {
namespace {

// A service error is the caller's fault (422) unless the database failed underneath.
ApiResponse serviceError(const QString &message)
{
    if (message.startsWith(QLatin1String("database error")) ||
        message.startsWith(QLatin1String("the disk is full")))
        return ApiResponse::error(500, message);
    return ApiResponse::error(422, message);
}

ApiResponse notFound(const QString &what, const QString &id)
{
    return ApiResponse::error(404, QStringLiteral("unknown %1 id \"%2\"").arg(what, id));
}

// "Authorization: OAuth <key>", as Statuspage's API documents; "Bearer <key>" as atlassian-python-api sends.
QString presentedKey(const QByteArray &header)
{
    const QByteArray trimmed = header.trimmed();
    const int space = static_cast<int>(trimmed.indexOf(' '));
    const QByteArray scheme = space <= 0 ? QByteArray() : trimmed.left(space).toLower();
    if (scheme != "oauth" && scheme != "bearer")
        return {};
    return QString::fromLatin1(trimmed.mid(space + 1).trimmed());
}

QString pagePath(const Page &page)
{
    const QString path = QUrl(page.url).path();
    return path.isEmpty() ? QStringLiteral("/") : path;
}

ApiResponse html(int status, const QString &title, const QString &bodyHtml)
{
    ApiResponse r;
    r.status = status;
    r.contentType = QByteArrayLiteral("text/html; charset=utf-8");
    r.body =
        QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width\"><title>%1</title>"
                       "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em}"
                       "code{word-break:break-all}</style></head><body>\n<h1>%1</h1>\n%2\n</body></html>\n")
            .arg(title.toHtmlEscaped(), bodyHtml)
            .toUtf8();
    // The token is in the URL: keep it out of caches and Referer headers; the page needs no scripts.
    r.headers = {{QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")},
                 {QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer")},
                 {QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")},
                 {QByteArrayLiteral("Content-Security-Policy"),
                  QByteArrayLiteral("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")}};
    return r;
}

} // namespace

ApiResponse ApiResponse::json(int status, const QJsonValue &value)
{
    ApiResponse r;
    r.status = status;
    r.body = (value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject()))
                 .toJson(QJsonDocument::Compact);
    return r;
}

ApiResponse ApiResponse::error(int status, const QString &message)
{
    // Statuspage's ErrorEntity is {"message": ...}; "error" stays for StatusDesk's earlier clients.
    return json(status,
                QJsonObject{{QStringLiteral("message"), message}, {QStringLiteral("error"), message}});
}

ApiResponse ApiResponse::noContent()
{
    ApiResponse r;
    r.status = 204;
    return r;
}

ApiResponse ApiHandlers::handle(const ApiRequest &request)
{
    // Each request starts and ends on a fresh WAL snapshot; see Database::finishAll().
    struct FreshSnapshot
    {
        Database &db;
        explicit FreshSnapshot(Database &d)
            : db(d)
        {
            db.finishAll();
        }
        ~FreshSnapshot() { db.finishAll(); }
        FreshSnapshot(const FreshSnapshot &) = delete;
        FreshSnapshot &operator=(const FreshSnapshot &) = delete;
    } fresh(m_ctx.store.db());
    // Who this request's changes are recorded under: the API key's name once authenticated; the public
    // unsubscribe page acts for the subscriber who followed its link.
    m_ctx.actor = QStringLiteral("unsubscribe-link");
    try {
        const Page page = m_ctx.store.page.get();
        if (!isApiPath(request.path)) {
            if ((request.path == pagePath(page) || request.path == QLatin1String("/")) &&
                (request.method == "GET" || request.method == "POST"))
                return unsubscribe(request);
            return ApiResponse::error(404, QStringLiteral("not found"));
        }
        // Authenticate before routing, so a caller without a key learns nothing about ids or routes.
        // Statuspage also takes the key as ?api_key=; it is not a query parameter of any endpoint.
        ApiRequest req = request;
        const QString queryKey = req.query.queryItemValue(QStringLiteral("api_key"), QUrl::FullyDecoded);
        req.query.removeAllQueryItems(QStringLiteral("api_key"));
        if (request.authorization.isEmpty() && queryKey.isEmpty())
            return ApiResponse::error(
                401,
                QStringLiteral(
                    "missing Authorization header; send \"Authorization: OAuth <key>\" or ?api_key=<key>"));
        const QString presented =
            request.authorization.isEmpty() ? queryKey : presentedKey(request.authorization);
        const auto key = ApiKeyStore(m_ctx.store.db()).verifiedKey(presented);
        if (!key)
            return ApiResponse::error(401, QStringLiteral("invalid or revoked API key"));
        m_ctx.actor = QStringLiteral("api-key:") + key->name;
        const RouteMatch match = matchRoute(request.method, request.path, page.id);
        switch (match.outcome) {
        case RouteMatch::Outcome::NotFound:
            return ApiResponse::error(404, QStringLiteral("no such route: %1 %2")
                                               .arg(QString::fromLatin1(request.method), request.path));
        case RouteMatch::Outcome::WrongPage:
            return ApiResponse::error(
                404, QStringLiteral("unknown page id; this server serves page %1").arg(page.id));
        case RouteMatch::Outcome::MethodNotAllowed: {
            ApiResponse r =
                ApiResponse::error(405, QStringLiteral("method %1 is not allowed here; allowed: %2")
                                            .arg(QString::fromLatin1(request.method),
                                                 QString::fromLatin1(match.allowedMethods)));
            r.headers.append({QByteArrayLiteral("Allow"), match.allowedMethods});
            return r;
        }
        case RouteMatch::Outcome::Found:
            break;
        }
        return route(req, match);
    } catch (const StoreError &e) {
        return ApiResponse::error(500, QStringLiteral("database error: %1").arg(e.message()));
    }
}

ApiResponse ApiHandlers::route(const ApiRequest &r, const RouteMatch &m)
{
    const QByteArray &method = r.method;
    const bool get = method == "GET";
    const bool del = method == "DELETE";
    switch (m.endpoint) {
    case Endpoint::Pages:
        return pages();
    case Endpoint::Page:
        return get ? ApiResponse::json(200, json::apiPage(m_ctx.store.page.get(), m_ctx.currentPageStatus()))
                   : patchPage(r);
    case Endpoint::Subscribers:
        return get ? listSubscribers(r) : createSubscriber(r);
    case Endpoint::SubscriberCount:
        return countSubscribers(r);
    case Endpoint::UnsubscribedSubscribers:
        return listUnsubscribed(r);
    case Endpoint::UnsubscribeSubscribers:
        return unsubscribeSubscribers(r);
    case Endpoint::ReactivateSubscribers:
        return reactivateSubscribers(r);
    case Endpoint::Subscriber:
        return get ? getSubscriber(m.id) : del ? deleteSubscriber(m.id) : patchSubscriber(m.id, r);
    case Endpoint::Components:
        return get ? listComponents(r) : createComponent(r);
    case Endpoint::Component:
        return get ? getComponent(m.id) : del ? deleteComponent(m.id) : patchComponent(m.id, r);
    case Endpoint::ComponentGroups:
        return get ? listGroups(r) : createGroup(r);
    case Endpoint::ComponentGroup:
        return get ? getGroup(m.id) : del ? deleteGroup(m.id) : patchGroup(m.id, r);
    case Endpoint::Incidents:
        return get ? listIncidents(r, m.endpoint) : createIncident(r);
    case Endpoint::IncidentsUnresolved:
    case Endpoint::IncidentsScheduled:
    case Endpoint::IncidentsUpcoming:
    case Endpoint::IncidentsActiveMaintenance:
        return listIncidents(r, m.endpoint);
    case Endpoint::Incident:
        return get ? getIncident(m.id) : del ? deleteIncident(m.id) : updateIncident(m.id, r);
    case Endpoint::IncidentUpdate:
        return patchIncidentUpdate(m.id, m.subId, r);
    case Endpoint::Postmortem:
    case Endpoint::PostmortemPublish:
    case Endpoint::PostmortemRevert:
        return postmortem(m.id, m.endpoint, r);
    }
    return ApiResponse::error(404, QStringLiteral("not found"));
}

ApiResponse ApiHandlers::unsubscribe(const ApiRequest &r)
{
    const QString token = unsubscribeToken(r.query, r.method == "POST" ? r.body : QByteArray());
    // Same answer for a missing, unknown or spent token: the page confirms nothing about other subscribers.
    const ApiResponse unknown =
        html(404, QStringLiteral("Link not valid"),
             QStringLiteral("<p>This unsubscribe link is not valid, or it has already been used.</p>"));
    if (token.isEmpty() || token.size() > 128)
        return unknown;
    const auto found = m_ctx.store.subscribers.findByToken(token);
    if (!found || found->state == SubscriberState::Unsubscribed)
        return unknown;
    const QString endpoint = endpointurl::redacted(found->endpoint).toHtmlEscaped();
    if (r.method == "GET") {
        return html(
            200, QStringLiteral("Unsubscribe webhook"),
            QStringLiteral("<p>Stop sending status webhooks to <code>%1</code>?</p>\n"
                           "<form method=\"post\"><input type=\"hidden\" name=\"unsubscribe\" value=\"%2\">"
                           "<button type=\"submit\">Unsubscribe</button></form>")
                .arg(endpoint, token.toHtmlEscaped()));
    }
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto done = SubscriberService(m_ctx).unsubscribeByToken(token);
    if (!done && done.error().startsWith(QLatin1String("database error")))
        return html(500, QStringLiteral("Try again"),
                    QStringLiteral("<p>The unsubscribe could not be saved; please try again.</p><!-- %1 -->")
                        .arg(done.error().toHtmlEscaped()));
    if (!done)
        return unknown;
    return html(
        200, QStringLiteral("Unsubscribed"),
        QStringLiteral("<p><code>%1</code> will receive no more webhooks from this page.</p>").arg(endpoint));
}

namespace {

// One page of a list already in its stable order (every listing orders by a unique key last).
template<typename T, typename ToJson>
QJsonArray slice(const std::vector<T> &all, qint64 offset, int limit, ToJson toJson)
{
    QJsonArray out;
    for (qint64 i = offset; i >= 0 && i < static_cast<qint64>(all.size()) && out.size() < limit; ++i)
        out.append(toJson(all.at(static_cast<size_t>(i))));
    return out;
}

bool containsText(const QString &haystack, const QString &needle)
{
    return haystack.contains(needle, Qt::CaseInsensitive);
}

} // namespace

ApiResponse ApiHandlers::pages()
{
    return ApiResponse::json(200,
                             QJsonArray{json::apiPage(m_ctx.store.page.get(), m_ctx.currentPageStatus())});
}

ApiResponse ApiHandlers::patchPage(const ApiRequest &r)
{
    auto input = parsePagePatch(r.body);
    if (!input)
        return ApiResponse::error(400, input.error());
    PagePatch patch;
    patch.name = input->name;
    patch.url = input->url;
    patch.timeZone = input->timeZone;
    patch.allowWebhookSubscribers = input->allowWebhookSubscribers;
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto saved = PageService(m_ctx).update(patch);
    if (!saved)
        return serviceError(saved.error());
    return ApiResponse::json(200, json::apiPage(saved.value(), m_ctx.currentPageStatus()));
}

ApiResponse ApiHandlers::listSubscribers(const ApiRequest &r)
{
    auto query = parseSubscriberQuery(r.query);
    if (!query)
        return ApiResponse::error(400, query.error());
    const ListQuery &q = query.value();
    std::vector<Subscriber> list;
    if (!q.unconfirmed) { // webhook subscribers are never unconfirmed: that list is empty
        for (const Subscriber &s : m_ctx.store.subscribers.all()) { // created_at, id: stable
            if (q.state && s.state != *q.state)
                continue;
            if (!q.q.isEmpty() && !containsText(s.email, q.q) && !containsText(s.endpoint, q.q))
                continue;
            list.push_back(s);
        }
    }
    if (q.newestFirst)
        std::reverse(list.begin(), list.end());
    return ApiResponse::json(200, slice(list, static_cast<qint64>(q.page) * q.perPage, q.perPage,
                                        [](const Subscriber &s) { return json::apiSubscriber(s); }));
}

ApiResponse ApiHandlers::countSubscribers(const ApiRequest &r)
{
    auto query = parseSubscriberQuery(r.query);
    if (!query)
        return ApiResponse::error(400, query.error());
    const ListQuery &q = query.value();
    int webhook = 0;
    if (!q.unconfirmed) {
        for (const Subscriber &s : m_ctx.store.subscribers.all()) {
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

ApiResponse ApiHandlers::listUnsubscribed(const ApiRequest &r)
{
    auto paging = parsePaging(r.query);
    if (!paging)
        return ApiResponse::error(400, paging.error());
    std::vector<Subscriber> list;
    for (const Subscriber &s : m_ctx.store.subscribers.all()) {
        if (s.state == SubscriberState::Unsubscribed)
            list.push_back(s);
    }
    return ApiResponse::json(200, slice(list, paging->offset(), paging->perPage,
                                        [](const Subscriber &s) { return json::apiSubscriber(s); }));
}

ApiResponse ApiHandlers::createSubscriber(const ApiRequest &r)
{
    auto input = parseSubscriber(r.body);
    if (!input)
        return ApiResponse::error(400, input.error());
    NewSubscriber s;
    s.endpoint = input->endpoint;
    s.email = input->email;
    s.componentIds = input->componentIds;
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto added = SubscriberService(m_ctx).add(s);
    if (!added)
        return serviceError(added.error());
    return ApiResponse::json(201, json::apiSubscriber(added.value()));
}

ApiResponse ApiHandlers::getSubscriber(const QString &id)
{
    const auto s = m_ctx.store.subscribers.find(id);
    if (!s)
        return notFound(QStringLiteral("subscriber"), id);
    return ApiResponse::json(200, json::apiSubscriber(*s));
}

ApiResponse ApiHandlers::patchSubscriber(const QString &id, const ApiRequest &r)
{
    const auto s = m_ctx.store.subscribers.find(id);
    if (!s || s->state == SubscriberState::Unsubscribed)
        return notFound(QStringLiteral("subscriber"), id);
    auto input = parseSubscriberPatch(r.body);
    if (!input)
        return ApiResponse::error(400, input.error());
    SubscriberPatch patch;
    patch.componentIds = input->componentIds;
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto edited = SubscriberService(m_ctx).edit(id, patch);
    if (!edited)
        return serviceError(edited.error());
    return ApiResponse::json(200, json::apiSubscriber(edited.value()));
}

ApiResponse ApiHandlers::deleteSubscriber(const QString &id)
{
    const auto s = m_ctx.store.subscribers.find(id);
    if (!s || s->state == SubscriberState::Unsubscribed)
        return notFound(QStringLiteral("subscriber"), id);
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto removed = SubscriberService(m_ctx).remove(id);
    if (!removed)
        return serviceError(removed.error());
    return ApiResponse::json(200, json::apiSubscriber(removed.value()));
}

ApiResponse ApiHandlers::unsubscribeSubscribers(const ApiRequest &r)
{
    auto bulk = parseBulkSubscribers(r.body, true);
    if (!bulk)
        return ApiResponse::error(400, bulk.error());
    QStringList ids = bulk->ids;
    if (bulk->all) {
        for (const Subscriber &s : m_ctx.store.subscribers.list(bulk->state))
            ids << s.id;
    } else {
        // Check every id first, so a typo in the list changes nothing.
        for (const QString &id : std::as_const(ids)) {
            const auto s = m_ctx.store.subscribers.find(id);
            if (!s || s->state == SubscriberState::Unsubscribed)
                return ApiResponse::error(
                    422, QStringLiteral("unknown subscriber id \"%1\"; nobody was unsubscribed").arg(id));
        }
    }
    m_ctx.store.db().finishAll();
    auto removed = SubscriberService(m_ctx).removeMany(ids); // all or none
    if (!removed)
        return serviceError(removed.error());
    QJsonArray done;
    for (const Subscriber &s : removed.value())
        done.append(json::apiSubscriber(s));
    return ApiResponse::json(201, QJsonObject{{QStringLiteral("subscribers"), done}});
}

ApiResponse ApiHandlers::reactivateSubscribers(const ApiRequest &r)
{
    auto bulk = parseBulkSubscribers(r.body, false);
    if (!bulk)
        return ApiResponse::error(400, bulk.error());
    QStringList ids = bulk->ids;
    if (bulk->all) { // "all": every quarantined subscriber
        for (const Subscriber &s : m_ctx.store.subscribers.list(SubscriberState::Quarantined))
            ids << s.id;
    } else {
        // Check every id first, so a typo in the list changes nothing.
        for (const QString &id : std::as_const(ids)) {
            const auto s = m_ctx.store.subscribers.find(id);
            if (!s || s->state == SubscriberState::Unsubscribed)
                return ApiResponse::error(
                    422, QStringLiteral("unknown subscriber id \"%1\"; nothing was reactivated").arg(id));
        }
    }
    m_ctx.store.db().finishAll();                             // reads above must not pin an old snapshot
    auto done = SubscriberService(m_ctx).reactivateMany(ids); // all or none
    if (!done)
        return serviceError(done.error());
    const int released = done.value();
    QJsonArray reactivated;
    for (const QString &id : std::as_const(ids)) {
        if (const auto s = m_ctx.store.subscribers.find(id))
            reactivated.append(json::apiSubscriber(*s));
    }
    ApiResponse out = ApiResponse::json(201, QJsonObject{{QStringLiteral("subscribers"), reactivated},
                                                         {QStringLiteral("released_messages"), released}});
    out.queuedMessages = released;
    return out;
}

QJsonObject ApiHandlers::componentJson(const Component &c)
{
    QString groupName;
    if (!c.groupId.isEmpty()) {
        if (auto g = m_ctx.store.components.findGroup(c.groupId))
            groupName = g->name;
    }
    return json::apiComponent(c, m_ctx.store.page.get().id, groupName);
}

QJsonObject ApiHandlers::groupJson(const ComponentGroup &g)
{
    QStringList members;
    for (const Component &c : m_ctx.store.components.all()) {
        if (c.groupId == g.id)
            members << c.id;
    }
    return json::apiComponentGroup(g, m_ctx.store.page.get().id, members);
}

QJsonObject ApiHandlers::incidentJson(const Incident &i)
{
    return json::apiIncident(m_ctx.store.page.get(), i, m_ctx.store.components.all());
}

ApiResponse ApiHandlers::listComponents(const ApiRequest &r)
{
    auto paging = parsePaging(r.query);
    if (!paging)
        return ApiResponse::error(400, paging.error());
    return ApiResponse::json(200, slice(m_ctx.store.components.all(), paging->offset(), paging->perPage,
                                        [this](const Component &c) { return componentJson(c); }));
}

namespace {

// group_id must name an existing group: a typo must not create one (the console's group field does).
QString checkGroupId(const std::optional<QString> &groupId, Store &store)
{
    if (!groupId || groupId->isEmpty())
        return {};
    const auto g = store.components.findGroup(*groupId);
    if (!g || g->id != *groupId)
        return QStringLiteral("unknown component group id \"%1\"").arg(*groupId);
    return {};
}

} // namespace

ApiResponse ApiHandlers::createComponent(const ApiRequest &r)
{
    auto input = parseComponentCreate(r.body);
    if (!input)
        return ApiResponse::error(400, input.error());
    if (const QString err = checkGroupId(input->groupId, m_ctx.store); !err.isEmpty())
        return ApiResponse::error(422, err);
    NewComponent n;
    n.name = input->name.value_or(QString());
    n.description = input->description.value_or(QString());
    n.group = input->groupId.value_or(QString());
    n.status = input->status.value_or(ComponentStatus::Operational);
    n.showcase = input->showcase.value_or(true);
    n.onlyShowIfDegraded = input->onlyShowIfDegraded.value_or(false);
    n.startDate = input->startDate.value_or(QDate());
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto added = ComponentService(m_ctx).add(n);
    if (!added)
        return serviceError(added.error());
    return ApiResponse::json(201, componentJson(added.value()));
}

ApiResponse ApiHandlers::getComponent(const QString &id)
{
    const auto c = m_ctx.store.components.find(id);
    if (!c)
        return notFound(QStringLiteral("component"), id);
    return ApiResponse::json(200, componentJson(*c));
}

ApiResponse ApiHandlers::patchComponent(const QString &id, const ApiRequest &r)
{
    if (!m_ctx.store.components.find(id))
        return notFound(QStringLiteral("component"), id);
    auto input = parseComponentPatch(r.body);
    if (!input)
        return ApiResponse::error(400, input.error());
    if (const QString err = checkGroupId(input->groupId, m_ctx.store); !err.isEmpty())
        return ApiResponse::error(422, err);
    ComponentPatch patch;
    patch.status = input->status;
    patch.name = input->name;
    patch.description = input->description;
    patch.group = input->groupId;
    patch.showcase = input->showcase;
    patch.onlyShowIfDegraded = input->onlyShowIfDegraded;
    patch.startDate = input->startDate;
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto change = ComponentService(m_ctx).update(id, patch);
    if (!change)
        return serviceError(change.error());
    ApiResponse out = ApiResponse::json(200, componentJson(change->component));
    out.queuedMessages = change->messages;
    return out;
}

ApiResponse ApiHandlers::deleteComponent(const QString &id)
{
    if (!m_ctx.store.components.find(id))
        return notFound(QStringLiteral("component"), id);
    m_ctx.store.db().finishAll();
    auto removed = ComponentService(m_ctx).remove(id);
    if (!removed)
        return serviceError(removed.error());
    return ApiResponse::noContent();
}

ApiResponse ApiHandlers::listGroups(const ApiRequest &r)
{
    auto paging = parsePaging(r.query);
    if (!paging)
        return ApiResponse::error(400, paging.error());
    return ApiResponse::json(200, slice(m_ctx.store.components.groups(), paging->offset(), paging->perPage,
                                        [this](const ComponentGroup &g) { return groupJson(g); }));
}

namespace {

GroupPatch groupPatch(const GroupInput &in)
{
    GroupPatch p;
    p.name = in.name;
    p.description = in.description;
    p.componentIds = in.components;
    return p;
}

} // namespace

ApiResponse ApiHandlers::createGroup(const ApiRequest &r)
{
    auto input = parseGroup(r.body, true);
    if (!input)
        return ApiResponse::error(400, input.error());
    m_ctx.store.db().finishAll();
    auto added = ComponentService(m_ctx).addGroup(groupPatch(input.value()));
    if (!added)
        return serviceError(added.error());
    return ApiResponse::json(201, groupJson(added.value()));
}

ApiResponse ApiHandlers::getGroup(const QString &id)
{
    const auto g = m_ctx.store.components.findGroup(id);
    if (!g || g->id != id)
        return notFound(QStringLiteral("component group"), id);
    return ApiResponse::json(200, groupJson(*g));
}

ApiResponse ApiHandlers::patchGroup(const QString &id, const ApiRequest &r)
{
    const auto g = m_ctx.store.components.findGroup(id);
    if (!g || g->id != id)
        return notFound(QStringLiteral("component group"), id);
    auto input = parseGroup(r.body, false);
    if (!input)
        return ApiResponse::error(400, input.error());
    m_ctx.store.db().finishAll();
    auto saved = ComponentService(m_ctx).updateGroup(id, groupPatch(input.value()));
    if (!saved)
        return serviceError(saved.error());
    // The group is gone when its last component left it.
    const auto after = m_ctx.store.components.findGroup(id);
    return ApiResponse::json(200, groupJson(after ? *after : saved.value()));
}

ApiResponse ApiHandlers::deleteGroup(const QString &id)
{
    const auto g = m_ctx.store.components.findGroup(id);
    if (!g || g->id != id)
        return notFound(QStringLiteral("component group"), id);
    m_ctx.store.db().finishAll();
    auto removed = ComponentService(m_ctx).removeGroup(id);
    if (!removed)
        return serviceError(removed.error());
    return ApiResponse::json(200, json::apiComponentGroup(removed.value(), m_ctx.store.page.get().id, {}));
}

ApiResponse ApiHandlers::listIncidents(const ApiRequest &r, Endpoint which)
{
    auto paging = parsePaging(r.query, which == Endpoint::Incidents);
    if (!paging)
        return ApiResponse::error(400, paging.error());
    const QDateTime now = m_ctx.now();
    std::vector<Incident> list;
    for (const Incident &i : m_ctx.store.incidents.all()) { // a fixed order, ties broken by id
        const bool maintenance = isScheduledMaintenance(i.status);
        bool keep = true;
        switch (which) {
        case Endpoint::IncidentsUnresolved:
            keep = !maintenance && !isClosed(i.status);
            break;
        case Endpoint::IncidentsScheduled:
            keep = i.status == IncidentStatus::Scheduled;
            break;
        case Endpoint::IncidentsUpcoming:
            keep =
                i.status == IncidentStatus::Scheduled && (!i.scheduledFor.isValid() || i.scheduledFor > now);
            break;
        case Endpoint::IncidentsActiveMaintenance:
            keep = i.status == IncidentStatus::InProgress || i.status == IncidentStatus::Verifying;
            break;
        default:
            break;
        }
        if (keep && !paging->q.isEmpty()) {
            bool hit = containsText(i.name, paging->q) || containsText(toString(i.status), paging->q) ||
                       containsText(i.postmortemBody, paging->q);
            for (const IncidentUpdate &u : i.updates)
                hit = hit || containsText(u.body, paging->q);
            keep = hit;
        }
        if (keep)
            list.push_back(i);
    }
    const Page page = m_ctx.store.page.get();
    const auto components = m_ctx.store.components.all();
    return ApiResponse::json(200, slice(list, paging->offset(), paging->perPage, [&](const Incident &i) {
                                 return json::apiIncident(page, i, components);
                             }));
}

ApiResponse ApiHandlers::getIncident(const QString &id)
{
    const auto i = m_ctx.store.incidents.find(id);
    if (!i)
        return notFound(QStringLiteral("incident"), id);
    return ApiResponse::json(200, incidentJson(*i));
}

namespace {

// components sets statuses; component_ids adds affected components at their current status.
Result<std::vector<ComponentStatusChange>> changesFor(const IncidentInput &in, Store &store)
{
    std::vector<ComponentStatusChange> out;
    for (const auto &[componentId, status] : in.components)
        out.push_back({componentId, status});
    for (const QString &cid : in.componentIds) {
        const bool listed =
            std::any_of(out.begin(), out.end(), [&](const auto &c) { return c.componentId == cid; });
        if (listed)
            continue;
        const auto c = store.components.find(cid);
        if (!c)
            return Error{QStringLiteral("unknown component id \"%1\"").arg(cid)};
        out.push_back({cid, c->status});
    }
    return out;
}

} // namespace

ApiResponse ApiHandlers::createIncident(const ApiRequest &r)
{
    auto input = parseIncidentCreate(r.body);
    if (!input)
        return ApiResponse::error(400, input.error());
    const IncidentInput &in = input.value();
    auto changes = changesFor(in, m_ctx.store);
    if (!changes)
        return ApiResponse::error(422, changes.error());
    NewIncident n;
    n.name = in.name.value_or(QString());
    // Statuspage creates an incident from its name alone: investigating, or scheduled when a window is given.
    const bool window = in.scheduledFor.isValid() || in.scheduledUntil.isValid();
    n.status = in.status.value_or(window ? IncidentStatus::Scheduled : IncidentStatus::Investigating);
    n.body = in.body.value_or(QString());
    if (n.body.trimmed().isEmpty()) // the first update needs words; Statuspage shows the status then
        n.body = QStringLiteral("%1: %2").arg(toString(n.status), n.name.trimmed());
    n.impactOverride = in.impactOverride;
    n.components = changes.value();
    n.notify = in.deliverNotifications;
    n.backfilled = in.backfilled;
    n.scheduledFor = in.scheduledFor;
    n.scheduledUntil = in.scheduledUntil;
    n.scheduledRemindPrior = in.scheduledRemindPrior.value_or(false);
    n.scheduledAutoTransition = in.scheduledAutoTransition.value_or(false);
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto created = IncidentService(m_ctx).create(n);
    if (!created)
        return serviceError(created.error());
    ApiResponse out = ApiResponse::json(201, incidentJson(created->incident));
    out.queuedMessages = created->incidentMessages + created->componentMessages;
    return out;
}

ApiResponse ApiHandlers::updateIncident(const QString &id, const ApiRequest &r)
{
    const auto found = m_ctx.store.incidents.find(id);
    if (!found)
        return notFound(QStringLiteral("incident"), id);
    auto input = parseIncidentUpdate(r.body);
    if (!input)
        return ApiResponse::error(400, input.error());
    const IncidentInput &in = input.value();
    auto changes = changesFor(in, m_ctx.store);
    if (!changes)
        return ApiResponse::error(422, changes.error());
    const bool hasBody = in.body && !in.body->trimmed().isEmpty();
    // An update is posted (and subscribers told) for a status, a body or component changes; a rename, an
    // impact override or a new window alone is an edit that notifies nobody, as on Statuspage.
    const bool postUpdate = in.status || hasBody || !changes->empty();
    const bool editsWindow = in.scheduledFor.isValid() || in.scheduledUntil.isValid() ||
                             in.scheduledRemindPrior || in.scheduledAutoTransition;
    if (!postUpdate && !editsWindow && !in.name && !in.impactOverride)
        return ApiResponse::error(400,
                                  QStringLiteral("incident has nothing to change; send a status, a body, "
                                                 "components, a name or an impact_override"));
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    IncidentService service(m_ctx);
    if (!postUpdate || editsWindow) {
        IncidentEdit e;
        e.name = in.name;
        e.impactOverride = in.impactOverride;
        e.scheduledFor = in.scheduledFor;
        e.scheduledUntil = in.scheduledUntil;
        e.scheduledRemindPrior = in.scheduledRemindPrior;
        e.scheduledAutoTransition = in.scheduledAutoTransition;
        auto edited = service.edit(id, e);
        if (!edited)
            return serviceError(edited.error());
        if (!postUpdate)
            return ApiResponse::json(200, incidentJson(edited.value()));
        m_ctx.store.db().finishAll();
    }
    IncidentUpdateInput u;
    u.status = in.status.value_or(found->status);
    u.body = hasBody ? *in.body : QString();
    u.allowEmptyBody = in.status.has_value() || !changes->empty(); // a status-only update
    u.components = changes.value();
    u.impactOverride = in.impactOverride;
    u.notify = in.deliverNotifications;
    if (!editsWindow)
        u.name = in.name;
    auto updated = service.update(id, u);
    if (!updated)
        return serviceError(updated.error());
    ApiResponse out = ApiResponse::json(200, incidentJson(updated->incident));
    out.queuedMessages = updated->incidentMessages + updated->componentMessages;
    return out;
}

ApiResponse ApiHandlers::deleteIncident(const QString &id)
{
    if (!m_ctx.store.incidents.find(id))
        return notFound(QStringLiteral("incident"), id);
    m_ctx.store.db().finishAll();
    auto removed = IncidentService(m_ctx).remove(id);
    if (!removed)
        return serviceError(removed.error());
    return ApiResponse::json(200, incidentJson(removed.value()));
}

ApiResponse ApiHandlers::patchIncidentUpdate(const QString &id, const QString &updateId, const ApiRequest &r)
{
    const auto found = m_ctx.store.incidents.find(id);
    if (!found)
        return notFound(QStringLiteral("incident"), id);
    const bool known = std::any_of(found->updates.begin(), found->updates.end(),
                                   [&](const IncidentUpdate &u) { return u.id == updateId; });
    if (!known)
        return notFound(QStringLiteral("incident update"), updateId);
    auto input = parseIncidentUpdateEdit(r.body);
    if (!input)
        return ApiResponse::error(400, input.error());
    IncidentUpdateEditInput e;
    e.body = input->body;
    e.displayAt = input->displayAt;
    e.wantsTwitterUpdate = input->wantsTwitterUpdate;
    e.deliverNotifications = input->deliverNotifications;
    m_ctx.store.db().finishAll();
    auto edited = IncidentService(m_ctx).editUpdate(id, updateId, e);
    if (!edited)
        return serviceError(edited.error());
    const auto after = m_ctx.store.incidents.find(id);
    return ApiResponse::json(200, json::apiIncidentUpdate(m_ctx.store.page.get(), *after, updateId));
}

ApiResponse ApiHandlers::postmortem(const QString &id, Endpoint which, const ApiRequest &r)
{
    const auto found = m_ctx.store.incidents.find(id);
    if (!found)
        return notFound(QStringLiteral("incident"), id);
    const Page page = m_ctx.store.page.get();
    if (which == Endpoint::Postmortem && r.method == "GET")
        return ApiResponse::json(200, json::apiPostmortem(page, *found));
    IncidentService service(m_ctx);
    Result<Incident> done = Error{QString()};
    if (which == Endpoint::Postmortem && r.method == "DELETE") {
        m_ctx.store.db().finishAll();
        done = service.postmortem(id, PostmortemAction::Delete);
        if (!done)
            return serviceError(done.error());
        return ApiResponse::noContent();
    }
    if (which == Endpoint::Postmortem) { // PUT (or POST): the draft
        auto draft = parsePostmortem(r.body);
        if (!draft)
            return ApiResponse::error(400, draft.error());
        m_ctx.store.db().finishAll();
        done = service.setPostmortem(id, PostmortemInput{draft.value(), false});
    } else if (which == Endpoint::PostmortemPublish) {
        auto publish = parsePostmortemPublish(r.body);
        if (!publish)
            return ApiResponse::error(400, publish.error());
        m_ctx.store.db().finishAll();
        done = service.postmortem(id, PostmortemAction::Publish);
    } else {
        m_ctx.store.db().finishAll();
        done = service.postmortem(id, PostmortemAction::Revert);
    }
    if (!done)
        return serviceError(done.error());
    return ApiResponse::json(200, json::apiPostmortem(page, done.value()));
}

} // namespace sd::api
