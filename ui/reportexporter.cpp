#include "ui/reportexporter.h"

#include "app/report/reportstream.h"
#include "models/databasefiles.h"
#include "models/store.h"
#include "models/values.h"
#include "ui/safefiledialog.h"

#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
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

ReportExportDialog::ReportExportDialog(const MessageFilter &filter, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("reportDialog"));
    setWindowTitle(tr("Export delivery report"));
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("reportFormat"));
    m_format->addItem(tr("CSV (one row per attempt)"), static_cast<int>(ReportExporter::Format::Csv));
    m_format->addItem(tr("CSV summary (totals, status codes, latency)"),
                      static_cast<int>(ReportExporter::Format::CsvSummary));
    m_format->addItem(tr("JSON"), static_cast<int>(ReportExporter::Format::Json));
    m_format->addItem(tr("HTML (printable)"), static_cast<int>(ReportExporter::Format::Html));
    m_format->addItem(tr("PDF"), static_cast<int>(ReportExporter::Format::Pdf));
    m_allTime = new QCheckBox(tr("All attempts"), this);
    m_allTime->setChecked(true);
    m_since = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-1), this);
    m_since->setCalendarPopup(true);
    m_since->setEnabled(false);
    connect(m_allTime, &QCheckBox::toggled, m_since, [this](bool on) { m_since->setEnabled(!on); });

    // The filter, pre-filled from the Deliveries tab.
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("filterState"));
    m_state->addItem(tr("Any"), QString());
    for (DeliveryState st :
         {DeliveryState::Queued, DeliveryState::Sending, DeliveryState::Delivered, DeliveryState::Retrying,
          DeliveryState::Failed, DeliveryState::Held, DeliveryState::Cancelled})
        m_state->addItem(deliveryStateLabel(st), toString(st));
    m_state->setCurrentIndex(filter.state ? std::max(0, m_state->findData(toString(*filter.state))) : 0);
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("filterEvent"));
    m_kind->addItem(tr("Any"), QString());
    for (EventKind k : {EventKind::Component, EventKind::Incident, EventKind::Test, EventKind::Email})
        m_kind->addItem(toString(k), toString(k));
    m_kind->setCurrentIndex(filter.kind ? std::max(0, m_kind->findData(toString(*filter.kind))) : 0);
    m_endpoint = new QLineEdit(filter.endpointContains, this);
    m_endpoint->setObjectName(QStringLiteral("filterEndpoint"));
    m_subscriber = new QLineEdit(filter.subscriberId, this);
    m_subscriber->setObjectName(QStringLiteral("filterSubscriber"));
    m_text = new QLineEdit(filter.text, this);
    m_text->setObjectName(QStringLiteral("filterText"));
    m_createdOn = new QCheckBox(tr("Only deliveries created since"), this);
    m_createdOn->setObjectName(QStringLiteral("filterCreatedOn"));
    m_createdOn->setChecked(filter.since.isValid());
    m_created = new QDateTimeEdit(
        filter.since.isValid() ? filter.since.toLocalTime() : QDateTime::currentDateTime().addDays(-1), this);
    m_created->setCalendarPopup(true);
    m_created->setEnabled(filter.since.isValid());
    connect(m_createdOn, &QCheckBox::toggled, m_created, [this](bool on) { m_created->setEnabled(on); });
    auto *clear = new QPushButton(tr("Clear filter"), this);
    clear->setObjectName(QStringLiteral("clearFilter"));
    connect(clear, &QPushButton::clicked, this, &ReportExportDialog::clearFilter);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("filterSummary"));
    m_summary->setWordWrap(true);
    for (QComboBox *box : {m_state, m_kind})
        connect(box, &QComboBox::currentIndexChanged, this, &ReportExportDialog::updateSummary);
    for (QLineEdit *edit : {m_endpoint, m_subscriber, m_text})
        connect(edit, &QLineEdit::textChanged, this, &ReportExportDialog::updateSummary);
    connect(m_createdOn, &QCheckBox::toggled, this, &ReportExportDialog::updateSummary);
    connect(m_created, &QDateTimeEdit::dateTimeChanged, this, &ReportExportDialog::updateSummary);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Attempts since:"), m_since);
    form->addRow(QString(), m_allTime);
    auto *filterBox = new QGroupBox(tr("Deliveries to report on"), this);
    auto *filterForm = new QFormLayout(filterBox);
    filterForm->addRow(tr("State:"), m_state);
    filterForm->addRow(tr("Event:"), m_kind);
    filterForm->addRow(tr("Endpoint contains:"), m_endpoint);
    filterForm->addRow(tr("Subscriber id:"), m_subscriber);
    filterForm->addRow(tr("Text:"), m_text);
    filterForm->addRow(m_createdOn, m_created);
    filterForm->addRow(m_summary, clear);
    form->addRow(filterBox);
    form->addRow(buttons);
    updateSummary();
}

MessageFilter ReportExportDialog::filter() const
{
    MessageFilter f;
    f.state = parseDeliveryState(m_state->currentData().toString());
    f.kind = parseEventKind(m_kind->currentData().toString());
    f.endpointContains = m_endpoint->text().trimmed();
    f.subscriberId = m_subscriber->text().trimmed();
    f.text = m_text->text().trimmed();
    if (m_createdOn->isChecked())
        f.since = m_created->dateTime().toUTC();
    return f;
}

ReportExporter::Format ReportExportDialog::format() const
{
    return static_cast<ReportExporter::Format>(m_format->currentData().toInt());
}

QString ReportExportDialog::suffix() const
{
    switch (format()) {
    case ReportExporter::Format::Json:
        return QStringLiteral("json");
    case ReportExporter::Format::Html:
        return QStringLiteral("html");
    case ReportExporter::Format::Pdf:
        return QStringLiteral("pdf");
    case ReportExporter::Format::Csv:
    case ReportExporter::Format::CsvSummary:
        break;
    }
    return QStringLiteral("csv");
}

QDateTime ReportExportDialog::attemptsSince() const
{
    return m_allTime->isChecked() ? QDateTime() : m_since->dateTime().toUTC();
}

void ReportExportDialog::clearFilter()
{
    m_state->setCurrentIndex(0);
    m_kind->setCurrentIndex(0);
    m_endpoint->clear();
    m_subscriber->clear();
    m_text->clear();
    m_createdOn->setChecked(false);
    updateSummary();
}

void ReportExportDialog::updateSummary()
{
    m_summary->setText(tr("Reporting on: %1").arg(DeliveryReport::filterDescription(filter())));
}

void ReportExporter::run(QWidget *parent, Store &store, const MessageFilter &initialFilter)
{
    ReportExportDialog dialog(initialFilter, parent);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const MessageFilter filter = dialog.filter();
    const QString suffix = dialog.suffix();
    const QString path = SafeFileDialog::getSaveFileName(
        parent, QObject::tr("Save report"), QStringLiteral("delivery-report.") + suffix,
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
        auto summary = DeliveryReport::summarize(*store, filter, since,
                                                 format == ReportExporter::Format::CsvSummary ? 0 : 500);
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
