#pragma once

#include "app/services/servicecontext.h"
#include "app/upstream/statuspageclient.h"
#include "models/importmap.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace sd::upstream {

struct ImportCounts
{
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    int skipped = 0; // not importable (see notes) or in conflict
};

struct ImportReport
{
    bool pageChanged = false;
    ImportCounts groups;
    ImportCounts components;
    ImportCounts incidents;
    ImportCounts subscribers;
    QStringList conflicts; // kept as they are here; --replace takes Statuspage's
    QStringList notes;     // what was not imported and why
    bool changed() const;
    QJsonObject toJson() const;
};

// Writes a page read from Statuspage's management API into this store, in one transaction, without notifying
// anyone: page settings, component groups, components with their status and position, incidents with their
// updates and times, webhook subscribers with their endpoints and component filters. Ids are kept where they
// are free here (receivers keep recognising them) and remembered in import_map, so a second import of the
// same page finds what the first made and changes nothing. Something of the same name made here (a component,
// a group, a subscriber's endpoint), or an imported row changed since, is a conflict: reported and kept
// unless `replace`.
class StatuspageImporter final
{
public:
    StatuspageImporter(ServiceContext context, bool replace)
        : m_ctx(std::move(context))
        , m_replace(replace)
    {}

    Result<ImportReport> apply(const StatuspageExport &source);

private:
    // One apply(): the source, what was imported from it before (source id -> local id) and the report.
    struct Run
    {
        const StatuspageExport &src;
        QString source;
        ImportMap map;
        ImportReport report;
        bool fresh = false;
        QDateTime now;
        QHash<QString, QString> groups, components, incidents, updates, subscribers; // source id -> local id

        // From now on the source's `sid` is the local row `localId`: in `ids` (this run) and in import_map.
        void remember(QHash<QString, QString> &ids, const QString &kind, const QString &sid,
                      const QString &localId);
        // remember(), for a row this import made.
        void created(ImportCounts &counts, QHash<QString, QString> &ids, const QString &kind,
                     const QString &sid, const QString &localId);
        void skip(ImportCounts &counts, const QString &note);     // not importable, and why
        void keep(ImportCounts &counts, const QString &conflict); // differs here: kept as it is here
    };

    void importPage(Run &run);
    void importGroups(Run &run);
    void importComponents(Run &run);
    void importIncidents(Run &run);
    void importSubscribers(Run &run);

    ServiceContext m_ctx;
    bool m_replace = false;
};

} // namespace sd::upstream
