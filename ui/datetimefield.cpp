#include "ui/datetimefield.h"

#include <QCoreApplication>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QToolButton>

namespace sd {
namespace {

// "+01:00"
QString offsetText(int seconds)
{
    const int abs = seconds < 0 ? -seconds : seconds;
    return QStringLiteral("%1%2:%3")
        .arg(seconds < 0 ? QLatin1Char('-') : QLatin1Char('+'))
        .arg(abs / 3600, 2, 10, QLatin1Char('0'))
        .arg((abs % 3600) / 60, 2, 10, QLatin1Char('0'));
}

// The next time the zone's clock shows `time`, from `nowUtc` on.
QDateTime nextWallTime(const QDateTime &nowUtc, const QTimeZone &zone, QTime time)
{
    const QDateTime local = nowUtc.toTimeZone(zone);
    QDateTime at(local.date(), time, zone);
    if (at <= nowUtc)
        at = QDateTime(local.date().addDays(1), time, zone);
    return at.toUTC();
}

} // namespace

DateTimeField::DateTimeField(QWidget *parent)
    : QWidget(parent)
    , m_edit(new QDateTimeEdit(this))
    , m_presets(new QToolButton(this))
    , m_zoneLabel(new QLabel(this))
    , m_now([] { return QDateTime::currentDateTimeUtc(); })
{
    // The editor holds the page's wall-clock time with a UTC spec: what it shows is never converted to or
    // from this machine's zone, and a fixed, locale-free format keeps typing digit by digit predictable
    // (a locale's "12/7/26 10:00 PM" turned typed digits into other fields).
    m_edit->setTimeSpec(Qt::UTC);
    m_edit->setDisplayFormat(QString::fromLatin1(kFormat));
    m_edit->setCalendarPopup(true);
    m_edit->setCurrentSection(QDateTimeEdit::YearSection);
    m_presets->setText(tr("Presets"));
    m_presets->setPopupMode(QToolButton::InstantPopup);
    m_presets->setMenu(new QMenu(m_presets));
    m_presets->setToolTip(tr("Fill in a common time"));
    m_presets->setFocusPolicy(Qt::TabFocus);
    m_zoneLabel->setTextFormat(Qt::PlainText);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_zoneLabel);
    layout->addWidget(m_presets);
    setFocusProxy(m_edit);
    m_edit->installEventFilter(this);
    connect(m_edit, &QDateTimeEdit::dateTimeChanged, this, [this] {
        updateZoneLabel();
        Q_EMIT dateTimeChanged(dateTime());
    });
    updateZoneLabel();
}

bool DateTimeField::eventFilter(QObject *watched, QEvent *event)
{
    // QDateTimeEdit moves on by itself once a section is full ("2030" → month) and also on a typed
    // separator, so "2030-01-02" skipped the month: the "-" after an automatic move is swallowed, as the
    // operator typed it to reach the section they are already in.
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const QString text = key->text();
        const bool separator = text.size() == 1 && QStringLiteral("-/.: T").contains(text.front());
        if (separator && m_advanced) {
            m_advanced = false;
            return true;
        }
        const bool digit = text.size() == 1 && text.front().isDigit();
        const int before = m_edit->currentSectionIndex();
        m_advanced = false;
        if (digit) {
            // Let the editor take the digit now, then see whether it moved on.
            m_edit->removeEventFilter(this);
            QCoreApplication::sendEvent(m_edit, event);
            m_edit->installEventFilter(this);
            m_advanced = m_edit->currentSectionIndex() != before;
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void DateTimeField::setTimeZone(const QTimeZone &zone)
{
    const QDateTime instant = dateTime();
    m_zone = zone.isValid() ? zone : QTimeZone::utc();
    setDateTime(instant);
    updateZoneLabel();
}

QDateTime DateTimeField::dateTime() const
{
    const QDateTime wall = m_edit->dateTime();
    return QDateTime(wall.date(), wall.time(), m_zone).toUTC();
}

void DateTimeField::setDateTime(const QDateTime &t)
{
    const QDateTime local = t.toTimeZone(m_zone);
    m_edit->setDateTime(QDateTime(local.date(), QTime(local.time().hour(), local.time().minute()), Qt::UTC));
}

void DateTimeField::addPreset(const QString &label, Preset preset)
{
    m_presets->menu()->addAction(label, this, [this, preset] { setDateTime(preset(m_now(), m_zone)); });
}

void DateTimeField::addStartPresets()
{
    addPreset(tr("In 1 hour"), [](const QDateTime &now, const QTimeZone &) {
        // On the next whole five minutes after an hour from now.
        const qint64 fiveMin = 5 * 60 * 1000;
        const qint64 at = now.addSecs(3600).toMSecsSinceEpoch();
        return QDateTime::fromMSecsSinceEpoch((at + fiveMin - 1) / fiveMin * fiveMin, Qt::UTC);
    });
    addPreset(tr("Tonight 22:00"), [](const QDateTime &now, const QTimeZone &zone) {
        return nextWallTime(now, zone, QTime(22, 0));
    });
    addPreset(tr("Tomorrow 09:00"), [](const QDateTime &now, const QTimeZone &zone) {
        const QDateTime local = now.toTimeZone(zone);
        return QDateTime(local.date().addDays(1), QTime(9, 0), zone).toUTC();
    });
}

bool DateTimeField::isInPast() const
{
    // Minutes are what the field shows: the minute under way still counts as now.
    return dateTime().addSecs(60) <= m_now();
}

QString DateTimeField::describe(const QDateTime &t) const
{
    const QDateTime local = t.toTimeZone(m_zone);
    return tr("%1 %2 (UTC%3)")
        .arg(local.toString(QString::fromLatin1(kFormat)), QString::fromUtf8(m_zone.id()),
             offsetText(local.offsetFromUtc()));
}

void DateTimeField::updateZoneLabel()
{
    const QDateTime local = dateTime().toTimeZone(m_zone);
    m_zoneLabel->setText(
        tr("%1, UTC%2").arg(QString::fromUtf8(m_zone.id()), offsetText(local.offsetFromUtc())));
    m_zoneLabel->setToolTip(tr("Times are in the status page's time zone (File → Page and email settings)"));
}

} // namespace sd
