#pragma once

#include "app/upstream/summarydiff.h"
#include "models/upstream.h"

#include <QJsonObject>

// The bodies relayed to local subscribers for an upstream change: Statuspage's webhook shape (a receiver
// written for Statuspage takes them unchanged), carrying the upstream's component or incident, a `page` block
// naming the upstream (its Statuspage id, indicator, and `name`/`url`) and `meta.source`, the summary URL
// the change was read from. meta.unsubscribe is added per subscriber (payload::forSubscriber), as for local
// events.
namespace sd::upstream {

// `change` is a Component change; its component_update.id is `eventId`.
QJsonObject componentRelay(const Upstream &upstream, const Summary &summary, const Change &change,
                           const QString &eventId, const QString &documentationUrl,
                           const QDateTime &generatedAt);
// `change` is an Incident or Maintenance change: the incident as served, with every field of Statuspage's
// webhook incident present (null or false where the public API does not say).
QJsonObject incidentRelay(const Upstream &upstream, const Summary &summary, const Change &change,
                          const QString &documentationUrl, const QDateTime &generatedAt);

} // namespace sd::upstream
