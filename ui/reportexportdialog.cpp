#include "ui/reportexportdialog.h"

#include "app/report/deliveryreport.h"
#include "models/values.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
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

} // namespace sd
