#include "ui/reportexportjob.h"

#include "app/report/deliveryreport.h"
#include "app/report/reportstream.h"
#include "models/store.h"

#include <QPointer>
#include <QSaveFile>
#include <QThread>

namespace sd {

ReportExportJob::ReportExportJob(QString databaseLocation, MessageFilter filter, QDateTime since,
                                 ReportExporter::Format format, QString path, QObject *parent)
    : QObject(parent)
    , m_location(std::move(databaseLocation))
    , m_filter(std::move(filter))
    , m_since(std::move(since))
    , m_format(format)
    , m_path(std::move(path))
{}

ReportExportJob::~ReportExportJob()
{
    cancel();
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

bool ReportExportJob::isRunning() const
{
    return m_thread && m_thread->isRunning();
}

void ReportExportJob::start()
{
    if (m_thread)
        return;
    // Everything the thread needs is copied in; it reports back only through queued signals to `self`.
    QPointer<ReportExportJob> self(this);
    m_thread = QThread::create([self, location = m_location, filter = m_filter, since = m_since,
                                format = m_format, path = m_path, cancelled = m_cancelled]() {
        qint64 attempts = 0; // in the file, for "Saved N rows to …"
        auto report = [&](bool ok, const QString &error) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, ok, error, attempts]() {
                    if (!self)
                        return;
                    if (ok)
                        Q_EMIT self->saved(attempts);
                    Q_EMIT self->finished(ok, error);
                },
                Qt::QueuedConnection);
        };
        QString error;
        const std::unique_ptr<Store> store = Store::open(location, &error);
        if (!store)
            return report(false, error);
        if (format == ReportExporter::Format::Csv || format == ReportExporter::Format::Json) {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly))
                return report(false, QObject::tr("Could not write %1: %2").arg(path, file.errorString()));
            const ReportStream::Progress onProgress = [self, cancelled](qint64 rows) {
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, rows]() {
                        if (self)
                            Q_EMIT self->progress(rows);
                    },
                    Qt::QueuedConnection);
                return !cancelled->load();
            };
            Result<ReportStream::Written> written = Error{};
            try {
                ReportStream stream(*store, filter, since);
                written = format == ReportExporter::Format::Csv
                              ? stream.writeCsv(file, onProgress)
                              : stream.writeJson(file, QDateTime::currentDateTimeUtc(), onProgress);
            } catch (const StoreError &e) {
                written = Error{QStringLiteral("database error: %1").arg(e.message())};
            }
            if (!written || cancelled->load()) {
                file.cancelWriting();
                return report(false, cancelled->load() ? QStringLiteral("cancelled") : written.error());
            }
            if (!file.commit())
                return report(false, QObject::tr("Could not write %1: %2").arg(path, file.errorString()));
            attempts = written.value().attempts;
            return report(true, {});
        }
        auto summary = DeliveryReport::summarize(*store, filter, since,
                                                 format == ReportExporter::Format::CsvSummary ? 0 : 500);
        if (!summary)
            return report(false, summary.error());
        if (cancelled->load())
            return report(false, QStringLiteral("cancelled"));
        const bool ok = ReportExporter::write(summary.value(), format, path, &error);
        attempts = summary.value().overall().attempts;
        report(ok, error);
    });
    m_thread->setObjectName(QStringLiteral("report-export"));
    m_thread->start();
}

} // namespace sd
