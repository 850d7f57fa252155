#pragma once

#include "domain.h"
#include "incidentservice.h"

#include <QDialog>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableWidget;

namespace sd {

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

    QLineEdit *nameEdit() const { return m_name; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QComboBox *statusCombo() const { return m_status; }
    QCheckBox *notifyCheck() const { return m_notify; }
    void setComponentStatus(const QString &componentId, ComponentStatus status);
    QTableWidget *componentsTable() const { return m_components; }
    // Typed in, or a component ticked or given a status, since the dialog opened (presets excluded).
    bool isDirty() const;

public Q_SLOTS:
    void reject() override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void validate();
    std::vector<ComponentStatusChange> componentChanges() const;
    std::optional<Impact> impactOverride() const;

    Mode m_mode;
    QLineEdit *m_name = nullptr;
    QComboBox *m_status = nullptr;
    QPlainTextEdit *m_body = nullptr;
    QTableWidget *m_components = nullptr;
    QComboBox *m_impact = nullptr;
    QCheckBox *m_notify = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_until = nullptr;
    QCheckBox *m_autoTransition = nullptr; // maintenance: the engine's clock opens and closes the window
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_touched = false;
};

} // namespace sd
