#include "reportexporter.h"

#include "databasefiles.h"
#include "reportstream.h"
#include "safefiledialog.h"
#include "store.h"

#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPointer>
#include <QProgressDialog>
#include <QSaveFile>
#include <QTextDocument>
#include <QThread>
#include <QUrl>
#include <algorithm>

namespace sd {
namespace {

const QString kChartName = QStringLiteral("statusdesk://latency-chart.png");

bool saveBytes(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        if (error)
            *error = QObject::tr("Could not write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

// The report's HTML is escaped, so its only image is the chart added as a resource; anything else it might
// name is never loaded (QTextDocument would otherwise open a file path given as an image source).
class ChartOnlyDocument final : public QTextDocument
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChartOnlyDocument)

public:
    using QTextDocument::QTextDocument;

protected:
    QVariant loadResource(int, const QUrl &) override { return {}; }
};

} // namespace

ReportExporter::Format ReportExporter::formatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("json"))
        return Format::Json;
    if (suffix == QLatin1String("html") || suffix == QLatin1String("htm"))
        return Format::Html;
    if (suffix == QLatin1String("pdf"))
        return Format::Pdf;
    return Format::Csv;
}

QImage ReportExporter::latencyChart(const DeliveryReport &report, const QSize &size)
{
    const std::vector<DeliveryReport::Bucket> buckets = report.latencyHistogram();
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const int left = 50;
    const int bottom = size.height() - 30;
    const int top = 20;
    const int width = size.width() - left - 10;
    int maxCount = 1;
    for (const auto &b : buckets)
        maxCount = std::max(maxCount, b.count);
    p.setPen(Qt::black);
    p.drawLine(left, top, left, bottom);
    p.drawLine(left, bottom, left + width, bottom);
    p.drawText(QRect(0, top - 16, left + 200, 16), Qt::AlignLeft, QObject::tr("Attempts by duration"));
    p.drawText(QRect(0, top, left - 6, 14), Qt::AlignRight, QString::number(maxCount));
    p.drawText(QRect(0, bottom - 14, left - 6, 14), Qt::AlignRight, QStringLiteral("0"));
    const int slot = width / static_cast<int>(buckets.size());
    for (size_t i = 0; i < buckets.size(); ++i) {
        const int h = static_cast<int>(static_cast<double>(bottom - top) * buckets[i].count / maxCount);
        const int x = left + static_cast<int>(i) * slot + 6;
        const QRect bar(x, bottom - h, slot - 12, h);
        p.fillRect(bar, i < 5 ? QColor(0x34, 0x6d, 0xb3) : QColor(0xd3, 0x75, 0x00));
        p.drawText(QRect(x - 6, bottom + 4, slot, 20), Qt::AlignHCenter | Qt::AlignTop, buckets[i].label);
        if (buckets[i].count > 0)
            p.drawText(QRect(x - 6, bottom - h - 16, slot, 16), Qt::AlignHCenter,
                       QString::number(buckets[i].count));
    }
    p.end();
    return image;
}

bool ReportExporter::write(const DeliveryReport &report, Format format, const QString &path, QString *error)
{
    // Writing (even QSaveFile's rename over it) to the open database or its WAL would corrupt it.
    if (const QString refusal = DatabaseFiles::refusal(path); !refusal.isEmpty()) {
        if (error)
            *error = refusal;
        return false;
    }
    switch (format) {
    case Format::Csv:
        return saveBytes(path, report.toCsv(), error);
    case Format::Json:
        return saveBytes(path, report.toJson(), error);
    case Format::Html: {
        // A standalone HTML file carries the chart inline as a data: URL.
        const QImage chart = latencyChart(report);
        QByteArray png;
        {
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            chart.save(&buffer, "PNG");
        }
        const QString dataUrl =
            QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
        return saveBytes(path, report.toHtml(dataUrl).toUtf8(), error);
    }
    case Format::Pdf: {
        ChartOnlyDocument doc;
        doc.addResource(QTextDocument::ImageResource, QUrl(kChartName), latencyChart(report));
        doc.setHtml(report.toHtml(kChartName));
        QPdfWriter writer(path);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(150);
        writer.setTitle(QObject::tr("Webhook delivery report"));
        writer.setCreator(QStringLiteral("StatusDesk"));
        doc.setPageSize(QSizeF(writer.width(), writer.height()));
        doc.print(&writer);
        if (!QFileInfo::exists(path)) {
            if (error)
                *error = QObject::tr("Could not write %1.").arg(path);
            return false;
        }
        return true;
    }
    }
    return false;
}

void ReportExporter::run(QWidget *parent, Store &store, const MessageFilter &filter)
{
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("reportDialog"));
    dialog.setWindowTitle(QObject::tr("Export delivery report"));
    auto *format = new QComboBox(&dialog);
    format->addItem(QObject::tr("CSV (one row per attempt)"), QStringLiteral("csv"));
    format->addItem(QObject::tr("JSON"), QStringLiteral("json"));
    format->addItem(QObject::tr("HTML (printable)"), QStringLiteral("html"));
    format->addItem(QObject::tr("PDF"), QStringLiteral("pdf"));
    auto *allTime = new QCheckBox(QObject::tr("All attempts"), &dialog);
    allTime->setChecked(true);
    auto *since = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-1), &dialog);
    since->setCalendarPopup(true);
    since->setEnabled(false);
    QObject::connect(allTime, &QCheckBox::toggled, since, [since](bool on) { since->setEnabled(!on); });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(QObject::tr("Format:"), format);
    form->addRow(QObject::tr("Attempts since:"), since);
    form->addRow(QString(), allTime);
    form->addRow(QObject::tr("Filter:"), new QLabel(DeliveryReport::filterDescription(filter), &dialog));
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString suffix = format->currentData().toString();
    const QString path = SafeFileDialog::getSaveFileName(
        parent, QObject::tr("Save report"), QStringLiteral("delivery-report.") + suffix,
        QStringLiteral("%1 (*.%2)").arg(suffix.toUpper(), suffix), suffix);
    if (path.isEmpty())
        return;
    if (const QString refusal = DatabaseFiles::refusal(path); !refusal.isEmpty()) {
        QMessageBox::warning(parent, QObject::tr("Export"), refusal);
        return;
    }
    auto *job = new ReportExportJob(store.db().path(), filter,
                                    allTime->isChecked() ? QDateTime() : since->dateTime().toUTC(),
                                    formatForPath(path), path, parent);
    auto *progress = new QProgressDialog(QObject::tr("Exporting the delivery report…"), QObject::tr("Cancel"),
                                         0, 0, parent);
    progress->setObjectName(QStringLiteral("reportProgress"));
    progress->setWindowTitle(QObject::tr("Export"));
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setMinimumDuration(300);
    QObject::connect(progress, &QProgressDialog::canceled, job, &ReportExportJob::cancel);
    QObject::connect(job, &ReportExportJob::progress, progress, [progress](qint64 attempts) {
        progress->setLabelText(
            QObject::tr("Exporting the delivery report… %L1 attempts written").arg(attempts));
    });
    QPointer<QWidget> owner(parent);
    QObject::connect(job, &ReportExportJob::finished, progress,
                     [job, progress, owner](bool ok, const QString &error) {
                         progress->close();
                         job->deleteLater();
                         if (!ok && error != QLatin1String("cancelled") && owner)
                             QMessageBox::warning(owner, QObject::tr("Export"), error);
                     });
    job->start();
}

ReportExportJob::ReportExportJob(QString databaseLocation, MessageFilter filter, QDateTime since,
                                 ReportExporter::Format format, QString path, QObject *parent)
    : QObject(parent)
    , m_location(std::move(databaseLocation))
    , m_filter(std::move(filter))
    , m_since(std::move(since))
    , m_format(format)
    , m_path(std::move(path))
{}

ReportExportJob::~ReportExportJob()
{
    cancel();
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

bool ReportExportJob::isRunning() const
{
    return m_thread && m_thread->isRunning();
}

void ReportExportJob::start()
{
    if (m_thread)
        return;
    // Everything the thread needs is copied in; it reports back only through queued signals to `self`.
    QPointer<ReportExportJob> self(this);
    m_thread = QThread::create([self, location = m_location, filter = m_filter, since = m_since,
                                format = m_format, path = m_path, cancelled = m_cancelled]() {
        auto report = [&](bool ok, const QString &error) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, ok, error]() {
                    if (self)
                        Q_EMIT self->finished(ok, error);
                },
                Qt::QueuedConnection);
        };
        QString error;
        const std::unique_ptr<Store> store = Store::open(location, &error);
        if (!store)
            return report(false, error);
        if (format == ReportExporter::Format::Csv || format == ReportExporter::Format::Json) {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly))
                return report(false, QObject::tr("Could not write %1: %2").arg(path, file.errorString()));
            const ReportStream::Progress onProgress = [self, cancelled](qint64 rows) {
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, rows]() {
                        if (self)
                            Q_EMIT self->progress(rows);
                    },
                    Qt::QueuedConnection);
                return !cancelled->load();
            };
            Result<ReportStream::Written> written = Error{};
            try {
                ReportStream stream(*store, filter, since);
                written = format == ReportExporter::Format::Csv
                              ? stream.writeCsv(file, onProgress)
                              : stream.writeJson(file, QDateTime::currentDateTimeUtc(), onProgress);
            } catch (const StoreError &e) {
                written = Error{QStringLiteral("database error: %1").arg(e.message())};
            }
            if (!written || cancelled->load()) {
                file.cancelWriting();
                return report(false, cancelled->load() ? QStringLiteral("cancelled") : written.error());
            }
            if (!file.commit())
                return report(false, QObject::tr("Could not write %1: %2").arg(path, file.errorString()));
            return report(true, {});
        }
        auto summary = DeliveryReport::summarize(*store, filter, since, 500);
        if (!summary)
            return report(false, summary.error());
        if (cancelled->load())
            return report(false, QStringLiteral("cancelled"));
        const bool ok = ReportExporter::write(summary.value(), format, path, &error);
        report(ok, error);
    });
    m_thread->setObjectName(QStringLiteral("report-export"));
    m_thread->start();
}

} // namespace sd

#include "reportexporter.moc"
