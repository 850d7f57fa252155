#pragma once

#include "models/streamquery.h"

#include <QString>
#include <QVariant>

struct sqlite3_stmt;

namespace sd {

// The rows of one SELECT read with SQLite's own API on the store's connection (issue 11, streaming
// exports). Through QSqlQuery every value becomes a QVariant and every text is converted to UTF-16 by
// SQLite first; for a million-row CSV report that cost more than the query itself. Only for the SQLite
// backend (available()), inside a ReadSnapshot. It relies on Qt's SQLite driver using the system
// libsqlite3 that StatusDesk links (as Debian's does), so the driver's handle is ours to use.
class SqliteRows final
{
public:
    static bool available(Database &db);
    SqliteRows(ReadSnapshot &snapshot, const QString &sql, const QVariantList &binds); // throws StoreError
    ~SqliteRows();
    SqliteRows(const SqliteRows &) = delete;
    SqliteRows &operator=(const SqliteRows &) = delete;

    bool next(); // throws StoreError
    bool isNull(int column) const;
    qint64 integer(int column) const;
    QString text(int column) const; // empty for NULL

private:
    sqlite3_stmt *m_stmt = nullptr;
};

} // namespace sd
