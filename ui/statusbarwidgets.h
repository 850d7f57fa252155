#pragma once

#include "statusrules.h"

#include <QWidget>

class QLabel;

namespace sd {

struct DeliveryProgress;

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

// Live delivery counts from DeliveryController::progress: in flight, queued, failed.
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

} // namespace sd
