#pragma once

#include "app/report/deliveryreport.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <vector>

namespace sd {

// A report's totals: what the JSON report writes after its rows (ReportStream::summary() reads it).
struct ReportSummary
{
    DeliveryReport::Total overall;
    std::vector<DeliveryReport::Total> byEndpoint; // sorted by endpoint (redacted)
    std::vector<DeliveryReport::Total> byEvent;    // sorted by event label
    std::vector<DeliveryReport::Bucket> histogram; // DeliveryReport::latencyHistogram()'s buckets
    DeliveryReport::StatusBreakdown statusCodes;
};

// The bytes of a delivery report, shared by the streaming writers (ReportStream::writeCsv/writeJson) and
// DeliveryReport::toCsv()/toJson(), so both write the same bytes.
namespace reportfmt {

// timefmt::isoUtc(t), byte for byte, without its cost.
QString timestamp(const QDateTime &t);
QByteArray csvHeader();
QByteArray csvLine(const DeliveryReport::Row &r);
QJsonObject rowJson(const DeliveryReport::Row &r);
QJsonObject totalJson(const DeliveryReport::Total &t, const QString &keyName);
QJsonObject statusCodesJson(const DeliveryReport::StatusBreakdown &b);
// The JSON document in three parts: `jsonHead()`, each row through `jsonRow()`, then `jsonTail()`. The
// result is byte for byte what QJsonDocument::toJson(Indented) makes of the whole object.
QByteArray jsonHead();
QByteArray jsonRow(const DeliveryReport::Row &r, bool first);
QByteArray jsonTail(bool anyRows, const ReportSummary &summary, const QDateTime &since,
                    const QString &filterText, const QDateTime &generatedAt);

} // namespace reportfmt
} // namespace sd
