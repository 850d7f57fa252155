#include "ui/reportexporter.h"

#include "models/databasefiles.h"
#include "models/store.h"
#include "ui/reportexportdialog.h"
#include "ui/reportexportjob.h"
#include "ui/safefiledialog.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QDate>
#include <QDesktopServices>
#include <QDialog>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QTextDocument>
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

namespace {

// Okabe-Ito blue and vermillion: told apart with every common colour-vision deficiency; failures are also
// hatched and named in the legend, so colour is never the only cue.
const QColor kSucceededColour(0x00, 0x72, 0xb2);
const QColor kFailedColour(0xd5, 0x5e, 0x00);

QString compactCount(int n)
{
    if (n >= 1000000)
        return QString::number(n / 1e6, 'f', n >= 10000000 ? 0 : 1) + QLatin1Char('M');
    if (n >= 10000)
        return QString::number(n / 1e3, 'f', n >= 100000 ? 0 : 1) + QLatin1Char('k');
    return QString::number(n);
}

QString chartTitle()
{
    return QObject::tr("Attempts by duration");
}

QString legendText(bool failed)
{
    return failed ? QObject::tr("failed") : QObject::tr("succeeded");
}

} // namespace

std::vector<QRect> ReportExporter::ChartLayout::textRects() const
{
    std::vector<QRect> out{title, legendSucceeded, legendFailed, yMaxLabel, yZeroLabel};
    out.insert(out.end(), bucketLabels.begin(), bucketLabels.end());
    out.insert(out.end(), countLabels.begin(), countLabels.end());
    out.erase(std::remove_if(out.begin(), out.end(), [](const QRect &r) { return r.isNull(); }), out.end());
    return out;
}

ReportExporter::ChartLayout
ReportExporter::latencyChartLayout(const std::vector<DeliveryReport::Bucket> &buckets, const QSize &size,
                                   const QFont &font)
{
    // Metrics for the device the chart is painted on (an image at the default resolution).
    const QImage probe(1, 1, QImage::Format_ARGB32_Premultiplied);
    const QFontMetrics fm(font, &probe);
    const int lh = fm.height();
    const int margin = 6;
    const int n = std::max<int>(1, static_cast<int>(buckets.size()));
    int maxCount = 1;
    for (const auto &b : buckets)
        maxCount = std::max(maxCount, b.count);
    auto textWidth = [&fm](const QString &t) { return fm.horizontalAdvance(t) + 2; };

    ChartLayout l;
    // Header: the title, then the legend on the same line when it fits, on the next one otherwise.
    l.title = QRect(margin, margin, textWidth(chartTitle()), lh);
    const int swatch = std::max(4, lh - 4);
    const int succeededWidth = swatch + 4 + textWidth(legendText(false));
    const int failedWidth = swatch + 4 + textWidth(legendText(true));
    const int legendWidth = succeededWidth + 12 + failedWidth;
    int legendX = size.width() - margin - legendWidth;
    int legendY = margin;
    if (legendX < l.title.right() + 16) {
        legendX = margin;
        legendY = l.title.bottom() + 1 + 2;
    }
    l.legendSucceeded = QRect(legendX, legendY, succeededWidth, lh);
    l.legendFailed = QRect(l.legendSucceeded.right() + 1 + 12, legendY, failedWidth, lh);
    const int headerBottom = std::max(l.title.bottom(), l.legendFailed.bottom()) + 1;

    // Y axis labels left of the axis; a row for the count labels is kept free above the tallest bar.
    const QString maxText = QString::number(maxCount);
    const int yLabelWidth = std::max(textWidth(maxText), textWidth(QStringLiteral("0")));
    const int left = margin + yLabelWidth + 6;
    const int plotTop = headerBottom + 4 + lh;
    const int right = size.width() - margin;
    const int slot = std::max(1, (right - left) / n);

    // Bucket labels side by side when each fits its slot, otherwise rotated; every k-th when even that
    // is too crowded.
    int widestLabel = 0;
    for (const auto &b : buckets)
        widestLabel = std::max(widestLabel, textWidth(b.label));
    l.verticalBucketLabels = widestLabel + 4 > slot;
    int labelAreaHeight = l.verticalBucketLabels ? widestLabel : lh;
    // Too small an image to hold them under a plot at least a line tall: no bucket labels at all.
    const bool bucketLabelsFit = size.height() - margin - labelAreaHeight - 4 >= plotTop + lh;
    if (!bucketLabelsFit)
        labelAreaHeight = 0;
    const int labelThickness = l.verticalBucketLabels ? lh : widestLabel;
    const int step = std::max(1, (labelThickness + 2 + slot - 1) / slot);
    const int plotBottom = std::max(plotTop, size.height() - margin - labelAreaHeight - 4);
    l.plot = QRect(QPoint(left, plotTop), QPoint(right, plotBottom));

    l.yZeroLabel = QRect(margin, plotBottom - lh / 2, yLabelWidth, lh);
    if (plotBottom - plotTop >= lh + 2)
        l.yMaxLabel = QRect(margin, plotTop - lh / 2, yLabelWidth, lh);

    const int pad = std::max(1, slot / 8);
    for (int i = 0; i < static_cast<int>(buckets.size()); ++i) {
        const auto &b = buckets[static_cast<size_t>(i)];
        const int slotLeft = left + i * slot;
        const int h = static_cast<int>(static_cast<double>(plotBottom - plotTop) * b.count / maxCount);
        const int failedH = b.count > 0 ? static_cast<int>(static_cast<double>(h) * b.failures / b.count) : 0;
        const QRect bar(slotLeft + pad, plotBottom - h, std::max(1, slot - 2 * pad), h);
        l.bars.push_back(bar);
        l.failureBars.push_back(failedH > 0 ? QRect(bar.left(), bar.top(), bar.width(), failedH) : QRect());
        QRect label;
        if (bucketLabelsFit && i % step == 0) {
            const int w = l.verticalBucketLabels ? lh : textWidth(b.label);
            const int hgt = l.verticalBucketLabels ? textWidth(b.label) : lh;
            label = QRect(slotLeft + (slot - w) / 2, plotBottom + 4, w, hgt);
        }
        l.bucketLabels.push_back(label);
        const QString count = compactCount(b.count);
        l.countTexts.push_back(count);
        const int cw = textWidth(count);
        QRect countRect;
        if (b.count > 0 && cw <= slot - 2)
            countRect = QRect(slotLeft + (slot - cw) / 2, bar.top() - 1 - lh, cw, lh);
        l.countLabels.push_back(countRect);
    }
    return l;
}

QImage ReportExporter::latencyChart(const DeliveryReport &report, const QSize &size)
{
    const QFont font;
    const std::vector<DeliveryReport::Bucket> buckets = report.latencyHistogram();
    const ChartLayout l = latencyChartLayout(buckets, size, font);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setFont(font);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::black);
    p.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter, chartTitle());
    auto legendEntry = [&p](const QRect &r, const QBrush &fill, const QBrush &pattern, const QString &text) {
        const int swatch = std::max(4, r.height() - 4);
        const QRect box(r.left(), r.top() + (r.height() - swatch) / 2, swatch, swatch);
        p.fillRect(box, fill);
        p.fillRect(box, pattern);
        p.drawText(QRect(box.right() + 1 + 4, r.top(), r.right() - box.right() - 4, r.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, text);
    };
    const QBrush hatch(Qt::white, Qt::BDiagPattern);
    legendEntry(l.legendSucceeded, kSucceededColour, Qt::NoBrush, legendText(false));
    legendEntry(l.legendFailed, kFailedColour, hatch, legendText(true));
    p.drawLine(l.plot.topLeft(), l.plot.bottomLeft());
    p.drawLine(l.plot.bottomLeft(), l.plot.bottomRight());
    int maxCount = 1;
    for (const auto &b : buckets)
        maxCount = std::max(maxCount, b.count);
    if (!l.yMaxLabel.isNull())
        p.drawText(l.yMaxLabel, Qt::AlignRight | Qt::AlignVCenter, QString::number(maxCount));
    p.drawText(l.yZeroLabel, Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0"));
    for (size_t i = 0; i < buckets.size() && i < l.bars.size(); ++i) {
        p.fillRect(l.bars[i], kSucceededColour);
        if (!l.failureBars[i].isNull()) {
            p.fillRect(l.failureBars[i], kFailedColour);
            p.fillRect(l.failureBars[i], hatch);
        }
        const QRect &label = l.bucketLabels[i];
        if (!label.isNull()) {
            if (l.verticalBucketLabels) {
                p.save();
                p.translate(label.left(), label.bottom() + 1);
                p.rotate(-90);
                p.drawText(QRect(0, 0, label.height(), label.width()), Qt::AlignRight | Qt::AlignVCenter,
                           buckets[i].label);
                p.restore();
            } else {
                p.drawText(label, Qt::AlignCenter, buckets[i].label);
            }
        }
        if (!l.countLabels[i].isNull())
            p.drawText(l.countLabels[i], Qt::AlignCenter, l.countTexts[i]);
    }
    p.end();
    return image;
}

namespace {
// QTextDocument::print numbers pages only of a document it paginates itself at its own margins; this lays
// the report out for the writer's page less a footer band and draws "Page i of n" in that band.
void printWithPageNumbers(QTextDocument &doc, QPdfWriter &writer)
{
    doc.documentLayout()->setPaintDevice(&writer);
    QPainter painter(&writer);
    const QFontMetricsF metrics(doc.defaultFont(), &writer);
    const qreal footer = metrics.height() * 2.5;
    const QSizeF page(writer.width(), writer.height() - footer);
    doc.setPageSize(page);
    const int pages = doc.pageCount();
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            writer.newPage();
        painter.save();
        painter.translate(0, -i * page.height());
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = QRectF(0, i * page.height(), page.width(), page.height());
        painter.setClipRect(context.clip);
        doc.documentLayout()->draw(&painter, context);
        painter.restore();
        painter.setFont(QFont(doc.defaultFont(), &writer));
        painter.drawText(QRectF(0, page.height(), page.width(), footer), Qt::AlignCenter,
                         QObject::tr("Page %1 of %2").arg(i + 1).arg(pages));
    }
}
} // namespace

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
    case Format::CsvSummary:
        return saveBytes(path, report.toSummaryCsv(), error);
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
        // Without margins the tables' borders touch the paper's edge, which printers cut.
        writer.setPageMargins(QMarginsF(10, 10, 10, 8), QPageLayout::Millimeter);
        writer.setTitle(QObject::tr("Webhook delivery report"));
        writer.setCreator(QStringLiteral("StatusDesk"));
        printWithPageNumbers(doc, writer);
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

QMessageBox *ReportExporter::showSaved(QWidget *parent, const QString &path, qint64 attempts)
{
    // Non-modal: the console stays usable; Open folder shows the file where it landed.
    auto *box = new QMessageBox(QMessageBox::Information, QObject::tr("Export"),
                                QObject::tr("Saved %n row(s) to %1.", nullptr, static_cast<int>(attempts))
                                    .arg(QDir::toNativeSeparators(path)),
                                QMessageBox::Close, parent);
    box->setObjectName(QStringLiteral("exportSaved"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *open = box->addButton(QObject::tr("Open folder"), QMessageBox::ActionRole);
    open->setObjectName(QStringLiteral("openFolder"));
    QObject::connect(open, &QPushButton::clicked, box, [path] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
    });
    box->setWindowModality(Qt::NonModal);
    box->show();
    return box;
}

void ReportExporter::run(QWidget *parent, Store &store, const MessageFilter &initialFilter)
{
    ReportExportDialog dialog(initialFilter, parent);
    dialog.countIn(store.db().path());
    if (dialog.exec() != QDialog::Accepted)
        return;
    const MessageFilter filter = dialog.filter();
    const QString suffix = dialog.suffix();
    // Dated, so a second export does not overwrite the first one's file by default.
    const QString name =
        QStringLiteral("delivery-report-%1.%2").arg(QDate::currentDate().toString(Qt::ISODate), suffix);
    const QString path =
        SafeFileDialog::getSaveFileName(parent, QObject::tr("Save report"), name,
                                        QStringLiteral("%1 (*.%2)").arg(suffix.toUpper(), suffix), suffix);
    if (path.isEmpty())
        return;
    if (const QString refusal = DatabaseFiles::refusal(path); !refusal.isEmpty()) {
        QMessageBox::warning(parent, QObject::tr("Export"), refusal);
        return;
    }
    // A .csv path is either CSV: the format chosen in the dialog decides; other suffixes follow the name.
    const Format chosen = dialog.format();
    const Format format =
        formatForPath(path) == Format::Csv && chosen == Format::CsvSummary ? chosen : formatForPath(path);
    auto *job = new ReportExportJob(store.db().path(), filter, dialog.attemptsSince(), format, path, parent);
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
    QObject::connect(job, &ReportExportJob::saved, job, [owner, path](qint64 attempts) {
        if (owner)
            showSaved(owner, path, attempts);
    });
    QObject::connect(job, &ReportExportJob::finished, progress,
                     [job, progress, owner](bool ok, const QString &error) {
                         progress->close();
                         job->deleteLater();
                         if (!ok && error != QLatin1String("cancelled") && owner)
                             QMessageBox::warning(owner, QObject::tr("Export"), error);
                     });
    job->start();
}

} // namespace sd

#include "reportexporter.moc"
