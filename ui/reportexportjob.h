#pragma once

#include "models/outboxrepository.h"
#include "ui/reportexporter.h"

#include <QDateTime>
#include <QObject>
#include <atomic>
#include <memory>

class QThread;

namespace sd {

// One export on a thread of its own with its own connection to the store (issue 11): the UI thread never
// waits on the database or the disk, however many attempts there are. CSV and JSON stream row by row into
// the file (written beside it and renamed over it when complete); HTML and PDF draw totals and the chart
// from aggregate queries with the latest 500 attempts. progress() and finished() arrive as queued signals.
class ReportExportJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportExportJob)

public:
    ReportExportJob(QString databaseLocation, MessageFilter filter, QDateTime since,
                    ReportExporter::Format format, QString path, QObject *parent = nullptr);
    ~ReportExportJob() override; // cancels and waits for the thread

    void start();
    void cancel() { m_cancelled->store(true); } // the file is left as it was
    bool isRunning() const;

Q_SIGNALS:
    void progress(qint64 attempts);
    void finished(bool ok, const QString &error); // error "cancelled" after cancel()
    void saved(qint64 attempts);                  // just before finished(true): the attempts in the file

private:
    QString m_location;
    MessageFilter m_filter;
    QDateTime m_since;
    ReportExporter::Format m_format;
    QString m_path;
    std::shared_ptr<std::atomic<bool>> m_cancelled = std::make_shared<std::atomic<bool>>(false);
    QThread *m_thread = nullptr;
};

} // namespace sd
