#pragma once

#include "models/outboxrepository.h"
#include "ui/reportexporter.h"

#include <QDateTime>
#include <QDialog>
#include <memory>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QTimer;

namespace sd {

class StoreThread;

// The export dialog. It shows the filter the report will use, pre-filled from the Deliveries tab, every
// field editable, with a Clear button; nothing is inherited unseen. Given the database, it also says how
// many rows the filter selects (counted on a thread of its own) and warns when that is none.
class ReportExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportExportDialog)

public:
    explicit ReportExportDialog(const MessageFilter &filter, QWidget *parent = nullptr);
    ~ReportExportDialog() override;
    // Counts the rows the filter selects in this database from now on (nothing counted without it).
    void countIn(const QString &databaseLocation);
    QLabel *countLabel() const { return m_count; }

    MessageFilter filter() const;
    ReportExporter::Format format() const;
    QDateTime attemptsSince() const; // invalid: every attempt
    QString suffix() const;          // file name suffix of the chosen format
    void clearFilter();

private:
    void updateSummary();
    void countNow();
    void showCount(qint64 rows, const QString &error); // rows < 0: `error`

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
    QLabel *m_count = nullptr;
    QTimer *m_countDelay = nullptr;
    std::unique_ptr<StoreThread> m_counter;
    int m_countAsked = 0; // the newest count asked for; older answers are dropped
};

} // namespace sd
