#include "deliveryjournal.h"

#include "store.h"

namespace sd {

DeliveryJournal::DeliveryJournal(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
{}

DeliveryJournal::~DeliveryJournal() = default;

void DeliveryJournal::initialize()
{
    m_store = Store::open(m_path, &m_openError);
}

void DeliveryJournal::write(const JournalBatch &batch)
{
    Q_EMIT written(writeNow(batch));
}

JournalOutcome DeliveryJournal::writeNow(const JournalBatch &batch)
{
    JournalOutcome out;
    if (!m_store) {
        out.ok = false;
        out.error =
            m_openError.isEmpty() ? QStringLiteral("the delivery journal has no database") : m_openError;
        return out;
    }
    try {
        Transaction tx(m_store->db());
        for (const JournalBatch::Result &r : batch.results)
            m_store->outbox.recordAttempt(r.attempt, r.state);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const JournalBatch::StateChange &c : batch.states)
            m_store->outbox.setState(c.messageId, c.state, {}, now);
        for (const JournalBatch::Quarantine &q : batch.quarantines) {
            out.quarantined << q.subscriberId;
            auto s = m_store->subscribers.find(q.subscriberId);
            if (!s || s->state != SubscriberState::Active)
                continue;
            s->state = SubscriberState::Quarantined;
            s->quarantinedAt = now;
            s->purgeAt = now.addMSecs(batch.purgeAfterMs);
            m_store->subscribers.update(*s);
            const int held = m_store->outbox.holdForSubscriber(q.subscriberId, now);
            Notice n;
            n.createdAt = now;
            n.subscriberId = q.subscriberId;
            n.kind = QStringLiteral("quarantined");
            n.text = QStringLiteral(
                         "Subscriber %1 (%2) was quarantined: %3. %4 message(s) held. Tell %5 that "
                         "webhooks to this endpoint have stopped; it is purged on %6 unless reactivated.")
                         .arg(s->id, s->endpoint, q.reason)
                         .arg(held)
                         .arg(s->email, s->purgeAt.toString(Qt::ISODate));
            m_store->notices.add(n);
            out.notices << n.text;
        }
        if (batch.claim > 0) {
            // Subscribers may have changed if anyone else committed (the API, a console, another process);
            // this connection's own commits do not move data_version.
            QSqlQuery &version = m_store->db().run(QStringLiteral("PRAGMA data_version"));
            const qint64 dataVersion = version.next() ? version.value(0).toLongLong() : -1;
            out.externalChange = dataVersion != m_dataVersion;
            m_dataVersion = dataVersion;
            out.claimed = m_store->outbox.due(now, batch.claim);
            out.backlog = static_cast<int>(out.claimed.size()) == batch.claim;
            if (!out.claimed.empty()) {
                QStringList ids;
                ids.reserve(static_cast<qsizetype>(out.claimed.size()));
                for (const Message &m : out.claimed)
                    ids << m.id;
                m_store->outbox.markSending(ids, now);
            }
        }
        tx.commit();
    } catch (const StoreError &e) {
        out = JournalOutcome{};
        out.ok = false;
        out.error = QStringLiteral("could not record delivery results: %1").arg(e.message());
    }
    return out;
}

void DeliveryJournal::shutdown()
{
    m_store.reset();
}

} // namespace sd
