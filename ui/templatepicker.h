#pragma once

#include "models/domain.h"

#include <QDialog>
#include <optional>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace sd {

class Session;

// Incidents → New from template…: the page's templates with a search field (name, title or message; the
// arrows move through the matches, Enter takes the highlighted one), and New…, Edit… and Remove for the
// library itself. Accepting hands the chosen template to the incident dialog.
class TemplatePicker final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplatePicker)

public:
    explicit TemplatePicker(Session &session, QWidget *parent = nullptr);

    std::optional<IncidentTemplate> chosen() const;
    QLineEdit *searchEdit() const { return m_search; }
    QListWidget *list() const { return m_list; }
    void reload(); // the templates as stored now

Q_SIGNALS:
    void templatesChanged(); // a template was added, edited or removed (written on the worker)

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void filter();
    void showSelected();
    void addTemplate();
    void editTemplate();
    void removeTemplate();
    const IncidentTemplate *current() const;

    Session &m_session;
    std::vector<IncidentTemplate> m_templates;
    QLineEdit *m_search = nullptr;
    QListWidget *m_list = nullptr;
    QLabel *m_preview = nullptr;
    QPushButton *m_use = nullptr;
};

} // namespace sd
