#pragma once

#include "app/report/deliveryreport.h"
#include "app/report/reportformat.h"
#include "models/outboxrepository.h"
#include "models/result.h"
#include "models/streamquery.h"

#include <QDateTime>
#include <functional>
#include <memory>
#include <vector>

class QIODevice;

namespace sd {

class Store;

// One delivery report read from one snapshot of the store without loading it (issue 11, streaming
// exports): the attempts come row by row from a forward-only query (a cursor read in pages on
// PostgreSQL), the totals and the latency buckets from aggregate queries. The CSV and JSON writers put each
// row on the device as it is read, so memory stays flat however many attempts there are.
class ReportStream final
{
public:
    using Row = DeliveryReport::Row;
    using Total = DeliveryReport::Total;
    using Bucket = DeliveryReport::Bucket;
    using Summary = ReportSummary;
    // Called every few thousand rows with the count so far; returning false stops the export.
    using Progress = std::function<bool(qint64 rows)>;

    // Opens the snapshot; throws StoreError.
    ReportStream(Store &store, const MessageFilter &filter, const QDateTime &since);
    ~ReportStream();
    ReportStream(const ReportStream &) = delete;
    ReportStream &operator=(const ReportStream &) = delete;

    // Every attempt in start order (the order of the exports); `visit` returns false to stop early.
    // Returns how many rows were visited. Throws StoreError.
    qint64 forEachRow(const std::function<bool(const Row &)> &visit);
    qint64 countRows();                          // what forEachRow would visit; throws StoreError
    Summary summary();                           // throws StoreError
    std::vector<Row> latestRows(int count);      // the latest `count`, oldest first; throws StoreError
    int pagesFetched() const { return m_pages; } // of the last forEachRow (PostgreSQL: one per page)
    void setPageSize(int rows) { m_pageSize = rows; }

    struct Written
    {
        qint64 attempts = 0;
        qint64 successes = 0;
        qint64 endpoints = 0; // distinct endpoints as shown
    };
    // The writers: a one-sentence error on a failed write or a database error; "cancelled" when progress
    // said stop.
    Result<Written> writeCsv(QIODevice &out, const Progress &progress = {});
    // The bytes of each row and of the totals are app/report/reportformat.h's.
    Result<Written> writeJson(QIODevice &out, const QDateTime &generatedAt, const Progress &progress = {});

private:
    // Writes `head`, then each row's `bytes` (index: rows written before it) and tells `written`; asks
    // `progress` every 4096 rows. The number of rows, or a write error, or "cancelled".
    Result<qint64> writeRows(QIODevice &out, const QByteArray &head,
                             const std::function<QByteArray(const Row &, qint64 index)> &bytes,
                             const std::function<void(const Row &)> &written, const Progress &progress);
    std::vector<Total> groupTotals(const QString &rawKeys, int keyCount,
                                   const std::function<QString(const StreamQuery &)> &finalKey);
    DeliveryReport::StatusBreakdown statusBreakdown();
    QString base() const; // FROM ... WHERE ... over attempts a, messages m, subscribers s

    Store &m_store;
    MessageFilter m_filter;
    QDateTime m_since;
    QString m_where;
    QVariantList m_binds;
    std::unique_ptr<ReadSnapshot> m_snapshot;
    int m_pageSize = 1000;
    int m_pages = 0;
};

} // namespace sd
