#include "app/formats/webhookpayload.h"

#include "app/formats/incidentfields.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

namespace sd::payload {
namespace {

QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonObject meta(const Page &page, const QDateTime &generatedAt)
{
    return {{QStringLiteral("unsubscribe"), QJsonValue::Null},
            {QStringLiteral("documentation"), orNull(page.documentationUrl)},
            {QStringLiteral("generated_at"), timefmt::utc(generatedAt)}};
}

QJsonObject pageObject(const Page &page, const PageStatus &status)
{
    return {{QStringLiteral("id"), page.id},
            {QStringLiteral("status_indicator"), status.indicator},
            {QStringLiteral("status_description"), status.description}};
}

} // namespace

QJsonObject componentObject(const Component &c, const QString &pageId)
{
    return {{QStringLiteral("created_at"), timefmt::utc(c.createdAt)},
            {QStringLiteral("id"), c.id},
            {QStringLiteral("name"), c.name},
            {QStringLiteral("status"), toString(c.status)},
            {QStringLiteral("position"), c.position},
            {QStringLiteral("description"), orNull(c.description)},
            {QStringLiteral("showcase"), c.showcase},
            {QStringLiteral("page_id"), pageId},
            {QStringLiteral("group_id"), orNull(c.groupId)},
            {QStringLiteral("group"), false},
            {QStringLiteral("only_show_if_degraded"), false},
            {QStringLiteral("updated_at"), timefmt::utc(c.updatedAt)}};
}

QJsonObject componentEvent(const Page &page, const PageStatus &status, const Component &component,
                           const ComponentUpdate &update, const QDateTime &generatedAt)
{
    const QJsonObject componentUpdate{{QStringLiteral("created_at"), timefmt::utc(update.createdAt)},
                                      {QStringLiteral("new_status"), toString(update.newStatus)},
                                      {QStringLiteral("old_status"), toString(update.oldStatus)},
                                      {QStringLiteral("id"), update.id},
                                      {QStringLiteral("component_id"), update.componentId},
                                      {QStringLiteral("component_type"), QStringLiteral("Component")}};
    return {{QStringLiteral("meta"), meta(page, generatedAt)},
            {QStringLiteral("page"), pageObject(page, status)},
            {QStringLiteral("component_update"), componentUpdate},
            {QStringLiteral("component"), componentObject(component, page.id)}};
}

QJsonObject incidentObject(const Page &page, const Incident &i, const std::vector<Component> &components)
{
    const QString &tz = page.timeZone;
    QJsonArray updates;
    for (const IncidentUpdate &u : i.updates) { // already newest first
        QJsonValue affected = QJsonValue::Null;
        if (!u.affectedComponents.empty()) {
            QJsonArray list;
            for (const AffectedComponent &a : u.affectedComponents) {
                list.append(QJsonObject{{QStringLiteral("code"), a.code},
                                        {QStringLiteral("name"), a.name},
                                        {QStringLiteral("old_status"), toString(a.oldStatus)},
                                        {QStringLiteral("new_status"), toString(a.newStatus)}});
            }
            affected = list;
        }
        updates.append(
            QJsonObject{{QStringLiteral("body"), u.body},
                        {QStringLiteral("created_at"), timefmt::inZone(u.createdAt, tz)},
                        {QStringLiteral("display_at"), timefmt::inZone(u.displayAt, tz)},
                        {QStringLiteral("status"), toString(u.status)},
                        {QStringLiteral("twitter_updated_at"), timefmt::inZone(u.twitterUpdatedAt, tz)},
                        {QStringLiteral("updated_at"), timefmt::inZone(u.updatedAt, tz)},
                        {QStringLiteral("wants_twitter_update"), u.wantsTwitterUpdate},
                        {QStringLiteral("id"), u.id},
                        {QStringLiteral("incident_id"), u.incidentId},
                        {QStringLiteral("affected_components"), affected},
                        {QStringLiteral("deliver_notifications"), u.deliverNotifications}});
    }
    QJsonArray componentList;
    for (const Component &c : components) {
        if (i.componentIds.contains(c.id))
            componentList.append(componentObject(c, page.id));
    }
    QJsonObject o{{QStringLiteral("impact"), toString(i.impact)},
                  {QStringLiteral("impact_override"),
                   i.impactOverride ? QJsonValue(toString(*i.impactOverride)) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("postmortem_body"), orNull(i.postmortemBody)},
                  {QStringLiteral("shortlink"), orNull(i.shortlink)},
                  {QStringLiteral("status"), toString(i.status)},
                  {QStringLiteral("id"), i.id},
                  {QStringLiteral("organization_id"), page.id},
                  {QStringLiteral("page_id"), page.id},
                  {QStringLiteral("incident_updates"), updates},
                  {QStringLiteral("components"), componentList},
                  {QStringLiteral("name"), i.name}};
    for (const incidentfields::Field &f : incidentfields::kAll) {
        if (f.time)
            o.insert(QLatin1String(f.name), timefmt::inZone(i.*f.time, tz));
        else
            o.insert(QLatin1String(f.name), i.*f.flag);
    }
    return o;
}

QJsonObject incidentEvent(const Page &page, const PageStatus &status, const Incident &incident,
                          const std::vector<Component> &components, const QDateTime &generatedAt)
{
    return {{QStringLiteral("meta"), meta(page, generatedAt)},
            {QStringLiteral("page"), pageObject(page, status)},
            {QStringLiteral("incident"), incidentObject(page, incident, components)}};
}

QJsonObject testEvent(const Page &page, const PageStatus &status, const QDateTime &generatedAt)
{
    // Neither "incident" nor "component": a Statuspage receiver sees a valid body it has nothing to act on.
    return {{QStringLiteral("meta"), meta(page, generatedAt)},
            {QStringLiteral("page"), pageObject(page, status)},
            {QStringLiteral("test"), true}};
}

QString unsubscribeUrl(const Page &page, const QString &token)
{
    QUrl url(page.url);
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("unsubscribe"));
    query.addQueryItem(QStringLiteral("unsubscribe"), token);
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

QByteArray forSubscriber(QJsonObject event, const Page &page, const Subscriber &subscriber)
{
    QJsonObject m = event.value(QLatin1String("meta")).toObject();
    m.insert(QStringLiteral("unsubscribe"), unsubscribeUrl(page, subscriber.unsubscribeToken));
    event.insert(QStringLiteral("meta"), m);
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}

} // namespace sd::payload
