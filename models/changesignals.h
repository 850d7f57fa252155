#pragma once

#include <QString>
#include <vector>

namespace sd {

class Database;

// What PostgreSQL's NOTIFY gives and SQLite lacks: which kinds of shared data ("data", "deliveries",
// "notices", "settings") another process committed. Every writer bumps its own row (origin, kind) inside the
// transaction that makes the change, so a bump is seen exactly when the change is (and never after a
// rollback); a ChangeWatcher reads the table when PRAGMA data_version says another connection committed.
// One small row per process and kind; rows of processes gone for a day are swept by the next writer.
namespace changesignals {

struct Signal
{
    QString origin; // the writer's process ("pid@host")
    QString kind;
    qint64 seq = 0; // moves with every committed bump of this origin and kind
};

// Call inside the writer's transaction (or alone, as its own autocommit).
void bump(Database &db, const QString &kind, const QString &origin);
std::vector<Signal> read(Database &db);

} // namespace changesignals
} // namespace sd
