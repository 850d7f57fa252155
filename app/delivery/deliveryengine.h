#pragma once

#include "deliverycontroller.h"
#include "deliverysettings.h"
#include "hostscheduler.h"
#include "quarantinetracker.h"
#include "retrypolicy.h"
#include "webhookattempt.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>
#include <vector>

class QNetworkAccessManager;

namespace sd {

class Store;

// Works the outbox in its own thread: claims due messages, runs attempts through the HostScheduler,
// records results in batched transactions, schedules retries, quarantines failing subscribers.
class DeliveryEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryEngine)

public:
    explicit DeliveryEngine(QString databasePath, QObject *parent = nullptr);
    ~DeliveryEngine() override;

public Q_SLOTS:
    void initialize();
    void wake();
    void shutdown(); // flushes results, drops connections; claimed messages resume on the next start

Q_SIGNALS:
    void progress(const sd::DeliveryProgress &progress);
    void messagesChanged(const QStringList &messageIds);
    void idle();
    void noticeAdded(const QString &text);
    void engineError(const QString &text);

private:
    void scan();
    void pump();
    void onAttemptFinished(const AttemptResult &result, const QString &origin);
    void quarantine(const QString &subscriberId, const QString &reason, const QDateTime &now);
    void flush();
    void emitProgress();
    void checkIdle();
    std::optional<Subscriber> subscriber(const QString &id);

    struct PendingResult
    {
        Attempt attempt;
        DeliveryState state;
    };

    QString m_path;
    std::unique_ptr<Store> m_store;
    QNetworkAccessManager *m_nam = nullptr;
    DeliverySettings m_settings;
    std::unique_ptr<RetryPolicy> m_policy;
    std::unique_ptr<HostScheduler> m_scheduler;
    std::unique_ptr<QuarantineTracker> m_quarantine;
    QHash<QString, Subscriber> m_subscribers; // cache, refreshed on every scan
    QHash<QString, QString> m_triggers;       // message id -> next trigger (manual resend)
    QSet<QString> m_quarantined;              // quarantined while results were pending
    std::vector<PendingResult> m_pending;
    std::vector<std::pair<QString, QString>> m_pendingQuarantines; // subscriber id, reason
    QSet<QString> m_changed;
    QTimer m_scanTimer;
    QTimer m_flushTimer;
    QTimer m_progressTimer;
    bool m_wasIdle = false;
    bool m_stopping = false;
    qint64 m_attemptsMade = 0;
    qint64 m_delivered = 0;
    qint64 m_failedAttempts = 0;
};

} // namespace sd
