#pragma once

#include <QDateTime>
#include <QTimeZone>
#include <QWidget>
#include <functional>

class QDateTimeEdit;
class QLabel;
class QToolButton;

namespace sd {

// A point in time as an operator enters it: typed as "2026-12-07 22:00" (the digits only; the separators
// are there), or picked in a calendar popup, always in the status page's time zone, which is shown beside
// it ("Europe/Berlin, UTC+01:00"). A Presets menu fills common choices ("In 1 hour", "Tonight 22:00").
// dateTime() is the instant (UTC); nothing depends on this machine's own zone.
class DateTimeField final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DateTimeField)

public:
    static constexpr const char *kFormat = "yyyy-MM-dd HH:mm";
    // Computes a preset from "now" (UTC) and the field's zone.
    using Preset = std::function<QDateTime(const QDateTime &nowUtc, const QTimeZone &zone)>;

    explicit DateTimeField(QWidget *parent = nullptr);

    // The page's IANA zone; an unknown one falls back to UTC. The instant shown stays the same.
    void setTimeZone(const QTimeZone &zone);
    QTimeZone timeZone() const { return m_zone; }
    QDateTime dateTime() const; // UTC
    void setDateTime(const QDateTime &t);
    void addPreset(const QString &label, Preset preset);
    // The standard presets for a start: in 1 hour, tonight 22:00, tomorrow 09:00.
    void addStartPresets();
    // "Now" for the presets and for isInPast(); tests set a fixed clock.
    void setClock(std::function<QDateTime()> nowUtc) { m_now = std::move(nowUtc); }
    bool isInPast() const;
    // "2026-12-07 22:00 Europe/Berlin (UTC+01:00)": the time as the field shows it, for messages.
    QString describe(const QDateTime &t) const;

    QDateTimeEdit *editor() const { return m_edit; }
    QToolButton *presetsButton() const { return m_presets; }
    QLabel *zoneLabel() const { return m_zoneLabel; }

Q_SIGNALS:
    void dateTimeChanged(const QDateTime &utc);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateZoneLabel();

    QDateTimeEdit *m_edit;
    QToolButton *m_presets;
    QLabel *m_zoneLabel;
    QTimeZone m_zone = QTimeZone::utc();
    std::function<QDateTime()> m_now;
    bool m_advanced = false; // the last digit filled its section and moved on to the next
};

} // namespace sd
