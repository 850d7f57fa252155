#pragma once

#include "models/statusrules.h"

#include <QList>
#include <QWidget>

class QLabel;

namespace sd {

class ElidedLabel;

struct DeliveryProgress;
struct FanoutSnapshot;

// The page's roll-up: a coloured dot and Statuspage's description ("Partial System Outage").
class PageStatusIndicator final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PageStatusIndicator)

public:
    explicit PageStatusIndicator(QWidget *parent = nullptr);
    void setStatus(const PageStatus &status);
    PageStatus status() const { return m_status; }
    QString text() const;

private:
    PageStatus m_status;
    QLabel *m_dot = nullptr;
    QLabel *m_text = nullptr;
};

// The lifetime summary of the whole outbox from DeliveryController::progress (every state, all changes
// ever), labelled as such and kept apart from the per-change progress beside it.
class DeliveryProgressLabel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryProgressLabel)

public:
    explicit DeliveryProgressLabel(QWidget *parent = nullptr);
    void setProgress(const DeliveryProgress &progress);
    QString text() const;
    ElidedLabel *label() const { return m_text; }

private:
    ElidedLabel *m_text = nullptr;
};

// The current change's fan-out (FanoutProgressMonitor): "Database: 12,400 / 20,004 · 3 failed · ETA 6 s",
// where the first number is finished (delivered, failed or held) out of the change's total; "stalled"
// instead of an ETA when nothing finishes, and the host whose per-host cap keeps the rest waiting. The
// tooltip breaks the total down by state. When nothing runs it names the last change's result.
class FanoutProgressLabel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FanoutProgressLabel)

public:
    explicit FanoutProgressLabel(QWidget *parent = nullptr);
    // `recent` newest first, as FanoutProgressMonitor::recent().
    void setFanouts(const QList<FanoutSnapshot> &recent);
    // From this console's engine (DeliveryProgress): messages waiting for a slot at `origin` only.
    void setHostWait(const QString &origin, int waiting, int perHostCap);
    // From the store (FanoutProgressMonitor::cappedOrigin): the same for every engine on the database. The
    // line names whichever of the two sees more waiting (the store's view covers serve, dispatch and other
    // consoles; the engine's is the fresher for its own).
    void setStoreHostWait(const QString &origin, int waiting, int perHostCap);
    QString text() const;
    ElidedLabel *label() const { return m_text; }
    QString breakdown() const; // "queued 0 · sending 0 · delivered 20,001 · ... = 20,004", also the tooltip

    // "12,400 / 20,004 · 3 failed · ETA 6 s" for one change (also the incident timeline's line).
    static QString progressText(const FanoutSnapshot &s);
    static QString breakdownText(const FanoutSnapshot &s);
    static QString etaText(qint64 ms);
    static QString hostWaitText(const QString &origin, int waiting, int perHostCap);

Q_SIGNALS:
    void updated(const QString &text);

private:
    void display(const QString &text);

    ElidedLabel *m_text = nullptr;
    QString m_breakdown;
    QString m_fanoutText; // without the host line
    bool m_active = false;
    struct HostWait
    {
        QString origin;
        int waiting = 0;
        int perHostCap = 0;
    };
    void showHostWait();

    QString m_hostWait; // "14 waiting for …": only while a change delivers
    HostWait m_engineWait;
    HostWait m_storeWait;
};

} // namespace sd
