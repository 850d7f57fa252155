#include "ui/statusbarwidgets.h"

#include "app/delivery/deliverycontroller.h"
#include "app/readers/fanoutprogress.h"
#include "ui/elidedlabel.h"
#include "ui/statuspalette.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>

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
    , m_text(new ElidedLabel(this))
{
    setObjectName(QStringLiteral("deliveryProgress"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_text);
    m_text->setText(tr("Lifetime: starting…"));
}

void DeliveryProgressLabel::setProgress(const DeliveryProgress &p)
{
    const QLocale l;
    const int failed = p.counts.failed;
    // Every state of the outbox, sending included, so these add up to every message ever queued.
    m_text->setText(
        tr("Lifetime: delivered %1 · failed %2 · held %3 · retrying %4 · queued %5 · sending %6 · "
           "%n engine(s)",
           nullptr, p.engines)
            .arg(l.toString(p.counts.delivered), l.toString(failed), l.toString(p.counts.held),
                 l.toString(p.counts.retrying), l.toString(p.counts.queued), l.toString(p.counts.sending)));
    m_text->setDetail(tr("Lifetime totals over every change in this database (%1 messages, %2 cancelled); "
                         "%n delivery engine(s) (consoles, serve, dispatch) work this queue. The current "
                         "change's progress is shown beside it.",
                         nullptr, p.engines)
                          .arg(l.toString(p.counts.total()), l.toString(p.counts.cancelled)));
    m_text->setTextColor(failed > 0 ? palette::failureText(palette()) : QColor());
}

QString DeliveryProgressLabel::text() const
{
    return m_text->text();
}

FanoutProgressLabel::FanoutProgressLabel(QWidget *parent)
    : QWidget(parent)
    , m_text(new ElidedLabel(this))
{
    setObjectName(QStringLiteral("fanoutProgress"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_text);
    hide(); // until a change has fanned out
}

QString FanoutProgressLabel::etaText(qint64 ms)
{
    const qint64 s = (ms + 999) / 1000;
    if (s < 60)
        return tr("ETA %1 s").arg(s);
    const qint64 minutes = (s + 59) / 60;
    if (minutes < 60)
        return tr("ETA %1 min").arg(minutes);
    return tr("ETA %1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

QString FanoutProgressLabel::progressText(const FanoutSnapshot &s)
{
    const QLocale l;
    const FanoutCounts &f = s.fanout;
    QString text = tr("%1 / %2").arg(l.toString(f.finished()), l.toString(f.total()));
    if (f.counts.failed > 0)
        text += tr(" · %1 failed").arg(l.toString(f.counts.failed));
    if (f.counts.held > 0)
        text += tr(" · %1 held").arg(l.toString(f.counts.held));
    if (s.stalled)
        text += tr(" · stalled"); // nothing finished lately: an ETA from an old rate would only count up
    else if (s.etaMs >= 0)
        text += QStringLiteral(" · ") + etaText(s.etaMs);
    else if (f.active() && f.counts.queued + f.counts.sending == 0)
        text += tr(" · %1 retrying").arg(l.toString(f.counts.retrying)); // waiting for their schedule
    return text;
}

QString FanoutProgressLabel::breakdownText(const FanoutSnapshot &s)
{
    const QLocale l;
    const StateCounts &c = s.fanout.counts;
    QString text =
        tr("queued %1 · sending %2 · delivered %3 · retrying %4 · failed %5 · held %6 = %7")
            .arg(l.toString(c.queued), l.toString(c.sending), l.toString(c.delivered), l.toString(c.retrying),
                 l.toString(c.failed), l.toString(c.held), l.toString(s.fanout.total()));
    if (c.cancelled > 0)
        text += tr(" (%1 cancelled: unsubscribed before sending)").arg(l.toString(c.cancelled));
    return text;
}

void FanoutProgressLabel::setFanouts(const QList<FanoutSnapshot> &recent)
{
    QString text;
    QStringList tip;
    const FanoutSnapshot *shown = nullptr;
    int active = 0;
    for (const FanoutSnapshot &s : recent) {
        if (!s.fanout.active())
            continue;
        ++active;
        if (!shown)
            shown = &s; // the newest change still delivering
        tip << QStringLiteral("%1: %2").arg(s.fanout.subjectName, breakdownText(s));
    }
    if (shown) {
        text = tr("%1: %2").arg(shown->fanout.subjectName, progressText(*shown));
        if (active > 1)
            text += tr(" (+%n more change(s) delivering)", nullptr, active - 1);
        m_breakdown = breakdownText(*shown);
    } else if (!recent.isEmpty()) {
        shown = &recent.constFirst();
        text = tr("Last change, %1: %2").arg(shown->fanout.subjectName, progressText(*shown));
        m_breakdown = breakdownText(*shown);
        tip << QStringLiteral("%1: %2").arg(shown->fanout.subjectName, m_breakdown);
    } else {
        m_breakdown.clear();
    }
    setVisible(shown != nullptr);
    m_text->setTextColor(shown && shown->fanout.counts.failed > 0 ? palette::failureText(palette())
                                                                  : QColor());
    if (shown && shown->stalled)
        tip << tr("Stalled: nothing finished in the last %1 s.").arg(EtaEstimator::kStallMs / 1000);
    m_text->setDetail(tip.isEmpty() ? QString()
                                    : tr("Webhooks of the current change (finished / total):\n") +
                                          tip.join(QLatin1Char('\n')));
    m_fanoutText = text;
    m_active = active > 0;
    display(text);
}

QString FanoutProgressLabel::hostWaitText(const QString &origin, int waiting, int perHostCap)
{
    return tr("%1 waiting for %2 (per-host cap %3)")
        .arg(QLocale().toString(waiting), origin, QString::number(perHostCap));
}

void FanoutProgressLabel::setHostWait(const QString &origin, int waiting, int perHostCap)
{
    m_engineWait = {origin, waiting, perHostCap};
    showHostWait();
}

void FanoutProgressLabel::setStoreHostWait(const QString &origin, int waiting, int perHostCap)
{
    m_storeWait = {origin, waiting, perHostCap};
    showHostWait();
}

void FanoutProgressLabel::showHostWait()
{
    const HostWait &w = m_storeWait.waiting > m_engineWait.waiting ? m_storeWait : m_engineWait;
    const QString wait =
        w.origin.isEmpty() || w.waiting <= 0 ? QString() : hostWaitText(w.origin, w.waiting, w.perHostCap);
    if (wait == m_hostWait)
        return;
    m_hostWait = wait;
    if (isVisible())
        display(m_fanoutText);
}

void FanoutProgressLabel::display(const QString &fanoutText)
{
    // The host line only while a change delivers: that is when it explains the wait.
    const QString text =
        m_active && !m_hostWait.isEmpty() ? fanoutText + QStringLiteral(" · ") + m_hostWait : fanoutText;
    m_text->setText(text);
    Q_EMIT updated(text); // every read, even with the same figures: listeners follow each update
}

QString FanoutProgressLabel::text() const
{
    return m_text->text();
}

QString FanoutProgressLabel::breakdown() const
{
    return m_breakdown;
}

} // namespace sd
