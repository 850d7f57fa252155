#pragma once

#include "models/outboxrepository.h"
#include "ui/reportexporter.h"

#include <QDateTime>
#include <QDialog>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;

namespace sd {

// The export dialog. It shows the filter the report will use, pre-filled from the Deliveries tab, every
// field editable, with a Clear button; nothing is inherited unseen.
class ReportExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportExportDialog)

public:
    explicit ReportExportDialog(const MessageFilter &filter, QWidget *parent = nullptr);

    MessageFilter filter() const;
    ReportExporter::Format format() const;
    QDateTime attemptsSince() const; // invalid: every attempt
    QString suffix() const;          // file name suffix of the chosen format
    void clearFilter();

private:
    void updateSummary();

    QComboBox *m_format = nullptr;
    QCheckBox *m_allTime = nullptr;
    QDateTimeEdit *m_since = nullptr;
    QComboBox *m_state = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_endpoint = nullptr;
    QLineEdit *m_subscriber = nullptr;
    QLineEdit *m_text = nullptr;
    QCheckBox *m_createdOn = nullptr;
    QDateTimeEdit *m_created = nullptr;
    QLabel *m_summary = nullptr;
};

} // namespace sd
