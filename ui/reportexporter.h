#pragma once

#include "deliveryreport.h"
#include "outboxrepository.h"

#include <QImage>
#include <QSize>

class QWidget;

namespace sd {

class Store;

// Writes delivery reports to files: CSV and JSON straight from DeliveryReport, printable HTML and PDF
// (QTextDocument + QPdfWriter) with a latency chart painted into an image.
class ReportExporter final
{
public:
    enum class Format
    {
        Csv,
        Json,
        Html,
        Pdf
    };

    static bool write(const DeliveryReport &report, Format format, const QString &path, QString *error);
    static QImage latencyChart(const DeliveryReport &report, const QSize &size = QSize(640, 240));
    static Format formatForPath(const QString &path);

    // The dialog: format, time range and file; respects the filter the operator is looking at.
    static void run(QWidget *parent, Store &store, const MessageFilter &filter);
};

} // namespace sd
