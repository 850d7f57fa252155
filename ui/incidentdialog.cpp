#include "ui/incidentdialog.h"

#include "app/services/serviceworker.h"
#include "models/validation.h"
#include "models/values.h"
#include "ui/datetimefield.h"
#include "ui/discardquestion.h"
#include "ui/statuspalette.h"
#include "ui/windowsize.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QTextDocument>
#include <QTimer>
#include <QToolButton>

namespace sd {
namespace {
constexpr int kIdRole = Qt::UserRole + 1;

QComboBox *componentStatusCombo(QWidget *parent, ComponentStatus current)
{
    auto *combo = new QComboBox(parent);
    for (const QString &name : componentStatusNames()) {
        const ComponentStatus s = *parseComponentStatus(name);
        combo->addItem(palette::dot(palette::componentStatus(s)), componentStatusLabel(s),
                       static_cast<int>(s));
    }
    combo->setCurrentIndex(combo->findData(static_cast<int>(current)));
    return combo;
}
} // namespace

IncidentDialog::IncidentDialog(Mode mode, const std::vector<Component> &components, const Incident *existing,
                               QWidget *parent)
    : QDialog(parent)
    , m_mode(mode)
    , m_name(new QLineEdit(this))
    , m_status(new QComboBox(this))
    , m_body(new QPlainTextEdit(this))
    , m_components(new QTableWidget(static_cast<int>(components.size()), 2, this))
    , m_impact(new QComboBox(this))
    , m_notify(new QCheckBox(tr("Notify subscribers"), this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_audience(new QLabel(this))
    , m_preview(new QPlainTextEdit(this))
    , m_previewTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("incidentDialog"));
    const bool maintenance =
        mode == Mode::Maintenance || (existing && isScheduledMaintenance(existing->status));
    setWindowTitle(mode == Mode::Update ? tr("Post update: %1").arg(existing ? existing->name : QString())
                   : maintenance        ? tr("Schedule maintenance")
                                        : tr("New incident"));
    m_name->setObjectName(QStringLiteral("incidentName"));
    m_body->setObjectName(QStringLiteral("incidentBody"));
    m_status->setObjectName(QStringLiteral("incidentStatus"));
    m_components->setObjectName(QStringLiteral("incidentComponents"));
    m_impact->setObjectName(QStringLiteral("incidentImpact"));
    m_notify->setObjectName(QStringLiteral("incidentNotify"));
    m_notify->setChecked(true);
    m_error->setObjectName(QStringLiteral("incidentError"));
    m_error->setStyleSheet(QStringLiteral("color:#c62828"));

    const QList<IncidentStatus> statuses =
        maintenance ? QList<IncidentStatus>{IncidentStatus::Scheduled, IncidentStatus::InProgress,
                                            IncidentStatus::Verifying, IncidentStatus::Completed}
                    : QList<IncidentStatus>{IncidentStatus::Investigating, IncidentStatus::Identified,
                                            IncidentStatus::Monitoring, IncidentStatus::Resolved};
    for (IncidentStatus s : statuses)
        m_status->addItem(incidentStatusLabel(s), static_cast<int>(s));
    if (existing)
        m_status->setCurrentIndex(qMax(0, m_status->findData(static_cast<int>(existing->status))));

    m_impact->addItem(tr("Computed from components"));
    for (const QString &name : impactNames())
        m_impact->addItem(impactLabel(*parseImpact(name)), name);
    if (existing && existing->impactOverride)
        m_impact->setCurrentIndex(m_impact->findData(toString(*existing->impactOverride)));

    m_components->setHorizontalHeaderLabels({tr("Affected component"), tr("New status")});
    m_components->verticalHeader()->hide();
    m_components->horizontalHeader()->setStretchLastSection(true);
    m_components->setColumnWidth(0, 240);
    for (int r = 0; r < static_cast<int>(components.size()); ++r) {
        const Component &c = components[static_cast<size_t>(r)];
        auto *item = new QTableWidgetItem(c.name);
        item->setData(kIdRole, c.id);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(existing && existing->componentIds.contains(c.id) ? Qt::Checked : Qt::Unchecked);
        m_components->setItem(r, 0, item);
        auto *combo = componentStatusCombo(m_components, c.status);
        combo->setObjectName(QStringLiteral("componentStatus%1").arg(r));
        m_components->setCellWidget(r, 1, combo);
        // Picking a new status ticks the component: the operator means it is affected.
        connect(combo, &QComboBox::activated, this, [this, item] {
            item->setCheckState(Qt::Checked);
            m_touched = true;
        });
        connect(combo, &QComboBox::currentIndexChanged, this, &IncidentDialog::draftChanged);
    }
    // Tab leaves the grid (to the status boxes, one per row) instead of walking its cells; Space ticks a row.
    m_components->setTabKeyNavigation(false);
    connect(m_components, &QTableWidget::itemChanged, this, [this] { m_touched = true; });
    // Tab and Shift+Tab leave the message; Ctrl+Tab (eventFilter) types a tab character.
    m_body->setTabChangesFocus(true);
    m_body->installEventFilter(this);
    // Update and Resolve have no name field: not parented into the form, it would float over the labels.
    if (mode == Mode::Update)
        m_name->hide();

    auto *form = new QFormLayout(this);
    if (mode != Mode::Update)
        form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Status:"), m_status);
    form->addRow(tr("Message:"), m_body);
    form->addRow(tr("Components:"), m_components);
    form->addRow(tr("Impact:"), m_impact);
    if (maintenance && mode != Mode::Update) {
        m_from = new DateTimeField(this);
        m_until = new DateTimeField(this);
        m_from->setObjectName(QStringLiteral("maintenanceFrom"));
        m_until->setObjectName(QStringLiteral("maintenanceUntil"));
        const QDateTime hour = QDateTime::currentDateTimeUtc().addSecs(3600);
        m_from->setDateTime(hour);
        m_until->setDateTime(hour.addSecs(2 * 3600));
        m_from->addStartPresets();
        for (const int hours : {1, 2, 4}) {
            m_until->addPreset(
                tr("%1 after the start").arg(hours == 1 ? tr("1 hour") : tr("%1 hours").arg(hours)),
                [this, hours](const QDateTime &, const QTimeZone &) {
                    return m_from->dateTime().addSecs(hours * 3600);
                });
        }
        form->addRow(tr("Window from:"), m_from);
        form->addRow(tr("Window until:"), m_until);
        // The components go under maintenance when the window opens: that is their new status here.
        m_components->setHorizontalHeaderLabels({tr("Affected component"), tr("During the window")});
        for (int r = 0; r < m_components->rowCount(); ++r) {
            auto *combo = qobject_cast<QComboBox *>(m_components->cellWidget(r, 1));
            combo->setCurrentIndex(combo->findData(static_cast<int>(ComponentStatus::UnderMaintenance)));
            combo->setEnabled(false);
        }
        // As Statuspage: on by default, the components change when the window opens and again when it
        // ends, each time with its webhooks; off, the operator moves the maintenance by hand.
        m_autoTransition =
            new QCheckBox(tr("Start and complete automatically (components change with the window)"), this);
        m_autoTransition->setObjectName(QStringLiteral("incidentAutoTransition"));
        m_autoTransition->setChecked(true);
        form->addRow(QString(), m_autoTransition);
        // Statuspage's scheduled_remind_prior: off by default, as there.
        m_remindPrior = new QCheckBox(tr("Remind subscribers by email an hour before it starts"), this);
        m_remindPrior->setObjectName(QStringLiteral("incidentRemindPrior"));
        form->addRow(QString(), m_remindPrior);
        connect(m_from, &DateTimeField::dateTimeChanged, this, &IncidentDialog::validate);
        connect(m_until, &DateTimeField::dateTimeChanged, this, &IncidentDialog::validate);
    }
    form->addRow(QString(), m_notify);
    // Before you send: who hears, and what the incident webhook says.
    m_audience->setObjectName(QStringLiteral("incidentAudience"));
    m_audience->setWordWrap(true);
    m_audience->setTextFormat(Qt::PlainText);
    m_preview->setObjectName(QStringLiteral("incidentPreview"));
    m_preview->setReadOnly(true);
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setMinimumHeight(120);
    m_preview->setFocusPolicy(Qt::ClickFocus); // read-only: not a stop on the Tab walk
    form->addRow(tr("Audience:"), m_audience);
    form->addRow(tr("Webhook:"), m_preview);
    m_audience->setText(tr("Audience: not worked out"));
    m_audience->hide();
    m_preview->hide();
    form->labelForField(m_audience)->hide();
    form->labelForField(m_preview)->hide();
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(250);
    connect(m_previewTimer, &QTimer::timeout, this, &IncidentDialog::requestPreview);
    form->addRow(QString(), m_error);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &IncidentDialog::validate);
    // isModified() may turn true after textChanged: ask again once it has.
    connect(m_name, &QLineEdit::textEdited, this, &IncidentDialog::validate);
    connect(m_body->document(), &QTextDocument::modificationChanged, this, &IncidentDialog::validate);
    connect(m_body, &QPlainTextEdit::textChanged, this, &IncidentDialog::validate);
    connect(m_name, &QLineEdit::textChanged, this, &IncidentDialog::draftChanged);
    connect(m_body, &QPlainTextEdit::textChanged, this, &IncidentDialog::draftChanged);
    connect(m_status, &QComboBox::currentIndexChanged, this, &IncidentDialog::draftChanged);
    connect(m_impact, &QComboBox::currentIndexChanged, this, &IncidentDialog::draftChanged);
    connect(m_notify, &QCheckBox::toggled, this, &IncidentDialog::draftChanged);
    connect(m_components, &QTableWidget::itemChanged, this, &IncidentDialog::draftChanged);
    if (m_from && m_until) {
        connect(m_from, &DateTimeField::dateTimeChanged, this, &IncidentDialog::draftChanged);
        connect(m_until, &DateTimeField::dateTimeChanged, this, &IncidentDialog::draftChanged);
    }
    validate();

    // Focus order follows the form, top to bottom; the first field the operator fills has focus.
    QList<QWidget *> order;
    if (mode != Mode::Update)
        order << m_name;
    order << m_status << m_body << m_components;
    for (int r = 0; r < m_components->rowCount(); ++r)
        order << m_components->cellWidget(r, 1);
    order << m_impact;
    if (m_from)
        order << m_from->editor() << m_from->presetsButton() << m_until->editor() << m_until->presetsButton();
    if (m_autoTransition)
        order << m_autoTransition;
    if (m_remindPrior)
        order << m_remindPrior;
    order << m_notify << m_buttons;
    for (int i = 1; i < order.size(); ++i)
        setTabOrder(order[i - 1], order[i]);
    (mode == Mode::Update ? static_cast<QWidget *>(m_body) : m_name)->setFocus();
    resizeWithinScreen(this, {680, 760});
}

void IncidentDialog::setPreviewSource(PreviewSource source)
{
    m_previewSource = std::move(source);
    const bool on = static_cast<bool>(m_previewSource);
    auto *form = qobject_cast<QFormLayout *>(layout());
    for (QWidget *w : {static_cast<QWidget *>(m_audience), static_cast<QWidget *>(m_preview)}) {
        w->setVisible(on);
        if (form && form->labelForField(w))
            form->labelForField(w)->setVisible(on);
    }
    if (on)
        requestPreview();
}

void IncidentDialog::draftChanged()
{
    if (m_previewSource)
        m_previewTimer->start();
}

void IncidentDialog::requestPreview()
{
    m_previewTimer->stop();
    if (!m_previewSource)
        return;
    m_audience->setText(tr("Working out who will hear…"));
    m_previewSource(this, ++m_previewGeneration);
}

void IncidentDialog::showPreview(quint64 generation, const Result<SendPreview> &preview)
{
    if (generation != m_previewGeneration)
        return; // an answer to an older draft
    if (!preview) {
        // Like the fields' own complaints: an untouched draft is not yet wrong, only unfinished.
        if (!isDirty() && !m_submitted)
            m_audience->setText(m_mode == Mode::Update
                                    ? tr("Nothing would be sent yet: write the message.")
                                    : tr("Nothing would be sent yet: fill in the name and the message."));
        else
            m_audience->setText(tr("Nothing would be sent: %1").arg(preview.error()));
        m_preview->clear();
        return;
    }
    const SendPreview &p = preview.value();
    QString text;
    if (!m_notify->isChecked()) {
        text = tr("Nobody will be notified (Notify subscribers is off).");
    } else if (p.subscribers == 0) {
        text = tr("No subscriber hears about this: no webhook and no email will be sent.");
    } else {
        // Spelled out in English (no translation loaded turns "%n item(s)" into "2 item(s)").
        auto count = [](int n, const QString &one, const QString &many) -> QString {
            return QStringLiteral("%L1 ").arg(n) + (n == 1 ? one : many);
        };
        text = tr("%1 will be notified: %2")
                   .arg(count(p.subscribers, tr("subscriber"), tr("subscribers")),
                        count(p.incidentWebhooks, tr("incident webhook"), tr("incident webhooks")));
        if (p.componentWebhooks > 0)
            text += tr(" and %1").arg(
                count(p.componentWebhooks, tr("component webhook"), tr("component webhooks")));
        text += tr("; %1 (incident updates go out as webhooks only).")
                    .arg(count(p.emails, tr("email"), tr("emails")));
    }
    m_audience->setText(text);
    const QString json =
        QString::fromUtf8(QJsonDocument::fromJson(p.incidentBody).toJson(QJsonDocument::Indented));
    m_preview->setPlainText((p.sampleEndpoint.isEmpty()
                                 ? QString()
                                 : tr("// as %1 receives it").arg(p.sampleEndpoint) + QLatin1Char('\n')) +
                            json);
}

IncidentDialog::PreviewSource IncidentDialog::previewThrough(ServiceWorker &worker, const QString &incidentId)
{
    QPointer<ServiceWorker> guard(&worker);
    return [guard, incidentId](IncidentDialog *dialog, quint64 generation) {
        if (!guard)
            return;
        std::function<Result<SendPreview>(ServiceWorker::Services &)> job;
        if (incidentId.isEmpty()) {
            const NewIncident input = dialog->newIncident();
            job = [input](ServiceWorker::Services &s) { return s.incidents.previewCreate(input); };
        } else {
            const IncidentUpdateInput input = dialog->updateInput();
            job = [incidentId, input](ServiceWorker::Services &s) {
                return s.incidents.previewUpdate(incidentId, input);
            };
        }
        // The dialog is the context: an answer arriving after it closed is dropped.
        guard->run<SendPreview>(std::move(job), dialog, [dialog, generation](const Result<SendPreview> &r) {
            dialog->showPreview(generation, r);
        });
    };
}

bool IncidentDialog::isDirty() const
{
    return m_name->isModified() || m_body->document()->isModified() || m_touched;
}

void IncidentDialog::reject()
{
    // Escape or Cancel on a half-written incident asks first: nothing else keeps what was typed.
    if (isDirty() && !confirmDiscard(this, tr("Discard what you wrote?")))
        return;
    QDialog::reject();
}

bool IncidentDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_body && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Tab && key->modifiers() == Qt::ControlModifier) {
            m_body->insertPlainText(QStringLiteral("\t"));
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void IncidentDialog::validate()
{
    // A field's complaint waits until the operator has typed in it or pressed OK: a fresh dialog is not an
    // error. The window's times start valid (an hour from now), so theirs shows as soon as it is true.
    const bool all = m_submitted;
    QString error;
    QWidget *field = nullptr;
    auto check = [&](bool shown, const QString &problem, QWidget *where) {
        if (error.isEmpty() && shown && !problem.isEmpty()) {
            error = problem;
            field = where;
        }
    };
    if (m_mode != Mode::Update)
        check(all || m_name->isModified(), validation::checkName(m_name->text(), QStringLiteral("incident")),
              m_name);
    check(all || m_body->document()->isModified(), validation::checkBody(m_body->toPlainText()), m_body);
    if (m_from && m_from->isInPast())
        check(true,
              tr("the maintenance window would start at %1, which has passed; pick a time from now on")
                  .arg(m_from->describe(m_from->dateTime())),
              m_from->editor());
    if (m_from && m_until && m_until->dateTime() <= m_from->dateTime())
        check(true, tr("the maintenance window must end after it starts"), m_until->editor());
    m_error->setText(error);
    m_errorField = field;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
}

void IncidentDialog::accept()
{
    // OK on an untouched field shows what is missing there and puts the keyboard in it.
    m_submitted = true;
    validate();
    if (m_errorField) {
        m_errorField->setFocus(Qt::OtherFocusReason);
        draftChanged(); // the audience line gives the reason too, now that it is asked for
        return;
    }
    QDialog::accept();
}

std::vector<ComponentStatusChange> IncidentDialog::componentChanges() const
{
    std::vector<ComponentStatusChange> out;
    for (int r = 0; r < m_components->rowCount(); ++r) {
        const QTableWidgetItem *item = m_components->item(r, 0);
        if (item->checkState() != Qt::Checked)
            continue;
        const auto *combo = qobject_cast<QComboBox *>(m_components->cellWidget(r, 1));
        out.push_back(
            {item->data(kIdRole).toString(), static_cast<ComponentStatus>(combo->currentData().toInt())});
    }
    return out;
}

std::optional<Impact> IncidentDialog::impactOverride() const
{
    if (m_impact->currentIndex() <= 0)
        return std::nullopt;
    return parseImpact(m_impact->currentData().toString());
}

NewIncident IncidentDialog::newIncident() const
{
    NewIncident in;
    in.name = m_name->text().trimmed();
    in.status = static_cast<IncidentStatus>(m_status->currentData().toInt());
    in.body = m_body->toPlainText();
    in.impactOverride = impactOverride();
    in.components = componentChanges();
    in.notify = m_notify->isChecked();
    if (m_from && m_until) {
        in.scheduledFor = m_from->dateTime();
        in.scheduledUntil = m_until->dateTime();
    }
    if (m_autoTransition)
        in.scheduledAutoTransition = m_autoTransition->isChecked();
    if (m_remindPrior)
        in.scheduledRemindPrior = m_remindPrior->isChecked();
    in.fromTemplate = m_templateName;
    return in;
}

IncidentUpdateInput IncidentDialog::updateInput() const
{
    IncidentUpdateInput in;
    in.status = static_cast<IncidentStatus>(m_status->currentData().toInt());
    in.body = m_body->toPlainText();
    in.components = componentChanges();
    in.impactOverride = impactOverride();
    in.notify = m_notify->isChecked();
    return in;
}

void IncidentDialog::presetResolve()
{
    m_status->setCurrentIndex(m_status->count() - 1); // resolved / completed
    for (int r = 0; r < m_components->rowCount(); ++r) {
        if (m_components->item(r, 0)->checkState() == Qt::Checked) {
            auto *combo = qobject_cast<QComboBox *>(m_components->cellWidget(r, 1));
            combo->setCurrentIndex(combo->findData(static_cast<int>(ComponentStatus::Operational)));
        }
    }
    if (m_body->toPlainText().isEmpty())
        m_body->setPlainText(tr("This incident has been resolved."));
    m_body->document()->setModified(false); // presets are not the operator's writing
    m_touched = false;
}

void IncidentDialog::setTimeZone(const QString &ianaZone)
{
    if (!m_from)
        return;
    const QTimeZone zone(ianaZone.toUtf8());
    m_from->setTimeZone(zone);
    m_until->setTimeZone(zone);
}

void IncidentDialog::applyTemplate(const IncidentTemplate &t)
{
    m_templateName = t.name;
    setWindowTitle(tr("New incident from \"%1\"").arg(t.name));
    m_name->setText(t.title);
    m_body->setPlainText(t.body);
    m_status->setCurrentIndex(std::max(0, m_status->findData(static_cast<int>(t.updateStatus))));
    m_notify->setChecked(t.shouldSendNotifications);
    for (const TemplateComponent &c : t.components)
        setComponentStatus(c.componentId, c.status); // no status: ticked at the one it has
    m_body->document()->setModified(false);          // the template's words, not yet the operator's
    m_touched = false;
    draftChanged(); // the preview shows the template filled in
}

void IncidentDialog::setComponentStatus(const QString &componentId, std::optional<ComponentStatus> status)
{
    for (int r = 0; r < m_components->rowCount(); ++r) {
        if (m_components->item(r, 0)->data(kIdRole).toString() == componentId) {
            m_components->item(r, 0)->setCheckState(Qt::Checked);
            auto *combo = qobject_cast<QComboBox *>(m_components->cellWidget(r, 1));
            if (status)
                combo->setCurrentIndex(combo->findData(static_cast<int>(*status)));
        }
    }
}

} // namespace sd
