#include "apihandlers.h"

#include "apikeystore.h"
#include "apirequestparser.h"
#include "componentservice.h"
#include "endpointurl.h"
#include "incidentservice.h"
#include "jsonviews.h"
#include "subscriberservice.h"
#include "values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

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

// "Authorization: OAuth <key>", as Statuspage's API.
QString presentedKey(const QByteArray &header)
{
    const QByteArray trimmed = header.trimmed();
    const int space = static_cast<int>(trimmed.indexOf(' '));
    if (space <= 0 || trimmed.left(space).toLower() != "oauth")
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
    return json(status, QJsonObject{{QStringLiteral("error"), message}});
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
        if (request.authorization.isEmpty())
            return ApiResponse::error(
                401, QStringLiteral("missing Authorization header; send \"Authorization: OAuth <key>\""));
        const auto key = ApiKeyStore(m_ctx.store.db()).verifiedKey(presentedKey(request.authorization));
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
        return route(request, match);
    } catch (const StoreError &e) {
        return ApiResponse::error(500, QStringLiteral("database error: %1").arg(e.message()));
    }
}

ApiResponse ApiHandlers::route(const ApiRequest &r, const RouteMatch &m)
{
    const bool get = r.method == "GET";
    switch (m.endpoint) {
    case Endpoint::Page:
        return ApiResponse::json(200, json::page(m_ctx.store.page.get(), m_ctx.currentPageStatus()));
    case Endpoint::Subscribers:
        return get ? listSubscribers(r) : createSubscriber(r);
    case Endpoint::ReactivateSubscribers:
        return reactivateSubscribers(r);
    case Endpoint::Subscriber:
        return get ? getSubscriber(m.id) : deleteSubscriber(m.id);
    case Endpoint::Components:
        return listComponents();
    case Endpoint::Component:
        return get ? getComponent(m.id) : patchComponent(m.id, r);
    case Endpoint::Incidents:
        return get ? listIncidents() : createIncident(r);
    case Endpoint::Incident:
        return get ? getIncident(m.id) : updateIncident(m.id, r);
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

ApiResponse ApiHandlers::listSubscribers(const ApiRequest &r)
{
    auto query = parseSubscriberQuery(r.query);
    if (!query)
        return ApiResponse::error(400, query.error());
    const ListQuery &q = query.value();
    const int offset = (q.page - 1) * q.perPage;
    std::vector<Subscriber> list;
    if (q.state) {
        list = m_ctx.store.subscribers.list(q.state, q.perPage, offset);
    } else {
        // state=all includes unsubscribed ones, which list() leaves out; the table is small.
        const std::vector<Subscriber> all = m_ctx.store.subscribers.all();
        for (size_t i = static_cast<size_t>(offset);
             i < all.size() && list.size() < static_cast<size_t>(q.perPage); ++i)
            list.push_back(all.at(i));
    }
    QJsonArray array;
    for (const Subscriber &s : list)
        array.append(json::subscriber(s));
    return ApiResponse::json(200, array);
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
    return ApiResponse::json(201, json::subscriber(added.value()));
}

ApiResponse ApiHandlers::getSubscriber(const QString &id)
{
    const auto s = m_ctx.store.subscribers.find(id);
    if (!s)
        return notFound(QStringLiteral("subscriber"), id);
    return ApiResponse::json(200, json::subscriber(*s));
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
    return ApiResponse::json(200, json::subscriber(removed.value()));
}

ApiResponse ApiHandlers::reactivateSubscribers(const ApiRequest &r)
{
    auto ids = parseReactivate(r.body);
    if (!ids)
        return ApiResponse::error(400, ids.error());
    // Check every id first, so a typo in the list changes nothing.
    for (const QString &id : ids.value()) {
        const auto s = m_ctx.store.subscribers.find(id);
        if (!s || s->state == SubscriberState::Unsubscribed)
            return ApiResponse::error(
                422, QStringLiteral("unknown subscriber id \"%1\"; nothing was reactivated").arg(id));
    }
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    SubscriberService service(m_ctx);
    QJsonArray reactivated;
    int released = 0;
    for (const QString &id : ids.value()) {
        m_ctx.store.db().finishAll();
        auto done = service.reactivate(id);
        if (!done)
            return serviceError(done.error());
        released += done.value();
        reactivated.append(json::subscriber(*m_ctx.store.subscribers.find(id)));
    }
    ApiResponse out = ApiResponse::json(200, QJsonObject{{QStringLiteral("subscribers"), reactivated},
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
    return json::component(c, m_ctx.store.page.get().id, groupName);
}

QJsonObject ApiHandlers::incidentJson(const Incident &i)
{
    return json::incident(m_ctx.store.page.get(), i, m_ctx.store.components.all());
}

ApiResponse ApiHandlers::listComponents()
{
    QJsonArray array;
    for (const Component &c : m_ctx.store.components.all())
        array.append(componentJson(c));
    return ApiResponse::json(200, array);
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
    ComponentPatch patch;
    patch.status = input->status;
    patch.name = input->name;
    patch.description = input->description;
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto change = ComponentService(m_ctx).update(id, patch);
    if (!change)
        return serviceError(change.error());
    ApiResponse out = ApiResponse::json(200, componentJson(change->component));
    out.queuedMessages = change->messages;
    return out;
}

ApiResponse ApiHandlers::listIncidents()
{
    QJsonArray array;
    const Page page = m_ctx.store.page.get();
    const auto components = m_ctx.store.components.all();
    for (const Incident &i : m_ctx.store.incidents.all())
        array.append(json::incident(page, i, components));
    return ApiResponse::json(200, array);
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
    n.status = in.status.value_or(IncidentStatus::Investigating);
    n.body = in.body.value_or(QString());
    n.impactOverride = in.impactOverride;
    n.components = changes.value();
    n.notify = in.deliverNotifications;
    n.backfilled = in.backfilled;
    n.scheduledFor = in.scheduledFor;
    n.scheduledUntil = in.scheduledUntil;
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
    IncidentUpdateInput u;
    u.status = in.status.value_or(found->status);
    u.body = in.body.value_or(QString());
    u.components = changes.value();
    u.impactOverride = in.impactOverride;
    u.notify = in.deliverNotifications;
    m_ctx.store.db().finishAll(); // reads above must not pin an old snapshot
    auto updated = IncidentService(m_ctx).update(id, u);
    if (!updated)
        return serviceError(updated.error());
    ApiResponse out = ApiResponse::json(200, incidentJson(updated->incident));
    out.queuedMessages = updated->incidentMessages + updated->componentMessages;
    return out;
}

} // namespace sd::api
