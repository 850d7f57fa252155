#include "ui/endpointpage.h"

#include "app/services/serviceworker.h"
#include "models/endpointurl.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"
#include "ui/healthchart.h"
#include "ui/session.h"
#include "ui/windowsize.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

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
    return QObject::tr("p50 %1 · p95 %2 · slowest %3")
        .arg(HealthChart::formatValue(c.latency.percentile(50), QStringLiteral("ms")),
             HealthChart::formatValue(c.latency.percentile(95), QStringLiteral("ms")),
             HealthChart::formatValue(c.latency.maxMs, QStringLiteral("ms")));
}

constexpr qint64 kMinuteMs = 60 * 1000;
constexpr qint64 kHourMs = 60 * kMinuteMs;

qint64 spanOf(ChartRange r)
{
    return r == ChartRange::LastHour ? kHourMs : r == ChartRange::LastDay ? 24 * kHourMs : 7 * 24 * kHourMs;
}

// Nearest rank over the exact durations (sorted).
qint64 exactPercentile(const std::vector<qint64> &sorted, int p)
{
    const size_t rank = std::max<size_t>((sorted.size() * size_t(p) + 99) / 100, 1);
    return sorted[rank - 1];
}

// The last hour by minute, from the attempts themselves.
std::vector<ChartPoint> minutePoints(const std::vector<HealthRepository::Sample> &samples,
                                     const QDateTime &to)
{
    std::map<qint64, std::vector<const HealthRepository::Sample *>> minutes;
    for (const auto &s : samples)
        minutes[s.at.toMSecsSinceEpoch() / kMinuteMs * kMinuteMs].push_back(&s);
    std::vector<ChartPoint> out;
    for (const auto &[start, list] : minutes) {
        std::vector<qint64> durations;
        qint64 ok = 0;
        for (const auto *s : list) {
            durations.push_back(s->durationMs);
            ok += s->succeeded ? 1 : 0;
        }
        std::sort(durations.begin(), durations.end());
        ChartPoint p;
        p.at = std::min(QDateTime::fromMSecsSinceEpoch(start + kMinuteMs / 2, Qt::UTC), to);
        p.attempts = qint64(durations.size());
        p.successPercent = 100.0 * double(ok) / double(durations.size());
        p.p50Ms = exactPercentile(durations, 50);
        p.p95Ms = exactPercentile(durations, 95);
        out.push_back(p);
    }
    return out;
}

// Hour by hour, from the running aggregates; an hour without attempts is a gap.
std::vector<ChartPoint> hourPoints(const std::vector<HealthHour> &hours, const QDateTime &to)
{
    std::vector<ChartPoint> out;
    for (const HealthHour &hour : hours) {
        if (hour.counts.attempts == 0)
            continue;
        ChartPoint p;
        // The middle of the hour, but never past now: the hour under way (an incident in progress) would
        // otherwise fall outside the chart for its first 30 minutes.
        p.at = std::min(hour.hour.addSecs(1800), to);
        p.attempts = hour.counts.attempts;
        p.successPercent = 100.0 * hour.counts.successRate();
        p.p50Ms = hour.counts.latency.percentile(50);
        p.p95Ms = hour.counts.latency.percentile(95);
        out.push_back(p);
    }
    return out;
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
    , m_range(new QComboBox(this))
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

    m_range->setObjectName(QStringLiteral("endpointRange"));
    m_range->addItem(tr("Last hour, by minute"), int(ChartRange::LastHour));
    m_range->addItem(tr("Last 24 hours, by hour"), int(ChartRange::LastDay));
    m_range->addItem(tr("Last 7 days, by hour"), int(ChartRange::LastWeek));
    m_range->setCurrentIndex(1);
    connect(m_range, &QComboBox::activated, this, [this] {
        m_rangeChosen = true;
        refresh();
    });
    auto *rangeRow = new QHBoxLayout;
    rangeRow->addWidget(new QLabel(tr("Charts:"), this));
    rangeRow->addWidget(m_range);
    rangeRow->addStretch(1);
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
    layout->addLayout(rangeRow);
    layout->addLayout(charts, 2);
    layout->addWidget(new QLabel(tr("Recent attempts (last %1)").arg(kRecentAttempts), this));
    layout->addWidget(m_attempts, 3);
    layout->addWidget(buttons);
    resizeWithinScreen(this, {980, 720});
    m_title->setText(tr("Loading…"));
    refresh();
}

EndpointSnapshot EndpointPage::read(Store &store, const QString &subscriberId, const QDateTime &now,
                                    std::optional<ChartRange> range)
{
    EndpointSnapshot s;
    s.to = now;
    s.subscriber = store.subscribers.find(subscriberId);
    HealthRepository health(store.db());
    s.health = health.find(subscriberId, now);
    if (!range) {
        const QDateTime last = s.health ? s.health->lastAt : QDateTime();
        range = !last.isValid()                                   ? ChartRange::LastDay
                : last.msecsTo(now) < kHourMs                     ? ChartRange::LastHour
                : last.msecsTo(now) < spanOf(ChartRange::LastDay) ? ChartRange::LastDay
                                                                  : ChartRange::LastWeek;
    }
    s.range = *range;
    s.from = now.addMSecs(-spanOf(s.range));
    s.points = s.range == ChartRange::LastHour ? minutePoints(health.samples(subscriberId, s.from), now)
                                               : hourPoints(health.hourly(subscriberId, s.from), now);
    s.attempts = store.outbox.recentAttempts(subscriberId, kRecentAttempts);
    return s;
}

void EndpointPage::refresh()
{
    const QString id = m_id;
    const std::optional<ChartRange> range =
        m_rangeChosen ? std::optional<ChartRange>(ChartRange(m_range->currentData().toInt())) : std::nullopt;
    m_session.worker().run<EndpointSnapshot>(
        [id, range](ServiceWorker::Services &services) -> Result<EndpointSnapshot> {
            try {
                return read(services.store, id, QDateTime::currentDateTimeUtc(), range);
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

    {
        const QSignalBlocker quiet(m_range);
        m_range->setCurrentIndex(m_range->findData(int(snapshot.range)));
    }
    const bool byMinute = snapshot.range == ChartRange::LastHour;
    m_successChart->setTitle(byMinute ? tr("Success rate per minute") : tr("Success rate per hour"));
    m_latencyChart->setTitle(byMinute ? tr("Latency per minute") : tr("Latency per hour"));
    // One point per minute or hour with attempts; periods without any are gaps, not zeros (a period longer
    // than one step between two points breaks the line).
    const qint64 step = byMinute ? kMinuteMs : kHourMs;
    HealthChart::Series success{tr("success %"), QColor(0x2e, 0x7d, 0x32), {}};
    HealthChart::Series p50{tr("p50"), QColor(0x15, 0x65, 0xc0), {}};
    HealthChart::Series p95{tr("p95"), QColor(0xef, 0x6c, 0x00), {}};
    QDateTime previous;
    for (const ChartPoint &point : snapshot.points) {
        if (previous.isValid() && previous.msecsTo(point.at) > step + step / 2) {
            for (HealthChart::Series *s : {&success, &p50, &p95})
                s->points.push_back({previous.addMSecs(step), std::nullopt});
        }
        previous = point.at;
        success.points.push_back({point.at, point.successPercent});
        p50.points.push_back({point.at, double(point.p50Ms)});
        p95.points.push_back({point.at, double(point.p95Ms)});
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
            HealthChart::formatValue(double(a.durationMs), QStringLiteral("ms")),
            a.actor.isEmpty() ? toString(a.trigger) : tr("%1 by %2").arg(toString(a.trigger), a.actor),
            tr("%1 #%2").arg(a.messageId).arg(a.attemptNumber)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == 0)
                item->setToolTip(timefmt::isoUtc(a.startedAt)); // ISO 8601 in tooltips
            if (c == 1)
                item->setForeground(ok ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
            m_attempts->setItem(r, c, item);
        }
    }
    Q_EMIT loaded();
}

} // namespace sd
