#pragma once

#include "app/report/deliveryreport.h"
#include "models/outboxrepository.h"

#include <QFont>
#include <QImage>
#include <QRect>
#include <QSize>
#include <vector>

class QMessageBox;
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
        Pdf,
        CsvSummary // totals, status codes and latency buckets as section,key,count rows
    };

    // Where every text and bar of the latency chart goes, computed from the font's metrics before anything
    // is painted, so no label overprints another (the test checks the rectangles).
    struct ChartLayout
    {
        QRect title;
        QRect legendSucceeded; // swatch and text
        QRect legendFailed;
        QRect yMaxLabel; // null when the plot is too short to hold both axis labels
        QRect yZeroLabel;
        QRect plot;                           // the axes' box
        bool verticalBucketLabels = false;    // too wide side by side: drawn rotated, reading upwards
        std::vector<QRect> bars;              // per bucket, successes and failures stacked
        std::vector<QRect> failureBars;       // the failed part of each bar (on top)
        std::vector<QRect> bucketLabels;      // null when skipped for lack of room
        std::vector<QRect> countLabels;       // null when the count is 0 or does not fit over its bar
        std::vector<QString> countTexts;      // "12", "3.4k", "1.2M"
        std::vector<QRect> textRects() const; // every text drawn (null ones left out)
    };
    static ChartLayout latencyChartLayout(const std::vector<DeliveryReport::Bucket> &buckets,
                                          const QSize &size, const QFont &font);
    static bool write(const DeliveryReport &report, Format format, const QString &path, QString *error);
    static QImage latencyChart(const DeliveryReport &report, const QSize &size = QSize(640, 240));
    static Format formatForPath(const QString &path);

    // The dialog: format, time range, the filter (pre-filled from the Deliveries tab, editable) and file.
    // The export itself runs as a ReportExportJob with a progress dialog. The dialog and the job have files
    // of their own (reportexportdialog.h, reportexportjob.h).
    static void run(QWidget *parent, Store &store, const MessageFilter &filter);
    // "Saved N row(s) to PATH." with an Open folder button, after an export (not modal).
    static QMessageBox *showSaved(QWidget *parent, const QString &path, qint64 attempts);
};

} // namespace sd
