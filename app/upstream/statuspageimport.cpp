#include "app/upstream/statuspageimport.h"

#include "app/upstream/importfields.h"
#include "models/ids.h"
#include "models/importmap.h"
#include "models/validation.h"
#include "models/values.h"

#include <QJsonArray>

namespace sd::upstream {
namespace {

using namespace importfields;

bool sameComponent(const Component &a, const Component &b)
{
    return a.name == b.name && a.description == b.description && a.status == b.status &&
           a.position == b.position && a.showcase == b.showcase &&
           a.onlyShowIfDegraded == b.onlyShowIfDegraded && a.startDate == b.startDate &&
           a.groupId == b.groupId && a.createdAt == b.createdAt && a.updatedAt == b.updatedAt;
}

QJsonObject countsJson(const ImportCounts &c)
{
    return {{QStringLiteral("created"), c.created},
            {QStringLiteral("updated"), c.updated},
            {QStringLiteral("unchanged"), c.unchanged},
            {QStringLiteral("skipped"), c.skipped}};
}

} // namespace

bool ImportReport::changed() const
{
    for (const ImportCounts *c : {&groups, &components, &incidents, &subscribers}) {
        if (c->created > 0 || c->updated > 0)
            return true;
    }
    return pageChanged;
}

QJsonObject ImportReport::toJson() const
{
    return {{QStringLiteral("changed"), changed()},
            {QStringLiteral("page_changed"), pageChanged},
            {QStringLiteral("component_groups"), countsJson(groups)},
            {QStringLiteral("components"), countsJson(components)},
            {QStringLiteral("incidents"), countsJson(incidents)},
            {QStringLiteral("subscribers"), countsJson(subscribers)},
            {QStringLiteral("conflicts"), QJsonArray::fromStringList(conflicts)},
            {QStringLiteral("notes"), QJsonArray::fromStringList(notes)}};
}

void StatuspageImporter::Run::remember(QHash<QString, QString> &ids, const QString &kind, const QString &sid,
                                       const QString &localId)
{
    ids.insert(sid, localId);
    map.set(source, kind, sid, localId, now);
}

void StatuspageImporter::Run::created(ImportCounts &counts, QHash<QString, QString> &ids, const QString &kind,
                                      const QString &sid, const QString &localId)
{
    remember(ids, kind, sid, localId);
    ++counts.created;
}

void StatuspageImporter::Run::skip(ImportCounts &counts, const QString &note)
{
    report.notes << note;
    ++counts.skipped;
}

void StatuspageImporter::Run::keep(ImportCounts &counts, const QString &conflict)
{
    report.conflicts << conflict;
    ++counts.skipped;
}

Result<ImportReport> StatuspageImporter::apply(const StatuspageExport &source)
{
    try {
        Store &store = m_ctx.store;
        Transaction tx(store.db());
        Run run{source, QStringLiteral("statuspage:") + source.pageId, ImportMap(store.db())};
        run.now = m_ctx.now();
        for (auto [kind, map] :
             {std::pair{"group", &run.groups}, std::pair{"component", &run.components},
              std::pair{"incident", &run.incidents}, std::pair{"incident_update", &run.updates},
              std::pair{"subscriber", &run.subscribers}})
            *map = run.map.load(run.source, QLatin1String(kind));
        run.fresh = !run.map.any(run.source) && store.components.count() == 0 &&
                    store.incidents.all().empty() && store.subscribers.all().empty();
        importPage(run);
        importGroups(run);
        importComponents(run);
        importIncidents(run);
        importSubscribers(run);
        const ImportReport &r = run.report;
        if (r.changed()) {
            m_ctx.audit(QStringLiteral("import.statuspage"), QStringLiteral("page"), store.page.get().id,
                        QStringLiteral(
                            "from Statuspage page %1: groups +%2 ~%3, components +%4 ~%5, incidents +%6 ~%7, "
                            "subscribers +%8 ~%9, %10 conflict(s)")
                            .arg(source.pageId)
                            .arg(r.groups.created)
                            .arg(r.groups.updated)
                            .arg(r.components.created)
                            .arg(r.components.updated)
                            .arg(r.incidents.created)
                            .arg(r.incidents.updated)
                            .arg(r.subscribers.created)
                            .arg(r.subscribers.updated)
                            .arg(r.conflicts.size()));
            store.db().notifyChanged(QStringLiteral("data"));
            tx.commit();
        }
        return r;
    } catch (const StoreError &e) {
        return Error{storeFailure(e.message())};
    }
}

void StatuspageImporter::importPage(Run &run)
{
    const QJsonObject &p = run.src.page;
    const Page local = m_ctx.store.page.get();
    Page want = local;
    if (!str(p, "name").isEmpty())
        want.name = str(p, "name");
    // Statuspage's `url` is the company's website; the page itself is at its domain or subdomain.
    if (!str(p, "domain").isEmpty())
        want.url = QStringLiteral("https://%1/").arg(str(p, "domain"));
    else if (!str(p, "subdomain").isEmpty())
        want.url = QStringLiteral("https://%1/").arg(str(p, "subdomain"));
    else if (!str(p, "url").isEmpty())
        want.url = str(p, "url");
    if (const QString tz = str(p, "time_zone"); !tz.isEmpty()) {
        if (const QString why = validation::checkTimeZone(tz); why.isEmpty())
            want.timeZone = tz;
        else
            run.report.notes << QStringLiteral("page time zone not imported: %1").arg(why);
    }
    want.allowWebhookSubscribers = flag(p, "allow_webhook_subscribers", local.allowWebhookSubscribers);
    if (p.value(QLatin1String("documentation")).isString()) // a StatusDesk serve says it
        want.documentationUrl = str(p, "documentation");
    if (run.fresh && ids::isValidId(run.src.pageId))
        want.id = run.src.pageId; // receivers keep seeing the page id they know
    QStringList differs;
    auto compare = [&](const char *field, const QString &here, const QString &there) {
        if (here != there)
            differs << QStringLiteral("page %1: \"%2\" here, \"%3\" on Statuspage")
                           .arg(QLatin1String(field), here, there);
    };
    compare("id", local.id, want.id);
    compare("name", local.name, want.name);
    compare("url", local.url, want.url);
    compare("time zone", local.timeZone, want.timeZone);
    compare("documentation", local.documentationUrl, want.documentationUrl);
    compare("allow_webhook_subscribers",
            local.allowWebhookSubscribers ? QStringLiteral("true") : QStringLiteral("false"),
            want.allowWebhookSubscribers ? QStringLiteral("true") : QStringLiteral("false"));
    if (differs.isEmpty())
        return;
    if (!run.fresh && !m_replace) {
        run.report.conflicts << differs;
        return;
    }
    want.updatedAt = run.now;
    m_ctx.store.page.save(want);
    run.map.set(run.source, QStringLiteral("page"), run.src.pageId, want.id, run.now);
    run.report.pageChanged = true;
}

void StatuspageImporter::importGroups(Run &run)
{
    ComponentRepository &repo = m_ctx.store.components;
    for (const QJsonValue &v : run.src.groups) {
        const QJsonObject g = v.toObject();
        const QString sid = str(g, "id");
        ComponentGroup want;
        want.name = str(g, "name").trimmed();
        want.position = number(g, "position");
        want.description = str(g, "description");
        want.createdAt = when(g, "created_at");
        want.updatedAt = when(g, "updated_at");
        if (want.name.isEmpty()) {
            run.skip(run.report.groups,
                     QStringLiteral("component group %1 has no name; not imported").arg(sid));
            continue;
        }
        const std::vector<ComponentGroup> here = repo.groups();
        auto byId = [&](const QString &id) {
            return std::find_if(here.begin(), here.end(),
                                [&](const ComponentGroup &x) { return x.id == id; });
        };
        auto existing = byId(run.groups.value(sid));
        if (existing == here.end()) {
            // A group of the same name here holds the imported components (grouping overwrites nothing).
            existing = std::find_if(here.begin(), here.end(),
                                    [&](const ComponentGroup &x) { return x.name == want.name; });
            if (existing == here.end()) {
                want.id = freeId(sid, [&](const QString &id) { return byId(id) != here.end(); });
                repo.insertGroup(want);
                run.created(run.report.groups, run.groups, QStringLiteral("group"), sid, want.id);
                continue;
            }
            run.remember(run.groups, QStringLiteral("group"), sid, existing->id);
        }
        want.id = existing->id;
        if (existing->name == want.name && existing->position == want.position &&
            existing->description == want.description) {
            ++run.report.groups.unchanged;
        } else if (m_replace) {
            want.createdAt = existing->createdAt.isValid() ? existing->createdAt : want.createdAt;
            repo.updateGroup(want);
            ++run.report.groups.updated;
        } else {
            run.keep(run.report.groups, QStringLiteral("component group \"%1\" (%2) differs here from "
                                                       "Statuspage's (position %3 here, %4 there); kept")
                                            .arg(existing->name, existing->id)
                                            .arg(existing->position)
                                            .arg(want.position));
        }
    }
}

void StatuspageImporter::importComponents(Run &run)
{
    ComponentRepository &repo = m_ctx.store.components;
    for (const QJsonValue &v : run.src.components) {
        const QJsonObject c = v.toObject();
        if (flag(c, "group"))
            continue; // a group's own row; groups came from component-groups
        const QString sid = str(c, "id");
        const auto status = parseComponentStatus(str(c, "status"));
        Component want;
        want.name = str(c, "name").trimmed();
        if (const QString why = unimportable("component", c, want.name, status.has_value()); !why.isEmpty()) {
            run.skip(run.report.components, why);
            continue;
        }
        want.status = *status;
        want.description = str(c, "description");
        want.position = number(c, "position");
        want.showcase = flag(c, "showcase", true);
        want.onlyShowIfDegraded = flag(c, "only_show_if_degraded");
        want.startDate = QDate::fromString(str(c, "start_date"), Qt::ISODate);
        want.groupId = run.groups.value(str(c, "group_id"));
        want.createdAt = when(c, "created_at");
        want.updatedAt = when(c, "updated_at");
        auto existing = repo.find(run.components.value(sid));
        if (!existing) {
            for (const Component &here : repo.all()) {
                if (here.name == want.name)
                    existing = here;
            }
            if (existing && !m_replace) {
                run.keep(run.report.components,
                         QStringLiteral("component \"%1\" already exists here (%2); kept, not imported")
                             .arg(want.name, existing->id));
                continue;
            }
            if (!existing) {
                want.id = freeId(sid, [&](const QString &id) { return repo.find(id).has_value(); });
                repo.insert(want);
                run.created(run.report.components, run.components, QStringLiteral("component"), sid, want.id);
                continue;
            }
            run.remember(run.components, QStringLiteral("component"), sid, existing->id);
        }
        want.id = existing->id;
        if (sameComponent(*existing, want)) {
            ++run.report.components.unchanged;
        } else if (m_replace) {
            repo.update(want);
            ++run.report.components.updated;
        } else {
            run.keep(
                run.report.components,
                QStringLiteral(
                    "component \"%1\" (%2) differs here from Statuspage's (%3 here, %4 there); kept")
                    .arg(existing->name, existing->id, toString(existing->status), toString(want.status)));
        }
    }
}

} // namespace sd::upstream
