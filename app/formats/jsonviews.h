#pragma once

#include "models/auditrepository.h"
#include "models/domain.h"
#include "models/statusrules.h"

#include <QJsonObject>

// JSON shapes of stored objects for listings, the HTTP API and reports. Field names are Statuspage's.
namespace sd::json {

QJsonObject page(const Page &p, const PageStatus &status);
QJsonObject component(const Component &c, const QString &pageId, const QString &groupName = {});
QJsonObject subscriber(const Subscriber &s, bool includeSecret = false);
QJsonObject incident(const Page &page, const Incident &i, const std::vector<Component> &components);
// incident() plus "actor" on each incident update: for StatusDesk's own listings only. The API and the
// webhooks keep Statuspage's fields exactly.
QJsonObject incidentWithActors(const Page &page, const Incident &i, const std::vector<Component> &components);
QJsonObject message(const Message &m);
QJsonObject attempt(const Attempt &a);
QJsonObject auditEntry(const AuditEntry &e);

// The management API's shapes (issue 10): the objects above plus every field Statuspage's OpenAPI document
// lists for them, with null (or Statuspage's default) for what StatusDesk does not hold.
QJsonObject apiPage(const Page &p, const PageStatus &status);
QJsonObject apiComponent(const Component &c, const QString &pageId, const QString &groupName = {});
QJsonObject apiComponentGroup(const ComponentGroup &g, const QString &pageId,
                              const QStringList &componentIds);
QJsonObject apiIncident(const Page &page, const Incident &i, const std::vector<Component> &components);
QJsonObject apiIncidentUpdate(const Page &page, const Incident &i, const QString &updateId);
QJsonObject apiPostmortem(const Page &page, const Incident &i);
QJsonObject apiSubscriber(const Subscriber &s);

} // namespace sd::json
