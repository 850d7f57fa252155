#include "statusbarwidgets.h"

#include "deliverycontroller.h"
#include "statuspalette.h"

#include <QHBoxLayout>
#include <QLabel>

namespace sd {

PageStatusIndicator::PageStatusIndicator(QWidget *parent)
    : QWidget(parent)
    , m_dot(new QLabel(this))
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("pageStatus"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_dot);
    layout->addWidget(m_text);
    setStatus({QStringLiteral("none"), tr("All Systems Operational")});
}

void PageStatusIndicator::setStatus(const PageStatus &status)
{
    m_status = status;
    m_dot->setPixmap(palette::dot(palette::pageIndicator(status.indicator), 14).pixmap(14, 14));
    m_text->setText(status.description);
    setToolTip(tr("Page status indicator: %1").arg(status.indicator));
}

QString PageStatusIndicator::text() const
{
    return m_text->text();
}

DeliveryProgressLabel::DeliveryProgressLabel(QWidget *parent)
    : QWidget(parent)
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("deliveryProgress"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_text);
    m_text->setText(tr("Delivery: starting…"));
}

void DeliveryProgressLabel::setProgress(const DeliveryProgress &p)
{
    const int failed = p.counts.failed;
    m_text->setText(tr("In flight %1 · queued %2 · retrying %3 · failed %4 · delivered %5 · %n engine(s)",
                       nullptr, p.engines)
                        .arg(p.inFlight)
                        .arg(p.counts.queued)
                        .arg(p.counts.retrying)
                        .arg(failed)
                        .arg(p.counts.delivered));
    m_text->setToolTip(tr("%n delivery engine(s) (consoles, serve, dispatch) work this queue", nullptr, p.engines));
    m_text->setStyleSheet(failed > 0 ? QStringLiteral("color:#c62828") : QString());
}

QString DeliveryProgressLabel::text() const
{
    return m_text->text();
}

} // namespace sd
