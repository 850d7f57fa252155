#pragma once

#include "models/upstreamrepository.h"

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QThread>
#include <memory>

class QTimer;

namespace sd {

class Store;

namespace upstream {

class UpstreamHttp;

// Reads the followed pages this process holds the lease of, on its own thread and database connection, and
// records what changed (UpstreamRecorder). Exactly one poller holds a page at a time across processes and
// desks: a lease renewed every third of its length, taken over when it expires or, at once, when its holder
// is a process on this machine that no longer exists. A clean stop hands the leases back.
class UpstreamPoller final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamPoller)

public:
    UpstreamPoller(QString databasePath, QString program, QObject *parent = nullptr);
    ~UpstreamPoller() override;

    QString owner() const { return m_me.owner; }

public Q_SLOTS:
    void start(); // opens the store and starts reading on a one-second tick
    void stop();  // hands the leases back
    // One pass for the command line: takes the leases it can, reads every held page that is due (or every
    // held page, `all`), records, then says passFinished().
    void runOnce(bool all);
    void wake(); // a page was added or edited: claim and read now

Q_SIGNALS:
    // Changes recorded by this poller: their timeline lines and how many webhooks they queued.
    void recorded(const QStringList &texts, int messages);
    void leftOperational(const QString &upstreamName, const QString &description);
    void changed(); // a page's state, freshness or events changed
    void warning(const QString &text);
    void passFinished(int read, int heldElsewhere);

private:
    void tick();
    void claim();
    void readDue(bool all);
    void checkPassDone();

    QString m_path;
    UpstreamLeaseHolder m_me;
    std::unique_ptr<Store> m_store;
    UpstreamHttp *m_http = nullptr; // child
    QTimer *m_timer = nullptr;      // child
    QStringList m_held;
    QSet<QString> m_inFlight;
    qint64 m_leaseMs = 30'000;
    qint64 m_lastClaimMs = 0;
    bool m_onePass = false;
    int m_passRead = 0;
    bool m_warned = false;
    bool m_stopped = false;
};

// Runs an UpstreamPoller on a thread of its own ("upstream"), as DeliveryController runs the engine; every
// signal arrives queued in the caller's thread.
class UpstreamController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamController)

public:
    explicit UpstreamController(QString databasePath, QString program, QObject *parent = nullptr);
    ~UpstreamController() override;

    void start();
    void stop();
    void runOnce(bool all);

public Q_SLOTS:
    void wake();

Q_SIGNALS:
    void recorded(const QStringList &texts, int messages);
    void leftOperational(const QString &upstreamName, const QString &description);
    void changed();
    void warning(const QString &text);
    void passFinished(int read, int heldElsewhere);

private:
    QThread m_thread;
    UpstreamPoller *m_poller = nullptr; // lives in m_thread
};

} // namespace upstream
} // namespace sd
