#include "ui/endpointpage.h"

#include "app/services/serviceworker.h"
#include "models/endpointurl.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"
#include "ui/healthchart.h"
#include "ui/session.h"

#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace sd {
namespace {

QString rate(const HealthCounts &c)
{
    return c.attempts == 0 ? QObject::tr("no attempts")
                           : QObject::tr("%1 % success (%2 of %3)")
                                 .arg(100.0 * c.successRate(), 0, 'f', 1)
                                 .arg(c.successes)
                                 .arg(c.attempts);
}

QString latency(const HealthCounts &c)
{
    if (c.attempts == 0)
        return {};
    return QObject::tr("p50 %1 ms · p95 %2 ms · slowest %3 ms")
        .arg(c.latency.percentile(50))
        .arg(c.latency.percentile(95))
        .arg(c.latency.maxMs);
}

QString resultText(int http, const QString &errorClass, const QString &errorText)
{
    const QString error = errorClass.isEmpty()  ? QString()
                          : errorText.isEmpty() ? errorClass
                                                : errorClass + QStringLiteral(": ") + errorText;
    if (error.isEmpty())
        return QStringLiteral("HTTP %1").arg(http);
    return http > 0 ? QStringLiteral("HTTP %1 (%2)").arg(http).arg(error) : error;
}

} // namespace

EndpointPage::EndpointPage(Session &session, QString subscriberId, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_id(std::move(subscriberId))
    , m_title(new QLabel(this))
    , m_state(new QLabel(this))
    , m_lastResult(new QLabel(this))
    , m_recent(new QLabel(this))
    , m_lifetime(new QLabel(this))
    , m_successChart(new HealthChart(tr("Success rate per hour"), QStringLiteral("%"), this))
    , m_latencyChart(new HealthChart(tr("Latency per hour"), QStringLiteral("ms"), this))
    , m_attempts(new QTableWidget(0, 5, this))
{
    qRegisterMetaType<EndpointSnapshot>();
    setObjectName(QStringLiteral("endpointPage"));
    setWindowTitle(tr("Endpoint"));
    m_title->setObjectName(QStringLiteral("endpointTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_title->setFont(big);
    m_state->setObjectName(QStringLiteral("endpointState"));
    m_lastResult->setObjectName(QStringLiteral("endpointLastResult"));
    m_recent->setObjectName(QStringLiteral("endpointRecent"));
    m_lifetime->setObjectName(QStringLiteral("endpointLifetime"));
    m_successChart->setObjectName(QStringLiteral("endpointSuccessChart"));
    m_successChart->setFixedMaximum(100);
    m_latencyChart->setObjectName(QStringLiteral("endpointLatencyChart"));
    m_attempts->setObjectName(QStringLiteral("endpointAttempts"));
    m_attempts->setHorizontalHeaderLabels(
        {tr("Time"), tr("Result"), tr("Latency"), tr("Trigger"), tr("Delivery")});
    m_attempts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_attempts->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_attempts->verticalHeader()->hide();
    m_attempts->horizontalHeader()->setStretchLastSection(true);
    m_attempts->setColumnWidth(0, 200);
    m_attempts->setColumnWidth(1, 260);

    auto *facts = new QGridLayout;
    int row = 0;
    for (const auto &[label, value] :
         {std::pair{tr("State"), m_state}, std::pair{tr("Last result"), m_lastResult},
          std::pair{tr("Last 24 hours"), m_recent}, std::pair{tr("All time"), m_lifetime}}) {
        auto *name = new QLabel(label + QLatin1Char(':'), this);
        name->setAlignment(Qt::AlignRight | Qt::AlignTop);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        facts->addWidget(name, row, 0);
        facts->addWidget(value, row, 1);
        ++row;
    }
    facts->setColumnStretch(1, 1);

    auto *charts = new QHBoxLayout;
    charts->addWidget(m_successChart);
    charts->addWidget(m_latencyChart);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *refreshButton = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
    connect(refreshButton, &QPushButton::clicked, this, &EndpointPage::refresh);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(facts);
    layout->addLayout(charts, 2);
    layout->addWidget(new QLabel(tr("Recent attempts (last %1)").arg(kRecentAttempts), this));
    layout->addWidget(m_attempts, 3);
    layout->addWidget(buttons);
    resize(980, 720);
    m_title->setText(tr("Loading…"));
    refresh();
}

EndpointSnapshot EndpointPage::read(Store &store, const QString &subscriberId, const QDateTime &now)
{
    EndpointSnapshot s;
    s.to = now;
    s.from = now.addDays(-kChartDays);
    s.subscriber = store.subscribers.find(subscriberId);
    HealthRepository health(store.db());
    s.health = health.find(subscriberId, now);
    s.hours = health.hourly(subscriberId, s.from);
    s.attempts = store.outbox.recentAttempts(subscriberId, kRecentAttempts);
    return s;
}

void EndpointPage::refresh()
{
    const QString id = m_id;
    m_session.worker().run<EndpointSnapshot>(
        [id](ServiceWorker::Services &services) -> Result<EndpointSnapshot> {
            try {
                return read(services.store, id, QDateTime::currentDateTimeUtc());
            } catch (const StoreError &e) {
                return Error{tr("The endpoint could not be read: %1").arg(e.message())};
            }
        },
        this,
        [this](const Result<EndpointSnapshot> &r) {
            if (!r) {
                m_lastResult->setText(r.error());
                return;
            }
            display(r.value());
        });
}

void EndpointPage::display(const EndpointSnapshot &snapshot)
{
    if (!snapshot.subscriber) {
        m_title->setText(tr("This subscriber no longer exists."));
        Q_EMIT loaded();
        return;
    }
    const Subscriber &sub = *snapshot.subscriber;
    const QString url = endpointurl::redacted(sub.endpoint);
    m_title->setText(url);
    setWindowTitle(tr("Endpoint %1").arg(url));
    QString state = toString(sub.state);
    if (sub.state == SubscriberState::Quarantined)
        state = tr("quarantined since %1; purged %2 unless reactivated")
                    .arg(timefmt::display(sub.quarantinedAt), timefmt::display(sub.purgeAt));
    else if (sub.state == SubscriberState::Unsubscribed)
        state = tr("unsubscribed %1").arg(timefmt::display(sub.unsubscribedAt));
    m_state->setText(tr("%1 · %2 · %3 · subscribed %4")
                         .arg(state, sub.email, sub.secret.isEmpty() ? tr("unsigned") : tr("signed"),
                              timefmt::display(sub.createdAt)));

    if (!snapshot.health) {
        m_lastResult->setText(tr("never sent"));
        m_recent->setText(tr("no attempts"));
        m_lifetime->setText(tr("no attempts"));
    } else {
        const EndpointHealth &h = *snapshot.health;
        m_lastResult->setText(tr("%1 after %2 ms, %3")
                                  .arg(resultText(h.lastHttpStatus, h.lastErrorClass, h.lastError))
                                  .arg(h.lastLatencyMs)
                                  .arg(timefmt::display(h.lastAt)));
        const auto line = [](const HealthCounts &c) {
            const QString l = latency(c);
            return l.isEmpty() ? rate(c) : rate(c) + QStringLiteral(" · ") + l;
        };
        m_recent->setText(line(h.recent));
        m_lifetime->setText(line(h.lifetime));
    }

    // One point per hour of the period; hours without attempts are gaps, not zeros.
    HealthChart::Series success{tr("success %"), QColor(0x2e, 0x7d, 0x32), {}};
    HealthChart::Series p50{tr("p50"), QColor(0x15, 0x65, 0xc0), {}};
    HealthChart::Series p95{tr("p95"), QColor(0xef, 0x6c, 0x00), {}};
    for (const HealthHour &hour : snapshot.hours) {
        // The middle of the hour, but never past now: the hour under way (an incident in progress) would
        // otherwise fall outside the chart for its first 30 minutes.
        const QDateTime mid = std::min(hour.hour.addSecs(1800), snapshot.to);
        const bool any = hour.counts.attempts > 0;
        success.points.push_back(
            {mid, any ? std::optional<double>(100.0 * hour.counts.successRate()) : std::nullopt});
        p50.points.push_back(
            {mid, any ? std::optional<double>(hour.counts.latency.percentile(50)) : std::nullopt});
        p95.points.push_back(
            {mid, any ? std::optional<double>(hour.counts.latency.percentile(95)) : std::nullopt});
    }
    m_successChart->setRange(snapshot.from, snapshot.to);
    m_successChart->setSeries({success});
    m_latencyChart->setRange(snapshot.from, snapshot.to);
    m_latencyChart->setSeries({p50, p95});

    m_attempts->setRowCount(static_cast<int>(snapshot.attempts.size()));
    for (int r = 0; r < static_cast<int>(snapshot.attempts.size()); ++r) {
        const Attempt &a = snapshot.attempts[static_cast<size_t>(r)];
        const bool ok = HealthRepository::succeeded(a);
        const QStringList cells{
            timefmt::display(a.startedAt), resultText(a.httpStatus, a.errorClass, a.errorText),
            tr("%1 ms").arg(a.durationMs),
            a.actor.isEmpty() ? toString(a.trigger) : tr("%1 by %2").arg(toString(a.trigger), a.actor),
            tr("%1 #%2").arg(a.messageId).arg(a.attemptNumber)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == 1)
                item->setForeground(ok ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
            m_attempts->setItem(r, c, item);
        }
    }
    Q_EMIT loaded();
}

} // namespace sd
