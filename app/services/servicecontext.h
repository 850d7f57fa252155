#pragma once

#include "app/services/operatoridentity.h"
#include "models/result.h"
#include "models/statusrules.h"
#include "models/store.h"

#include <QDateTime>
#include <functional>
#include <optional>

namespace sd {

using Clock = std::function<QDateTime()>;
inline QDateTime systemClock() { return QDateTime::currentDateTimeUtc(); }

// What every operator-facing service needs: the store it writes through, a clock tests can set and the
// operator every change is recorded under.
struct ServiceContext
{
    Store &store;
    Clock now = systemClock;
    QString actor = defaultOperator();

    PageStatus currentPageStatus();
    // The incident `id`, or the sentence for an unknown id.
    Result<Incident> incident(const QString &id);
    // The subscriber `id` unless it is unknown or has unsubscribed (to an operator both are gone).
    Result<Subscriber> liveSubscriber(const QString &id);
    // One audit_log row under `actor`; call it inside the change's transaction so both commit or neither.
    void audit(const QString &action, const QString &subjectKind, const QString &subjectId,
               const QString &detail);
};

// The one sentence for a failed write: "the disk is full: ...; nothing was written" when SQLite or PostgreSQL
// ran out of space (so it is not mistaken for corruption; `location`, the database's path, lets an SQLite I/O
// error on a full file system be named so too), "the database is read-only here ..." for a database opened
// read-only, else "database error: ...".
QString storeFailure(const QString &message, const QString &location = {});

// A PATCH copies the fields it carries and leaves the others alone: `field` takes `value` when it is set.
template<typename T, typename U> void setIfGiven(T &field, const std::optional<U> &value)
{
    if (value)
        field = *value;
}

// Runs `work` inside one transaction; a StoreError rolls everything back and becomes an Error.
template<typename F> auto inTransaction(Store &store, F &&work) -> decltype(work())
{
    try {
        Transaction tx(store.db());
        auto result = work();
        if (result.ok()) {
            // Other desks' consoles hear of the change when it commits (PostgreSQL NOTIFY; no-op on SQLite).
            store.db().notifyChanged(QStringLiteral("data"));
            tx.commit();
        }
        return result;
    } catch (const StoreError &e) {
        return Error{storeFailure(e.message(), store.db().path())};
    }
}

} // namespace sd
