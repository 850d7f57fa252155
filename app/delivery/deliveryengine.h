#pragma once

#include "app/delivery/deadlinequeue.h"
#include "app/delivery/deliverycontroller.h"
#include "app/delivery/deliveryjournal.h"
#include "app/delivery/hostscheduler.h"
#include "app/delivery/quarantinetracker.h"
#include "app/delivery/retrypolicy.h"
#include "app/delivery/smtpsender.h"
#include "app/delivery/webhookattempt.h"
#include "models/deliverysettings.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <memory>
#include <vector>

namespace sd {

class MaintenanceClock;
class Store;

// Works the outbox in its own thread: claims due messages, runs attempts through the HostScheduler,
// records results in batched transactions, schedules retries, quarantines failing subscribers.
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
    void shutdown(); // flushes results, drops connections; claimed messages resume on the next start
    // The settings hook (issue 20 item 1): reads the delivery settings again and uses them for every attempt
    // from now on (retry schedule, caps, timeout, quarantine threshold); attempts in flight keep theirs.
    void reloadSettings();

Q_SIGNALS:
    void progress(const sd::DeliveryProgress &progress);
    void messagesChanged(const QStringList &messageIds);
    void idle();
    void noticeAdded(const QString &text);
    void engineError(const QString &text);   // could not start: no deliveries until restarted
    void engineWarning(const QString &text); // transient; the engine keeps trying
    void
    maintenanceMoved(); // the clock opened or closed a maintenance window: incidents and components changed
    void writeRequested(const sd::JournalBatch &batch); // to the journal's thread
    void settingsReloaded(); // reloadSettings() took them up

private:
    void scan();
    // Opens and closes the maintenance windows that are due; returns when the next one falls due.
    QDateTime runMaintenanceClock();
    int room() const;
    void admit(const std::vector<Message> &claimed); // claimed by the journal: into the scheduler
    void pump();
    void onAttemptFinished(const AttemptResult &result, const QString &origin);
    void quarantine(const QString &subscriberId, const QString &reason, const QDateTime &now);
    // The email channel: a claimed email goes to the SMTP sender's thread; its result is recorded like a
    // webhook's (same retries) but never counts towards the subscriber's quarantine.
    void startEmail(const Message &message); // its origin is found again from the attempt when it ends
    void onEmailFinished(const Attempt &attempt, const QString &origin);
    // The retry decision for a finished attempt, setting its next attempt time. The schedule counts the
    // engine's own attempts only; a failed manual attempt of a message still on its schedule leaves it as it
    // was (same next time, same retries left).
    RetryDecision decide(Attempt &a, int httpStatus, const QByteArray &retryAfter);
    void flush(bool claim); // hands results (and, when asked or backlogged, a claim) to the journal
    JournalBatch takeBatch(bool claim);
    void onWritten(const sd::JournalOutcome &outcome);
    void emitProgress();
    void checkIdle();
    int sendingByOthers(); // messages other engines hold leases on (live or not yet taken back)
    std::optional<Subscriber> subscriber(const QString &id);

    QString m_path;
    QString m_engineId; // the owner name on this engine's leases
    int m_engines = 1;  // engines working the queue, from the journal's heartbeat
    std::unique_ptr<Store> m_store;
    std::unique_ptr<MaintenanceClock> m_maintenance; // every engine drives it: console, serve, dispatch
    HttpTransport *m_transport = nullptr;            // child: target policy, proxy and the network managers
    DeliverySettings m_settings;
    std::unique_ptr<RetryPolicy> m_policy;
    std::unique_ptr<HostScheduler> m_scheduler;
    DeadlineQueue *m_deadlines = nullptr; // child: every attempt's whole-attempt deadline, one timer
    std::unique_ptr<QuarantineTracker> m_quarantine;
    SmtpSender *m_smtp = nullptr;             // child, made with the first email
    QHash<QString, Subscriber> m_subscribers; // cache, refreshed at most every second
    qint64 m_dataVersion = -1;                // PRAGMA data_version when the cache was filled
    QSet<QString> m_quarantined;              // quarantined while results were pending
    struct Schedule
    {
        int automaticAttempts = 0; // attempts made before this one, manual ones left out
        QDateTime resumeAt;        // for a manual attempt: the automatic one it came before
    };
    QHash<QString, Schedule> m_inFlightSchedules; // message id -> its schedule, while its attempt runs
    DeliveryJournal *m_journal;                   // lives in its own thread
    std::vector<JournalBatch::Result> m_pending;
    std::vector<JournalBatch::Quarantine> m_pendingQuarantines;
    std::vector<JournalBatch::StateChange> m_pendingStates;
    JournalBatch m_inWrite; // the batch the journal is writing, resent if the write fails
    bool m_writing = false;
    bool m_claimWanted = false; // a claim was asked for while a write was under way
    int m_claiming = 0;         // messages the journal may be claiming right now
    QSet<QString> m_changed;
    QTimer m_scanTimer;
    QTimer m_flushTimer;
    QTimer m_progressTimer;
    bool m_wasIdle = false;
    bool m_backlog = false; // the last claim filled the window
    bool m_writeFailing = false;
    bool m_pumpQueued = false; // a pump() continues in the next turn of the event loop
    bool m_scanFailing = false;
    bool m_clockFailing = false;
    bool m_stopping = false;
    qint64 m_attemptsMade = 0;
    qint64 m_delivered = 0;
    qint64 m_failedAttempts = 0;
};

} // namespace sd
