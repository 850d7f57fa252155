#include "app/services/outboxwriter.h"

#include "app/formats/webhookpayload.h"
#include "models/ids.h"
#include "models/store.h"

namespace sd {

QStringList OutboxWriter::enqueue(EventKind kind, const QString &subjectId, const QString &subjectName, const QString &eventId,
                          const QJsonObject &event, const Page &page, const std::vector<Subscriber> &recipients,
                          const QDateTime &now)
{
    QStringList out;
    for (const Subscriber &s : recipients) {
        Message m;
        m.id = QStringLiteral("msg_") + ids::randomBase36(20);
        m.subscriberId = s.id;
        m.kind = kind;
        m.subjectId = subjectId;
        m.subjectName = subjectName;
        m.eventId = eventId;
        m.body = payload::forSubscriber(event, page, s);
        m.createdAt = now;
        m.state = DeliveryState::Queued;
        m.nextAttemptAt = now;
        m.createdBy = m_actor;
        m_store.outbox.insert(m);
        out << m.id;
    }
    return out;
}

} // namespace sd
