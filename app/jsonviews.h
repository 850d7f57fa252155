#pragma once

#include "auditrepository.h"
#include "domain.h"
#include "statusrules.h"

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

} // namespace sd::json
