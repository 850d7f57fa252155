#include "app/formats/incidentfields.h"
#include "app/formats/webhookpayload.h"
#include "app/upstream/importfields.h"
#include "app/upstream/statuspageimport.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/ids.h"
#include "models/importmap.h"
#include "models/targetpolicy.h"
#include "models/validation.h"
#include "models/values.h"

#include <QJsonArray>
#include <tuple>

// The import's incidents and webhook subscribers (statuspageimport.cpp has the page, groups and components).
namespace sd::upstream {
namespace {

using namespace importfields;

// What an import takes of a subscriber from Statuspage: compared to find a change, copied by --replace. Not
// created_at (a subscriber adopted by --replace keeps the time it was made here), nor its id, secrets and
// unsubscribe token.
template<class S> auto importedFields(S &s)
{
    return std::tie(s.endpoint, s.email, s.componentIds, s.state, s.quarantinedAt, s.purgeAt);
}

// The listing's sections (IncidentRepository: active, resolved, maintenance), within which times order rows.
int incidentSection(IncidentStatus s)
{
    if (s == IncidentStatus::Resolved)
        return 1;
    return isScheduledMaintenance(s) ? 2 : 0;
}

} // namespace

void StatuspageImporter::importIncidents(Run &run)
{
    IncidentRepository &repo = m_ctx.store.incidents;
    const Page page = m_ctx.store.page.get();
    const std::vector<Component> components = m_ctx.store.components.all();
    auto updateTaken = [this](const QString &id) {
        QSqlQuery &q =
            m_ctx.store.db().run(QStringLiteral("SELECT count(*) FROM incident_updates WHERE id = ?"), {id});
        return q.next() && q.value(0).toLongLong() > 0;
    };
    int unmappedComponents = 0;
    struct Read
    {
        QJsonObject source;
        Incident want;
    };
    std::vector<Read> reads;
    for (const QJsonValue &v : run.src.incidents) {
        const QJsonObject o = v.toObject();
        const QString sid = str(o, "id");
        const auto status = parseIncidentStatus(str(o, "status"));
        Incident want;
        want.name = str(o, "name");
        if (const QString why = unimportable("incident", o, want.name, status.has_value()); !why.isEmpty()) {
            run.skip(run.report.incidents, why);
            continue;
        }
        want.status = *status;
        want.impact = parseImpact(str(o, "impact")).value_or(Impact::None);
        if (const auto impactOverride = parseImpact(str(o, "impact_override")))
            want.impactOverride = *impactOverride;
        want.shortlink = str(o, "shortlink");
        want.postmortemBody = str(o, "postmortem_body");
        for (const incidentfields::Field &f : incidentfields::kAll) {
            if (f.time)
                want.*f.time = when(o, f.name);
            else
                want.*f.flag = flag(o, f.name);
        }
        // Statuspage's older pair of flags says the same when both are set.
        want.scheduledAutoTransition =
            want.scheduledAutoTransition ||
            (flag(o, "scheduled_auto_in_progress") && flag(o, "scheduled_auto_completed"));
        want.componentIds =
            mappedIds(o.value(QLatin1String("components")), run.components, &unmappedComponents);
        for (const QJsonValue &uv : o.value(QLatin1String("incident_updates")).toArray()) {
            const QJsonObject uo = uv.toObject();
            IncidentUpdate u;
            u.id = run.updates.value(str(uo, "id"));
            u.status = parseIncidentStatus(str(uo, "status")).value_or(want.status);
            u.body = str(uo, "body");
            u.createdAt = when(uo, "created_at");
            u.updatedAt = when(uo, "updated_at");
            u.displayAt = when(uo, "display_at");
            u.twitterUpdatedAt = when(uo, "twitter_updated_at");
            u.wantsTwitterUpdate = flag(uo, "wants_twitter_update");
            u.deliverNotifications = flag(uo, "deliver_notifications", true);
            u.actor = kActor;
            for (const QJsonValue &av : uo.value(QLatin1String("affected_components")).toArray()) {
                const QJsonObject ao = av.toObject();
                const QString code = run.components.value(str(ao, "code"));
                if (code.isEmpty()) {
                    ++unmappedComponents;
                    continue;
                }
                u.affectedComponents.push_back(
                    {code, str(ao, "name"),
                     parseComponentStatus(str(ao, "old_status")).value_or(ComponentStatus::Operational),
                     parseComponentStatus(str(ao, "new_status")).value_or(ComponentStatus::Operational)});
            }
            want.updates.push_back(u);
        }
        std::vector<QDateTime *> updateTimes;
        for (IncidentUpdate &u : want.updates)
            updateTimes.push_back(&u.createdAt);
        keepOrder(updateTimes, true);
        reads.push_back({o, want});
    }
    for (int section = 0; section < 3; ++section) {
        std::vector<QDateTime *> times;
        for (Read &r : reads) {
            if (incidentSection(r.want.status) == section)
                times.push_back(&r.want.createdAt);
        }
        keepOrder(times, true);
    }
    for (Read &r : reads) {
        const QJsonObject &o = r.source;
        const QString sid = str(o, "id");
        Incident &want = r.want;
        auto existing = repo.find(run.incidents.value(sid));
        want.id = existing ? existing->id : QString();
        if (existing) {
            for (IncidentUpdate &u : want.updates)
                u.incidentId = want.id;
            const bool same = payload::incidentObject(page, *existing, components) ==
                              payload::incidentObject(page, want, components);
            if (same) {
                ++run.report.incidents.unchanged;
                continue;
            }
            if (!m_replace) {
                run.keep(run.report.incidents,
                         QStringLiteral("incident \"%1\" (%2) differs here from Statuspage's; kept")
                             .arg(existing->name, existing->id));
                continue;
            }
            repo.remove(existing->id); // and its updates: written again below as Statuspage has them
        } else {
            want.id = freeId(sid, [&](const QString &id) { return repo.find(id).has_value(); });
        }
        repo.insert(want);
        const QJsonArray sourceUpdates = o.value(QLatin1String("incident_updates")).toArray();
        for (qsizetype n = 0; n < qsizetype(want.updates.size()); ++n) {
            IncidentUpdate &u = want.updates[size_t(n)];
            const QString sourceUpdateId = str(sourceUpdates.at(n).toObject(), "id");
            if (u.id.isEmpty())
                u.id = freeId(sourceUpdateId, updateTaken);
            u.incidentId = want.id;
            repo.insertUpdate(u);
            run.map.set(run.source, QStringLiteral("incident_update"), sourceUpdateId, u.id, run.now);
        }
        run.map.set(run.source, QStringLiteral("incident"), sid, want.id, run.now);
        ++(existing ? run.report.incidents.updated : run.report.incidents.created);
    }
    if (unmappedComponents > 0)
        run.report.notes << QStringLiteral(
                                "%1 component reference(s) in incidents name components that were not "
                                "imported; left out")
                                .arg(unmappedComponents);
}

void StatuspageImporter::importSubscribers(Run &run)
{
    SubscriberRepository &repo = m_ctx.store.subscribers;
    const bool refusePrivate = DeliverySettings::load(m_ctx.store.settings).refusePrivateTargets;
    int otherModes = 0;
    int unsubscribed = 0;
    int unmappedComponents = 0;
    std::vector<std::pair<QString, Subscriber>> reads; // source id, what it becomes here
    for (const QJsonValue &v : run.src.subscribers) {
        const QJsonObject s = v.toObject();
        const QString sid = str(s, "id");
        const QString mode = str(s, "mode");
        if (!mode.isEmpty() && mode != QLatin1String("webhook")) {
            ++otherModes;
            continue;
        }
        if (str(s, "state") == QLatin1String("unsubscribed")) {
            ++unsubscribed;
            continue;
        }
        const QString endpoint = str(s, "endpoint").trimmed();
        QString why;
        if (endpoint.contains(QLatin1String(":***@")))
            why = QStringLiteral("the API does not show the password in its endpoint (%1): add it by hand")
                      .arg(endpointurl::redacted(endpoint));
        else if (const QString bad = validation::checkEndpoint(endpoint); !bad.isEmpty())
            why = bad;
        else if (const QString badEmail = validation::checkEmail(str(s, "email")); !badEmail.isEmpty())
            why = badEmail;
        else if (const QString refused = targetpolicy::checkEndpoint(endpoint, refusePrivate);
                 !refused.isEmpty())
            why = refused;
        if (!why.isEmpty()) {
            run.skip(run.report.subscribers,
                     QStringLiteral("webhook subscriber %1 not imported: %2").arg(sid, why));
            continue;
        }
        Subscriber want;
        want.endpoint = endpointurl::normalized(endpoint);
        want.email = str(s, "email").trimmed();
        want.componentIds =
            mappedIds(s.value(QLatin1String("components")), run.components, &unmappedComponents);
        want.createdAt = when(s, "created_at");
        want.quarantinedAt = when(s, "quarantined_at");
        want.purgeAt = when(s, "purge_at");
        want.state = want.quarantinedAt.isValid() || str(s, "state") == QLatin1String("quarantined")
                         ? SubscriberState::Quarantined
                         : SubscriberState::Active;
        reads.emplace_back(sid, want);
    }
    std::vector<QDateTime *> times; // listed oldest first
    for (auto &read : reads)
        times.push_back(&read.second.createdAt);
    keepOrder(times, false);
    for (auto &[sid, want] : reads) {
        auto existing = repo.find(run.subscribers.value(sid));
        if (!existing) {
            existing = repo.findLiveByEndpoint(want.endpoint);
            if (existing && !m_replace) {
                run.keep(run.report.subscribers,
                         QStringLiteral(
                             "webhook subscriber %1 is already subscribed here (%2); kept, not imported")
                             .arg(endpointurl::redacted(want.endpoint), existing->id));
                continue;
            }
            if (!existing) {
                want.id = freeId(sid, [&](const QString &id) { return repo.find(id).has_value(); });
                want.unsubscribeToken = ids::newToken();
                repo.insert(want);
                run.created(run.report.subscribers, run.subscribers, QStringLiteral("subscriber"), sid,
                            want.id);
                continue;
            }
            run.remember(run.subscribers, QStringLiteral("subscriber"), sid, existing->id);
        }
        if (importedFields(*existing) == importedFields(want)) {
            ++run.report.subscribers.unchanged;
        } else if (m_replace) {
            Subscriber updated = *existing; // keeps its id, secret and unsubscribe link
            importedFields(updated) = importedFields(want);
            repo.update(updated);
            ++run.report.subscribers.updated;
        } else {
            run.keep(run.report.subscribers,
                     QStringLiteral("webhook subscriber %1 (%2) differs here from Statuspage's; kept")
                         .arg(endpointurl::redacted(existing->endpoint), existing->id));
        }
    }
    if (otherModes > 0)
        run.report.notes << QStringLiteral(
                                "%1 email, SMS or Slack subscriber(s) not imported: StatusDesk keeps webhook "
                                "subscribers")
                                .arg(otherModes);
    if (unsubscribed > 0)
        run.report.notes
            << QStringLiteral("%1 unsubscribed webhook subscriber(s) not imported").arg(unsubscribed);
    if (unmappedComponents > 0)
        run.report.notes << QStringLiteral(
                                "%1 component filter(s) of subscribers name components that were not "
                                "imported; left out")
                                .arg(unmappedComponents);
}

} // namespace sd::upstream
