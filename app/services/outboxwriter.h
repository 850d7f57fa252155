#pragma once

#include "models/domain.h"

#include <QJsonObject>
#include <vector>

namespace sd {

class Store;

// Turns one event into one outbox message per subscriber, inside the caller's transaction, so a change
// and every message it causes commit together. Each message names `actor`, the operator whose change
// queued it.
class OutboxWriter final
{
public:
    OutboxWriter(Store &store, QString actor)
        : m_store(store)
        , m_actor(std::move(actor))
    {}

    // Returns the new message ids.
    QStringList enqueue(EventKind kind, const QString &subjectId, const QString &subjectName, const QString &eventId,
                const QJsonObject &event, const Page &page, const std::vector<Subscriber> &recipients,
                const QDateTime &now);

private:
    Store &m_store;
    QString m_actor;
};

} // namespace sd
