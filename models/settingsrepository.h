#pragma once

#include "models/database.h"

namespace sd {

// Key/value settings kept in the database so the GUI, the CLI and a headless server agree.
class SettingsRepository final
{
public:
    explicit SettingsRepository(Database &db) : m_db(db) {}
    QString value(const QString &key, const QString &fallback = {});
    void setValue(const QString &key, const QString &value);
    void remove(const QString &key);

private:
    Database &m_db;
};

} // namespace sd
