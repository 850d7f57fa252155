#pragma once

#include "result.h"
#include "statusrules.h"
#include "store.h"

#include <QDateTime>

#include <functional>

namespace sd {

using Clock = std::function<QDateTime()>;
inline QDateTime systemClock() { return QDateTime::currentDateTimeUtc(); }

// What every operator-facing service needs: the store it writes through and a clock tests can set.
struct ServiceContext
{
    Store &store;
    Clock now = systemClock;

    PageStatus currentPageStatus();
};

// Runs `work` inside one transaction; a StoreError rolls everything back and becomes an Error.
template<typename F> auto inTransaction(Store &store, F &&work) -> decltype(work())
{
    try {
        Transaction tx(store.db());
        auto result = work();
        if (result.ok())
            tx.commit();
        return result;
    } catch (const StoreError &e) {
        return Error{QStringLiteral("database error: %1").arg(e.message())};
    }
}

} // namespace sd
