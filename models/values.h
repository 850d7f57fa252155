#pragma once

#include "models/domain.h"

#include <QStringList>
#include <optional>

// The wire names of every enumerated value, and their parsing. One table per enum keeps names and
// order in one place; parse errors list the valid values.
namespace sd {

QString toString(ComponentStatus v);
QString toString(IncidentStatus v);
QString toString(Impact v);
QString toString(SubscriberState v);
QString toString(DeliveryState v);
QString toString(EventKind v);
QString toString(AttemptTrigger v);

std::optional<ComponentStatus> parseComponentStatus(QStringView s);
std::optional<IncidentStatus> parseIncidentStatus(QStringView s);
std::optional<Impact> parseImpact(QStringView s);
std::optional<SubscriberState> parseSubscriberState(QStringView s);
std::optional<DeliveryState> parseDeliveryState(QStringView s);
std::optional<EventKind> parseEventKind(QStringView s);
std::optional<AttemptTrigger> parseAttemptTrigger(QStringView s);

QStringList componentStatusNames();
QStringList incidentStatusNames();
QStringList impactNames();
QStringList subscriberStateNames();
QStringList deliveryStateNames();

// Human labels for the UI ("Degraded performance").
QString componentStatusLabel(ComponentStatus v);
QString deliveryStateLabel(DeliveryState v);
QString incidentStatusLabel(IncidentStatus v); // "In progress", never the wire's "in_progress"
QString impactLabel(Impact v); // "Major"

bool isScheduledMaintenance(IncidentStatus s);
bool isClosed(IncidentStatus s); // resolved or completed

} // namespace sd
