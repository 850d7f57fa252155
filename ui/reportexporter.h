#pragma once

#include "app/report/deliveryreport.h"
#include "models/outboxrepository.h"

#include <QDateTime>
#include <QDialog>
#include <QFont>
#include <QImage>
#include <QObject>
#include <QRect>
#include <QSize>
#include <atomic>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QThread;
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
    // The export itself runs as a ReportExportJob with a progress dialog.
    static void run(QWidget *parent, Store &store, const MessageFilter &filter);
};

// The export dialog. It shows the filter the report will use, pre-filled from the Deliveries tab, every
// field editable, with a Clear button; nothing is inherited unseen.
class ReportExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportExportDialog)

public:
    explicit ReportExportDialog(const MessageFilter &filter, QWidget *parent = nullptr);

    MessageFilter filter() const;
    ReportExporter::Format format() const;
    QDateTime attemptsSince() const; // invalid: every attempt
    QString suffix() const;          // file name suffix of the chosen format
    void clearFilter();

private:
    void updateSummary();

    QComboBox *m_format = nullptr;
    QCheckBox *m_allTime = nullptr;
    QDateTimeEdit *m_since = nullptr;
    QComboBox *m_state = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_endpoint = nullptr;
    QLineEdit *m_subscriber = nullptr;
    QLineEdit *m_text = nullptr;
    QCheckBox *m_createdOn = nullptr;
    QDateTimeEdit *m_created = nullptr;
    QLabel *m_summary = nullptr;
};

// One export on a thread of its own with its own connection to the store (issue 11): the UI thread never
// waits on the database or the disk, however many attempts there are. CSV and JSON stream row by row into
// the file (written beside it and renamed over it when complete); HTML and PDF draw totals and the chart
// from aggregate queries with the latest 500 attempts. progress() and finished() arrive as queued signals.
class ReportExportJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportExportJob)

public:
    ReportExportJob(QString databaseLocation, MessageFilter filter, QDateTime since,
                    ReportExporter::Format format, QString path, QObject *parent = nullptr);
    ~ReportExportJob() override; // cancels and waits for the thread

    void start();
    void cancel() { m_cancelled->store(true); } // the file is left as it was
    bool isRunning() const;

Q_SIGNALS:
    void progress(qint64 attempts);
    void finished(bool ok, const QString &error); // error "cancelled" after cancel()

private:
    QString m_location;
    MessageFilter m_filter;
    QDateTime m_since;
    ReportExporter::Format m_format;
    QString m_path;
    std::shared_ptr<std::atomic<bool>> m_cancelled = std::make_shared<std::atomic<bool>>(false);
    QThread *m_thread = nullptr;
};

} // namespace sd
