#pragma once

#include "app/delivery/deadlinequeue.h"
#include "app/delivery/deliverycontroller.h"
#include "app/delivery/deliveryjournal.h"
#include "app/delivery/hostscheduler.h"
#include "app/delivery/outages.h"
#include "app/delivery/pendingwrites.h"
#include "app/delivery/retrypolicy.h"
#include "app/delivery/smtpsender.h"
#include "app/delivery/webhookattempt.h"
#include "models/deliverysettings.h"

#include <QObject>
#include <QSet>
#include <QTimer>
#include <memory>
#include <vector>

namespace sd {

class MaintenanceClock;
class Store;

// Works the outbox in its own thread: the journal claims due messages, the HostScheduler queues them per
// origin, each becomes a WebhookAttempt (or an email), RetryPolicy says what its result means, and the
// results go back to the journal in batches (PendingWrites).
class DeliveryEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryEngine)

public:
    DeliveryEngine(QString databasePath, QString engineId, DeliveryJournal *journal,
                   QObject *parent = nullptr);
    ~DeliveryEngine() override;

public Q_SLOTS:
    void initialize();
    void wake();
    // A graceful stop (SIGTERM, SIGINT): claims and starts nothing more, lets the requests on the wire finish
    // and their results be written, then says drained(); what it claimed but never started goes back to the
    // queue when the journal shuts down. The caller's deadline ends it with shutdown() regardless.
    void drain();
    void shutdown(); // flushes results, drops connections; claimed messages resume on the next start
    // The settings hook (issue 20 item 1): reads the delivery settings again and uses them for every attempt
    // from now on (retry schedule, caps, timeout, quarantine threshold); attempts in flight keep theirs.
    void reloadSettings();

public:
    // What this engine did, for a command's summary; read after its thread ended.
    DeliveryProgress tally() const;

Q_SIGNALS:
    void progress(const sd::DeliveryProgress &progress);
    void messagesChanged(const QStringList &messageIds);
    void idle();
    void drained();
    void noticeAdded(const QString &text);
    void engineError(const QString &text);   // could not start: no deliveries until restarted
    void engineWarning(const QString &text); // transient; the engine keeps trying
    void
    maintenanceMoved(); // the clock opened or closed a maintenance window: incidents and components changed
    void writeRequested(const sd::JournalBatch &batch); // to the journal's thread
    void settingsReloaded();                            // reloadSettings() took them up

private:
    // Where the engine is in its life. Working and Idle differ only in whether idle() has been said since
    // the last work came in.
    enum class Phase
    {
        Starting, // initialize() has not succeeded (yet)
        Working,
        Idle,
        Draining, // drain() was called: nothing new is claimed or started, answers on the wire are written
        Stopping, // shutdown() was called: nothing new starts, late answers are dropped
    };
    bool running() const { return m_phase == Phase::Working || m_phase == Phase::Idle; }

    void scan();
    // Opens and closes the maintenance windows that are due; returns when the next one falls due.
    QDateTime runMaintenanceClock();
    int room() const;
    int claimSize() const;                           // how many the next claim takes
    std::unique_ptr<RetryPolicy> makePolicy();       // from m_settings
    void trustCaFile();                              // m_settings.caFile (empty: the system CAs alone)
    void admit(const std::vector<Message> &claimed); // claimed by the journal: into the scheduler
    void pump();
    // One read per attempt: from the cache, else the store (the cache empties when anything changed).
    std::optional<Subscriber> subscriber(const QString &id);
    // A claimed message whose subscriber is quarantined or gone: held or cancelled instead of sent.
    void setAside(const Message &message, const std::optional<Subscriber> &subscriber, const QString &origin);
    // The email channel: a claimed email goes to the SMTP sender's thread; its result is recorded like a
    // webhook's (same retries) but never counts towards the subscriber's quarantine.
    void startEmail(const Message &message); // its origin is found again from the attempt when it ends
    // Every finished attempt, webhook or email: RetryPolicy says what it means, the engine carries it out.
    void record(Attempt attempt, const QByteArray &retryAfter, Channel channel, const QString &origin,
                const Subscriber &subscriber);
    void quarantine(const Subscriber &subscriber, const QString &reason);
    void flush(bool claim); // hands results (and, when asked or backlogged, a claim) to the journal
    void onWritten(const sd::JournalOutcome &outcome);
    void announceChanged();
    void emitProgress();
    void checkIdle();
    void checkDrained();
    void count(const QString &messageId, DeliveryState state); // this engine's outcomes, for tally()
    int sendingByOthers(); // messages other engines hold leases on (live or not yet taken back)

    QString m_path;
    QString m_engineId; // the owner name on this engine's leases
    Phase m_phase = Phase::Starting;
    int m_engines = 1; // engines working the queue, from the journal's heartbeat
    std::unique_ptr<Store> m_store;
    std::unique_ptr<MaintenanceClock> m_maintenance; // every engine drives it: console, serve, dispatch
    HttpTransport *m_transport = nullptr;            // child: target policy, proxy and the network managers
    DeliverySettings m_settings;
    std::unique_ptr<RetryPolicy> m_policy; // what each result means
    std::unique_ptr<HostScheduler> m_scheduler;
    DeadlineQueue *m_deadlines = nullptr;         // child: the one clock the attempts' own deadlines run on
    SmtpSender *m_smtp = nullptr;                 // child, made with the first email
    QHash<QString, Subscriber> m_subscribers;     // cache, emptied when something changed
    QSet<QString> m_quarantined;                  // quarantined while results were pending
    QHash<QString, Schedule> m_inFlightSchedules; // message id -> its schedule, while its attempt runs
    DeliveryJournal *m_journal;                   // lives in its own thread
    PendingWrites m_writes;                       // decided, not yet written; the write under way
    Outages m_outages;                            // which warnings have been said
    QSet<QString> m_changed;                      // committed, not yet announced
    QTimer m_scanTimer;
    QTimer m_flushTimer;
    QTimer m_progressTimer;
    QTimer m_nextTurn;          // pump() goes on in the next turn of the event loop
    bool m_drainedSaid = false; // drained() is said once
    qint64 m_attemptsMade = 0;
    qint64 m_delivered = 0;
    qint64 m_failedAttempts = 0;
    qint64 m_gaveUp = 0;
    qint64 m_held = 0;
    QSet<QString> m_retrying; // messages whose latest attempt here was followed by a retry
};

} // namespace sd
