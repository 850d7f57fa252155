#include "app/alerts/alertreader.h"

#include "models/database.h"

#include <memory>

namespace sd {
namespace {
constexpr int kNoticesPerLook = 500;
}

// Owns the connection; created, used and destroyed on the reader's thread.
class AlertReader::Backend final : public QObject
{
public:
    explicit Backend(QString path)
        : m_path(std::move(path))
    {}

    void run(AlertReader *reader)
    {
        AlertObservation o;
        QString error;
        if (!m_db)
            m_db = Database::open(m_path, &error);
        if (m_db) {
            try {
                AlertQuery query(*m_db);
                if (m_lastNotice < 0) {
                    m_lastNotice = query.lastNoticeId(); // what was there before the console opened
                    o.firstLook = true;
                } else {
                    o.newNotices = query.noticesAfter(m_lastNotice, kNoticesPerLook);
                    if (!o.newNotices.empty())
                        m_lastNotice = o.newNotices.back().id;
                }
                o.maintenance = query.maintenance(QDateTime::currentDateTimeUtc());
                o.endpoints = query.endpoints();
            } catch (const StoreError &e) {
                error = e.message();
                m_db->finishAll();
            }
        }
        QMetaObject::invokeMethod(
            reader, [reader, o, error] { reader->onResult(o, error); }, Qt::QueuedConnection);
    }

private:
    QString m_path;
    std::unique_ptr<Database> m_db;
    qint64 m_lastNotice = -1;
};

AlertReader::AlertReader(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_backend(new Backend(std::move(databasePath)))
{
    qRegisterMetaType<sd::AlertObservation>();
    m_thread.setObjectName(QStringLiteral("alert-reader"));
    m_backend->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_backend, &QObject::deleteLater);
    m_thread.start();
}

AlertReader::~AlertReader()
{
    m_thread.quit();
    m_thread.wait();
}

void AlertReader::requestRefresh()
{
    m_throttle.request();
}

void AlertReader::start()
{
    Backend *backend = m_backend;
    QMetaObject::invokeMethod(
        m_backend, [backend, this] { backend->run(this); }, Qt::QueuedConnection);
}

void AlertReader::onResult(const AlertObservation &observation, const QString &error)
{
    m_throttle.finish();
    if (error.isEmpty())
        Q_EMIT observed(observation);
    else
        Q_EMIT failed(error);
    if (m_throttle.pending())
        requestRefresh();
}

} // namespace sd
