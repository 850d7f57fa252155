#pragma once

#include "models/statusrules.h"

#include <QList>
#include <QWidget>

class QLabel;

namespace sd {

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

private:
    QLabel *m_text = nullptr;
};

// The current change's fan-out (FanoutProgressMonitor): "Database: 12,400 / 20,004 · 3 failed · ETA 6 s",
// where the first number is finished (delivered, failed or held) out of the change's total. The tooltip
// breaks the total down by state. When nothing runs it names the last change's result without an ETA.
class FanoutProgressLabel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FanoutProgressLabel)

public:
    explicit FanoutProgressLabel(QWidget *parent = nullptr);
    // `recent` newest first, as FanoutProgressMonitor::recent().
    void setFanouts(const QList<FanoutSnapshot> &recent);
    QString text() const;
    QString breakdown() const; // "queued 0 · sending 0 · delivered 20,001 · ... = 20,004", also the tooltip

    // "12,400 / 20,004 · 3 failed · ETA 6 s" for one change (also the incident timeline's line).
    static QString progressText(const FanoutSnapshot &s);
    static QString breakdownText(const FanoutSnapshot &s);
    static QString etaText(qint64 ms);

Q_SIGNALS:
    void updated(const QString &text);

private:
    QLabel *m_text = nullptr;
    QString m_breakdown;
};

} // namespace sd
