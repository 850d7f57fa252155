#include "models/changesignals.h"

#include "models/database.h"

#include <QAtomicInteger>
#include <QDateTime>

namespace sd::changesignals {
namespace {
constexpr qint64 kSweepAfterMs = 24LL * 3600 * 1000;
QAtomicInteger<qint64> g_lastSweep{0}; // once an hour per process is plenty
} // namespace

void bump(Database &db, const QString &kind, const QString &origin)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    db.run(QStringLiteral("INSERT INTO change_signals (origin, kind, seq, at) VALUES (?, ?, 1, ?) "
                          "ON CONFLICT (origin, kind) DO UPDATE SET seq = change_signals.seq + 1, at = "
                          "excluded.at"),
           {origin, kind, now});
    const qint64 last = g_lastSweep.loadRelaxed();
    if (now - last > 3600 * 1000 && g_lastSweep.testAndSetRelaxed(last, now))
        db.run(QStringLiteral("DELETE FROM change_signals WHERE at < ?"), {now - kSweepAfterMs});
}

std::vector<Signal> read(Database &db)
{
    QSqlQuery &q = db.run(QStringLiteral("SELECT origin, kind, seq FROM change_signals"));
    std::vector<Signal> out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong()});
    q.finish(); // never keep the read snapshot open between polls
    return out;
}

} // namespace sd::changesignals
