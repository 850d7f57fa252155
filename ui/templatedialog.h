#pragma once

#include "app/services/templateservice.h"
#include "models/domain.h"

#include <QDialog>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableWidget;

namespace sd {

// Edits one incident template: its name, the incident's title and first update, the status, whether
// subscribers are notified, and the components it sets (each with the status it sets them to).
class TemplateDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplateDialog)

public:
    TemplateDialog(const std::vector<Component> &components, const IncidentTemplate *existing,
                   QWidget *parent = nullptr);

    TemplateInput input() const;
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *titleEdit() const { return m_title; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QTableWidget *componentsTable() const { return m_components; }

private:
    void validate();

    std::vector<Component> m_list;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_title = nullptr;
    QPlainTextEdit *m_body = nullptr;
    QComboBox *m_status = nullptr;
    QCheckBox *m_notify = nullptr;
    QTableWidget *m_components = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace sd
