#pragma once

#include "models/domain.h"
#include "models/statusrules.h"

#include <QByteArray>
#include <QJsonObject>
#include <vector>

// Builds Statuspage-shaped webhook bodies. The event is built once per change; forSubscriber() adds the
// subscriber's unsubscribe link and fixes the bytes that every attempt will send.
namespace sd::payload {

QJsonObject componentObject(const Component &c, const QString &pageId);
QJsonObject componentEvent(const Page &page, const PageStatus &status, const Component &component,
                           const ComponentUpdate &update, const QDateTime &generatedAt);
QJsonObject incidentObject(const Page &page, const Incident &incident, const std::vector<Component> &components);
QJsonObject incidentEvent(const Page &page, const PageStatus &status, const Incident &incident,
                          const std::vector<Component> &components, const QDateTime &generatedAt);
QJsonObject testEvent(const Page &page, const PageStatus &status, const QDateTime &generatedAt);

QString unsubscribeUrl(const Page &page, const QString &token);
QByteArray forSubscriber(QJsonObject event, const Page &page, const Subscriber &subscriber);

} // namespace sd::payload
