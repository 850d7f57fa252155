#pragma once

#include "models/outboxrepository.h"

#include <QObject>
#include <QStringList>
#include <QThread>

namespace sd {

class ChangeWatcher;
class DeliveryEngine;
class DeliveryJournal;

// A snapshot of delivery for status bars and summaries; sent a few times a second, never per request.
struct DeliveryProgress
{
    int inFlight = 0;
    StateCounts counts;
    qint64 attemptsMade = 0; // by this engine since it started
    qint64 delivered = 0;    // successes by this engine since it started
    qint64 failedAttempts = 0;
    // Messages by their state after this engine's latest attempt (DeliveryController::tally()).
    qint64 gaveUp = 0;
    qint64 held = 0;
    int retrying = 0;
    int engines = 1; // delivery engines working this queue (consoles, serve, dispatch), this one included
    // This engine's messages waiting only for a slot at their origin (the per-host cap is full): the origin
    // with the most of them, how many, and the cap. Empty origin: none wait so.
    QString cappedOrigin;
    int cappedWaiting = 0;
    int perHostCap = 0;
};

// Owns the worker threads: "delivery" runs the DeliveryEngine (network, scheduling, retry decisions) and
// "delivery-db" the DeliveryJournal (the engine's writes), each with its own database connection. Lives in
// the caller's thread; everything it says arrives as queued, batched signals.
class DeliveryController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryController)

public:
    explicit DeliveryController(QString databasePath, QObject *parent = nullptr);
    ~DeliveryController() override;

    // What the engines table calls this engine (console, serve, dispatch); set before start().
    void setProgram(const QString &program) { m_program = program; }
    void start();
    void stop(); // waits for the worker to finish its current database batch; in-flight requests are resumed
                 // next start
    bool isRunning() const;
    // The graceful stop: the engine starts nothing more and the requests on the wire finish, for at most
    // `deadlineMs` (the caller's event loop runs meanwhile); then stop(). Those still on the wire at the
    // deadline are abandoned and sent again later (same webhook-id). Returns whether everything finished.
    bool drainAndStop(int deadlineMs = kDrainDeadlineMs);
    static constexpr int kDrainDeadlineMs = 8000; // under the 10 s `docker stop` and systemd give first
    // What this engine did since start(): requests made, deliveries, messages given up, held or retrying
    // after its latest attempt. Complete after stop().
    DeliveryProgress tally() const { return m_tally; }

    // Settings changed by another process reach this engine: `watcher` (owned by the caller, e.g. the
    // console's session or serve) names "settings" among the changes it heard.
    void followChanges(ChangeWatcher *watcher);

public Q_SLOTS:
    // New messages were queued (or resend was requested): look at the outbox now instead of at the next tick.
    void wake();
    // The delivery settings changed (retry schedule, caps, timeout, quarantine threshold; SMTP is read for each
    // email anyway): the running engine reads them again. A no-op while it is stopped (start() reads them).
    void reloadSettings();

Q_SIGNALS:
    void progress(const sd::DeliveryProgress &progress);
    // Message ids whose state, attempts or last result changed since the previous batch.
    void messagesChanged(const QStringList &messageIds);
    // Nothing due now and nothing in flight (the command line waits for this).
    void idle();
    void noticeAdded(const QString &text); // e.g. a subscriber was quarantined
    void engineError(const QString &text); // the worker could not open the database: nothing is delivered
    void
    engineWarning(const QString &text); // transient (database locked, disk full): the engine keeps trying

    // The maintenance clock changed incidents and components through the engine's own connection (views
    // reload; on SQLite nothing else would tell them).
    void maintenanceMoved();
    // The running engine read the delivery settings again (reloadSettings()).
    void settingsReloaded();

    // Internal: forwards to the engine in its thread.
    void wakeRequested();

private:
    QString m_path;
    QString m_program;
    QThread m_thread;
    QThread m_journalThread;
    DeliveryEngine *m_engine = nullptr;   // lives in m_thread
    DeliveryJournal *m_journal = nullptr; // lives in m_journalThread
    DeliveryProgress m_tally;
};

} // namespace sd

Q_DECLARE_METATYPE(sd::DeliveryProgress)
