#pragma once

#include <QObject>
#include <QStringList>
#include <QThread>
#include <QTimer>

namespace sd {

// Hears other processes' commits to the open store, on a thread and a connection of its own, so the UI
// thread never polls. SQLite: PRAGMA data_version, read every kPollMs, moves only when another connection
// committed; then the change_signals table (models/changesignals.h) names what other processes changed.
// PostgreSQL: LISTEN on the change channel (Database::notifyChanged); nothing polls.
// changed() names the kinds ("data", "deliveries", "notices", "settings") that other processes committed:
// at once for the first change after a quiet spell, then at most once every kMinIntervalMs.
class ChangeWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangeWatcher)

public:
    static constexpr int kPollMs = 250;
    static constexpr int kMinIntervalMs = 250;

    explicit ChangeWatcher(QString databasePath, QObject *parent = nullptr);
    ~ChangeWatcher() override; // waits for a read under way

Q_SIGNALS:
    void changed(const QStringList &kinds);
    void failed(const QString &error); // the store could not be read; the watcher keeps trying

private:
    class Backend;
    void onFound(const QStringList &kinds);
    void flush();

    QThread m_thread;
    Backend *m_backend = nullptr; // lives in m_thread
    QTimer m_throttle;
    QStringList m_pending;
};

} // namespace sd
