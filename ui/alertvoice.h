#pragma once

#include <QDBusConnection>
#include <QObject>
#include <QString>

namespace sd {

// Consoles on one desk and one database speak with one voice: the desktop notifications come from the
// console that holds a name of its own on the session bus (one name per database); the others still show
// the status in their title, tray and taskbar. Two consoles on one file used to send every alert twice.
// When the speaking console closes, the bus hands the name to the next one in line (its queue), which
// then speaks. Where no session bus runs, every console speaks (nothing else could be heard either).
class AlertVoice final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertVoice)

public:
    // `database`: the session's path or URL; consoles that give the same one share a voice.
    AlertVoice(const QDBusConnection &bus, const QString &database, QObject *parent = nullptr);
    ~AlertVoice() override; // gives the name up, so the next console in line speaks

    // False until the bus has answered (a console's first look announces nothing anyway).
    bool speaks() const { return m_speaks; }
    QString serviceName() const { return m_name; }
    static QString serviceNameFor(const QString &database);

Q_SIGNALS:
    void speakingChanged(bool speaks);

private Q_SLOTS:
    void onNameAcquired(const QString &name); // org.freedesktop.DBus NameAcquired
    void onNameLost(const QString &name);

private:
    void setSpeaks(bool speaks);

    QDBusConnection m_bus;
    QString m_name;
    bool m_speaks = false;
};

} // namespace sd
