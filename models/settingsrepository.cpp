#include "models/settingsrepository.h"

namespace sd {

QString SettingsRepository::value(const QString &key, const QString &fallback)
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT value FROM settings WHERE key = ?"), {key});
    return q.next() ? q.value(0).toString() : fallback;
}

void SettingsRepository::setValue(const QString &key, const QString &value)
{
    m_db.run(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                            "value = excluded.value"),
             {key, toDb(value)}); // a null QString would bind as NULL, which the column refuses
    m_db.notifyChanged(QStringLiteral("settings")); // running engines and consoles take it up
}

void SettingsRepository::remove(const QString &key)
{
    m_db.run(QStringLiteral("DELETE FROM settings WHERE key = ?"), {key});
    m_db.notifyChanged(QStringLiteral("settings"));
}

} // namespace sd
