#pragma once

#include "app/services/incidentservice.h"
#include "models/domain.h"

#include <QDialog>
#include <functional>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableWidget;
class QTimer;

namespace sd {

class DateTimeField;
class ServiceWorker;

// Creates an incident or scheduled maintenance, or posts an update to an existing one: status, message,
// affected components with their new statuses, impact override and whether subscribers are notified.
class IncidentDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentDialog)

public:
    enum class Mode
    {
        Create,
        Maintenance,
        Update
    };

    IncidentDialog(Mode mode, const std::vector<Component> &components, const Incident *existing,
                   QWidget *parent = nullptr);

    NewIncident newIncident() const;
    IncidentUpdateInput updateInput() const;

    // For "Resolve": preset the final status and put every affected component back to operational.
    void presetResolve();
    // New from template: the template's title, message, status, notification switch and component statuses
    // (the operator can still change any of them before Send).
    void applyTemplate(const IncidentTemplate &t);

    QLineEdit *nameEdit() const { return m_name; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QComboBox *statusCombo() const { return m_status; }
    QCheckBox *notifyCheck() const { return m_notify; }
    void setComponentStatus(const QString &componentId, std::optional<ComponentStatus> status);
    QTableWidget *componentsTable() const { return m_components; }
    // Maintenance: the window's start and end, typed or picked in the page's time zone (setTimeZone).
    DateTimeField *windowFrom() const { return m_from; }
    DateTimeField *windowUntil() const { return m_until; }
    void setTimeZone(const QString &ianaZone);
    // Typed in, or a component ticked or given a status, since the dialog opened (presets excluded).
    bool isDirty() const;

    // Before Send: how many subscribers hear, and the incident webhook's body. The source is asked again
    // (debounced) whenever the draft changes and answers through showPreview(); answers to an older
    // draft than the last asked are dropped.
    using PreviewSource = std::function<void(IncidentDialog *dialog, quint64 generation)>;
    void setPreviewSource(PreviewSource source);
    void showPreview(quint64 generation, const Result<SendPreview> &preview);
    // The console's source: the session's worker rehearses the change (the UI thread never waits on the
    // store). An empty incidentId previews a new incident.
    static PreviewSource previewThrough(ServiceWorker &worker, const QString &incidentId);
    QLabel *audienceLabel() const { return m_audience; }
    QPlainTextEdit *previewEdit() const { return m_preview; }

public Q_SLOTS:
    void accept() override;
    void reject() override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void validate();
    void draftChanged(); // restarts the preview's debounce
    void requestPreview();
    std::vector<ComponentStatusChange> componentChanges() const;
    std::optional<Impact> impactOverride() const;

    Mode m_mode;
    QLineEdit *m_name = nullptr;
    QComboBox *m_status = nullptr;
    QPlainTextEdit *m_body = nullptr;
    QTableWidget *m_components = nullptr;
    QComboBox *m_impact = nullptr;
    QCheckBox *m_notify = nullptr;
    DateTimeField *m_from = nullptr;
    DateTimeField *m_until = nullptr;
    QCheckBox *m_autoTransition = nullptr; // maintenance: the engine's clock opens and closes the window
    QCheckBox *m_remindPrior = nullptr;    // maintenance: subscribers emailed an hour before the start
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QLabel *m_audience = nullptr;
    QPlainTextEdit *m_preview = nullptr;
    QTimer *m_previewTimer = nullptr;
    PreviewSource m_previewSource;
    quint64 m_previewGeneration = 0;
    bool m_touched = false;
    bool m_submitted = false;        // OK was pressed: every field's complaint shows
    QWidget *m_errorField = nullptr; // the field the shown complaint is about
    QString m_templateName;          // the template the draft started from (named in the audit row)
};

} // namespace sd
