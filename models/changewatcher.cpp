#include "models/changewatcher.h"

#include "models/changesignals.h"
#include "models/database.h"

#include <QHash>
#include <QSqlDriver>
#include <memory>

namespace sd {

// Owns the connection; created, used and destroyed on the watcher's thread.
class ChangeWatcher::Backend final : public QObject
{
public:
    Backend(QString path, ChangeWatcher *front)
        : m_path(std::move(path))
        , m_front(front)
    {}

    void start()
    {
        QString error;
        m_db = Database::open(m_path, &error);
        if (!m_db) {
            report({}, error);
            return;
        }
        if (m_db->isPostgres()) {
            QSqlDriver *driver = m_db->connection().driver();
            connect(driver, &QSqlDriver::notification, this,
                    [this](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) {
                        const QString kind = Database::changeFromOtherProcess(payload);
                        if (!kind.isEmpty())
                            report({kind}, {});
                    });
            driver->subscribeToNotification(QString::fromLatin1(Database::kChangeChannel));
            return;
        }
        m_poll = new QTimer(this);
        m_poll->setInterval(kPollMs);
        connect(m_poll, &QTimer::timeout, this, &Backend::poll);
        m_poll->start();
        poll(); // the first look only learns where things stand
    }

private:
    void poll()
    {
        try {
            QSqlQuery &q = m_db->run(QStringLiteral("PRAGMA data_version"));
            const qint64 version = q.next() ? q.value(0).toLongLong() : -1;
            q.finish();
            if (version == m_version)
                return;
            m_version = version;
            const QString self = Database::processTag();
            QStringList kinds;
            for (const changesignals::Signal &s : changesignals::read(*m_db)) {
                const QString key = s.origin + QLatin1Char(' ') + s.kind;
                const auto it = m_seen.constFind(key);
                const bool moved = it == m_seen.cend() || *it != s.seq;
                m_seen.insert(key, s.seq);
                if (moved && m_primed && s.origin != self && !kinds.contains(s.kind))
                    kinds << s.kind;
            }
            m_primed = true;
            m_failing = false;
            if (!kinds.isEmpty())
                report(kinds, {});
        } catch (const StoreError &e) {
            m_db->finishAll();
            if (!m_failing)
                report({}, e.message()); // said once until it reads again
            m_failing = true;
        }
    }

    void report(const QStringList &kinds, const QString &error)
    {
        ChangeWatcher *front = m_front; // outlives this: its destructor waits for the thread
        QMetaObject::invokeMethod(
            front,
            [front, kinds, error] {
                if (!error.isEmpty())
                    Q_EMIT front->failed(error);
                if (!kinds.isEmpty())
                    front->onFound(kinds);
            },
            Qt::QueuedConnection);
    }

    QString m_path;
    ChangeWatcher *m_front;
    std::unique_ptr<Database> m_db;
    QTimer *m_poll = nullptr; // child
    qint64 m_version = -1;
    QHash<QString, qint64> m_seen; // "origin kind" -> seq
    bool m_primed = false;
    bool m_failing = false;
};

ChangeWatcher::ChangeWatcher(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_backend(new Backend(std::move(databasePath), this))
{
    m_thread.setObjectName(QStringLiteral("change-watch"));
    m_backend->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_backend, &QObject::deleteLater);
    connect(&m_thread, &QThread::started, m_backend, [backend = m_backend] { backend->start(); });
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(kMinIntervalMs);
    connect(&m_throttle, &QTimer::timeout, this, &ChangeWatcher::flush);
    m_thread.start();
}

ChangeWatcher::~ChangeWatcher()
{
    m_thread.quit();
    m_thread.wait();
}

void ChangeWatcher::onFound(const QStringList &kinds)
{
    for (const QString &k : kinds) {
        if (!m_pending.contains(k))
            m_pending << k;
    }
    if (!m_throttle.isActive())
        flush();
}

void ChangeWatcher::flush()
{
    if (m_pending.isEmpty())
        return;
    const QStringList kinds = std::exchange(m_pending, {});
    m_throttle.start();
    Q_EMIT changed(kinds);
}

} // namespace sd
