#pragma once

#include "domain.h"

#include <QJsonObject>

#include <vector>

namespace sd {

class Store;

// Turns one event into one outbox message per subscriber, inside the caller's transaction, so a change
// and every message it causes commit together.
class OutboxWriter final
{
public:
    explicit OutboxWriter(Store &store) : m_store(store) {}

    // Returns the new message ids.
    QStringList enqueue(EventKind kind, const QString &subjectId, const QString &subjectName, const QString &eventId,
                const QJsonObject &event, const Page &page, const std::vector<Subscriber> &recipients,
                const QDateTime &now);

private:
    Store &m_store;
};

} // namespace sd
