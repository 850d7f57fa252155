#pragma once

#include "models/database.h"

#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace sd {

// One consistent view of the store for the length of an export, so a report's totals and rows agree even
// while deliveries go on (issue 11, streaming exports). SQLite: a deferred read transaction (WAL lets
// writers carry on); PostgreSQL: REPEATABLE READ, READ ONLY, which server-side cursors need. Ends when
// destroyed (it writes nothing).
class ReadSnapshot final
{
public:
    explicit ReadSnapshot(Database &db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;
    Database &db() { return m_db; }

private:
    Database &m_db;
};

// A SELECT of any size read row by row with bounded memory. SQLite: one forward-only statement (SQLite
// steps through it; a sort spills to temporary files). PostgreSQL: a plain query's whole result reaches
// the client, so the query runs as a server-side cursor read in FETCHes of `pageSize` rows. Only for use
// inside a ReadSnapshot; other statements may run on the connection between rows.
class StreamQuery final
{
public:
    StreamQuery(ReadSnapshot &snapshot, const QString &sql, const QVariantList &binds = {},
                int pageSize = 1000);
    ~StreamQuery();
    StreamQuery(const StreamQuery &) = delete;
    StreamQuery &operator=(const StreamQuery &) = delete;

    bool next(); // throws StoreError
    QVariant value(int column) const { return m_query.value(column); }
    const QSqlQuery &row() const { return m_query; } // for a repository's own row reader
    // How many queries fetched rows: 1 on SQLite, one per page (and the empty last FETCH) on PostgreSQL.
    int pagesFetched() const { return m_pages; }
    qint64 rowsRead() const { return m_rows; }

private:
    void fetchPage();

    Database &m_db;
    QSqlQuery m_query;
    QString m_cursor; // PostgreSQL only
    int m_pageSize;
    int m_pages = 0;
    int m_rowsInPage = 0;
    qint64 m_rows = 0;
    bool m_done = false;
};

} // namespace sd
