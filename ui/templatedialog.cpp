#include "ui/templatedialog.h"

#include "models/values.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sd {
namespace {

const std::vector<ComponentStatus> kStatuses{ComponentStatus::Operational, ComponentStatus::UnderMaintenance,
                                             ComponentStatus::DegradedPerformance,
                                             ComponentStatus::PartialOutage, ComponentStatus::MajorOutage};

} // namespace

TemplateDialog::TemplateDialog(const std::vector<Component> &components, const IncidentTemplate *existing,
                               QWidget *parent)
    : QDialog(parent)
    , m_list(components)
    , m_name(new QLineEdit(this))
    , m_title(new QLineEdit(this))
    , m_body(new QPlainTextEdit(this))
    , m_status(new QComboBox(this))
    , m_notify(new QCheckBox(tr("Notify subscribers"), this))
    , m_components(new QTableWidget(int(components.size()), 2, this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("templateDialog"));
    setWindowTitle(existing ? tr("Edit template") : tr("New template"));
    m_name->setObjectName(QStringLiteral("templateName"));
    m_title->setObjectName(QStringLiteral("templateTitle"));
    m_body->setObjectName(QStringLiteral("templateBody"));
    m_body->setTabChangesFocus(true);
    m_status->setObjectName(QStringLiteral("templateStatus"));
    for (IncidentStatus st : {IncidentStatus::Investigating, IncidentStatus::Identified,
                              IncidentStatus::Monitoring, IncidentStatus::Resolved})
        m_status->addItem(toString(st), int(st));
    m_notify->setObjectName(QStringLiteral("templateNotify"));
    m_notify->setChecked(true);
    m_components->setObjectName(QStringLiteral("templateComponents"));
    m_components->setHorizontalHeaderLabels({tr("Component"), tr("Set to")});
    m_components->horizontalHeader()->setStretchLastSection(true);
    m_components->verticalHeader()->hide();
    for (int row = 0; row < int(components.size()); ++row) {
        auto *item = new QTableWidgetItem(components[size_t(row)].name);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(Qt::Unchecked);
        m_components->setItem(row, 0, item);
        auto *combo = new QComboBox(m_components);
        for (ComponentStatus st : kStatuses)
            combo->addItem(toString(st), int(st));
        combo->setCurrentIndex(3); // partial_outage: what a template most often sets
        m_components->setCellWidget(row, 1, combo);
    }
    if (existing) {
        m_name->setText(existing->name);
        m_title->setText(existing->title);
        m_body->setPlainText(existing->body);
        m_status->setCurrentIndex(std::max(0, m_status->findData(int(existing->updateStatus))));
        m_notify->setChecked(existing->shouldSendNotifications);
        for (const TemplateComponent &tc : existing->components) {
            for (int row = 0; row < int(m_list.size()); ++row) {
                if (m_list[size_t(row)].id != tc.componentId)
                    continue;
                m_components->item(row, 0)->setCheckState(Qt::Checked);
                auto *combo = static_cast<QComboBox *>(m_components->cellWidget(row, 1));
                if (tc.status)
                    combo->setCurrentIndex(std::max(0, combo->findData(int(*tc.status))));
            }
        }
    }
    m_error->setObjectName(QStringLiteral("templateError"));
    m_error->setStyleSheet(QStringLiteral("color:#c0392b"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Template name"), m_name);
    form->addRow(tr("Incident &title"), m_title);
    form->addRow(tr("&Message"), m_body);
    form->addRow(tr("&Status"), m_status);
    form->addRow(QString(), m_notify);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(
        new QLabel(tr("Components the incident changes (tick, then choose the status):"), this));
    layout->addWidget(m_components, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &TemplateDialog::validate);
    connect(m_title, &QLineEdit::textChanged, this, &TemplateDialog::validate);
    connect(m_body, &QPlainTextEdit::textChanged, this, &TemplateDialog::validate);
    resize(560, 520);
    validate();
}

void TemplateDialog::validate()
{
    QString error;
    if (m_name->text().trimmed().isEmpty())
        error = tr("The template needs a name.");
    else if (m_title->text().trimmed().isEmpty())
        error = tr("The template needs an incident title.");
    else if (m_body->toPlainText().trimmed().isEmpty())
        error = tr("The template needs a message.");
    m_error->setText(error);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(error.isEmpty());
}

TemplateInput TemplateDialog::input() const
{
    TemplateInput in;
    in.name = m_name->text().trimmed();
    in.title = m_title->text().trimmed();
    in.body = m_body->toPlainText();
    in.updateStatus = IncidentStatus(m_status->currentData().toInt());
    in.shouldSendNotifications = m_notify->isChecked();
    std::vector<TemplateComponent> list;
    for (int row = 0; row < m_components->rowCount(); ++row) {
        if (m_components->item(row, 0)->checkState() != Qt::Checked)
            continue;
        const auto *combo = static_cast<QComboBox *>(m_components->cellWidget(row, 1));
        list.push_back({m_list[size_t(row)].id, ComponentStatus(combo->currentData().toInt())});
    }
    in.components = list;
    return in;
}

} // namespace sd
