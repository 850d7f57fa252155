#include "app/readers/messagedetailreader.h"

#include "models/store.h"
#include "models/values.h"

#include <QSqlQuery>

namespace sd {
namespace {

MessageDetail readDetail(Store &store, const Message &message)
{
    MessageDetail d;
    d.message = message;
    try {
        QSqlQuery &q = store.db().run(
            QStringLiteral("SELECT b.body, m.created_by, m.next_actor, m.next_trigger FROM messages m JOIN "
                           "message_bodies b ON b.message_id = m.id WHERE m.id = ?"),
            {message.id});
        if (q.next()) {
            d.message.body = q.value(0).toByteArray();
            d.message.createdBy = q.value(1).toString();
            d.message.nextActor = q.value(2).toString();
            d.message.nextTrigger =
                parseAttemptTrigger(q.value(3).toString()).value_or(AttemptTrigger::Automatic);
        }
        q.finish();
        d.attempts = store.outbox.attempts(message.id);
    } catch (const StoreError &e) {
        store.db().finishAll();
        d.error = e.message();
    }
    return d;
}

} // namespace

MessageDetailReader::MessageDetailReader(QString databaseLocation, QObject *parent)
    : QObject(parent)
    , m_thread(QStringLiteral("message detail reader"), std::move(databaseLocation))
{}

MessageDetailReader::~MessageDetailReader() = default;

void MessageDetailReader::read(const Message &message)
{
    const quint64 generation = ++*m_latest;
    // The answer goes through this object: m_thread stops before it is gone, and an answer still queued then
    // is dropped with it.
    m_thread.post([this, latest = m_latest, generation, message](Store *store, const QString &error) {
        if (latest->load() != generation)
            return; // a newer read replaced this one before it started
        MessageDetail d;
        if (store) {
            d = readDetail(*store, message);
        } else {
            d.message = message;
            d.error = error;
        }
        QMetaObject::invokeMethod(
            this, [this, d = std::move(d)] { Q_EMIT ready(d); }, Qt::QueuedConnection);
    });
}

} // namespace sd
