#pragma once

#include "models/database.h"

#include <QHash>
#include <QString>

namespace sd {

// Which local row an imported one became (import_map), so importing the same page again finds what the first
// import made instead of making it twice. `source` names the page it came from ("statuspage:<page id>"),
// `kind` the table (group, component, incident, incident_update, subscriber, page).
class ImportMap final
{
public:
    explicit ImportMap(Database &db)
        : m_db(db)
    {}

    QHash<QString, QString> load(const QString &source, const QString &kind); // source id -> local id
    void set(const QString &source, const QString &kind, const QString &sourceId, const QString &localId,
             const QDateTime &at);
    bool any(const QString &source);

private:
    Database &m_db;
};

} // namespace sd
