#include "ui/reportexportdialog.h"

#include "app/readers/storethread.h"
#include "app/report/deliveryreport.h"
#include "app/report/reportstream.h"
#include "models/store.h"
#include "models/values.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <algorithm>

namespace sd {

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
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("exportCount"));
    m_count->setWordWrap(true);
    m_count->hide(); // until countIn()
    m_countDelay = new QTimer(this);
    m_countDelay->setSingleShot(true);
    m_countDelay->setInterval(250); // typing: one count when the operator pauses
    connect(m_countDelay, &QTimer::timeout, this, &ReportExportDialog::countNow);
    connect(m_allTime, &QCheckBox::toggled, this, &ReportExportDialog::updateSummary);
    connect(m_since, &QDateTimeEdit::dateTimeChanged, this, &ReportExportDialog::updateSummary);
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
    form->addRow(m_count);
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

ReportExportDialog::~ReportExportDialog() = default;

void ReportExportDialog::countIn(const QString &databaseLocation)
{
    m_counter = std::make_unique<StoreThread>(QStringLiteral("export-count"), databaseLocation);
    m_count->show();
    countNow();
}

void ReportExportDialog::updateSummary()
{
    m_summary->setText(tr("Reporting on: %1").arg(DeliveryReport::filterDescription(filter())));
    if (m_counter)
        m_countDelay->start();
}

void ReportExportDialog::countNow()
{
    m_countDelay->stop();
    const int asked = ++m_countAsked;
    m_count->setText(tr("Counting the rows…"));
    QPointer<ReportExportDialog> self(this);
    m_counter->post([self, asked, f = filter(), since = attemptsSince()](Store *store, const QString &error) {
        qint64 rows = -1;
        QString failure = error;
        if (store) {
            try {
                rows = ReportStream(*store, f, since).countRows();
            } catch (const StoreError &e) {
                failure = e.message();
            }
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, asked, rows, failure] {
                if (self && asked == self->m_countAsked)
                    self->showCount(rows, failure);
            },
            Qt::QueuedConnection);
    });
}

void ReportExportDialog::showCount(qint64 rows, const QString &error)
{
    const bool none = rows == 0;
    // A summary or a printable report has a row per attempt in its totals: the same count says it.
    m_count->setText(rows < 0 ? tr("The rows could not be counted: %1").arg(error)
                     : none   ? tr("No attempt matches this filter: the report would be empty. Clear or "
                                     "change the filter.")
                              : tr("%n attempt(s) match: one row each.", nullptr, static_cast<int>(rows)));
    m_count->setStyleSheet(none ? QStringLiteral("color:#c62828; font-weight:bold") : QString());
}

} // namespace sd
