#include "app/services/incidentservice.h"

#include "app/formats/postmortempayload.h"
#include "app/formats/webhookpayload.h"
#include "app/services/notificationrules.h"
#include "app/services/outboxwriter.h"
#include "models/ids.h"
#include "models/timeformat.h"
#include "models/validation.h"
#include "models/values.h"

#include <QSet>
#include <QUrl>
#include <algorithm>

namespace sd {
namespace {

QString checkChanges(const std::vector<ComponentStatusChange> &changes, Store &store)
{
    QStringList seen;
    for (const auto &c : changes) {
        if (!store.components.find(c.componentId))
            return QStringLiteral("unknown component id \"%1\"").arg(c.componentId);
        if (seen.contains(c.componentId))
            return QStringLiteral("component %1 is listed twice").arg(c.componentId);
        seen << c.componentId;
    }
    return {};
}

} // namespace

Result<IncidentChange> IncidentService::create(const NewIncident &input)
{
    if (const QString err = checkNew(input); !err.isEmpty())
        return Error{err};
    m_fromTemplate = input.fromTemplate;
    return inTransaction(m_ctx.store, [&]() { return createWithin(input); });
}

QString IncidentService::checkNew(const NewIncident &input)
{
    if (const QString err = validation::checkName(input.name, QStringLiteral("incident")); !err.isEmpty())
        return err;
    if (const QString err = validation::checkBody(input.body); !err.isEmpty())
        return err;
    if (isScheduledMaintenance(input.status) &&
        (!input.scheduledFor.isValid() || !input.scheduledUntil.isValid()))
        return QStringLiteral("scheduled maintenance needs a window: scheduled_for and scheduled_until");
    if (input.scheduledFor.isValid() && input.scheduledUntil.isValid() &&
        input.scheduledUntil <= input.scheduledFor)
        return QStringLiteral("scheduled_until must be after scheduled_for");
    if (input.backfilled && !input.components.empty())
        return QStringLiteral("a backfilled incident affects no components");
    return {};
}

Result<IncidentChange> IncidentService::createWithin(const NewIncident &input)
{
    {
        if (const QString err = checkChanges(input.components, m_ctx.store); !err.isEmpty())
            return Error{err};
        const QDateTime now = m_ctx.now();
        const Page page = m_ctx.store.page.get();
        Incident i;
        i.id = ids::newId();
        i.pageId = page.id;
        i.name = input.name.trimmed();
        i.impactOverride = input.impactOverride;
        i.backfilled = input.backfilled;
        i.createdAt = i.startedAt = now;
        i.scheduledFor = input.scheduledFor;
        i.scheduledUntil = input.scheduledUntil;
        i.scheduledRemindPrior = input.scheduledRemindPrior;
        i.scheduledAutoTransition = input.scheduledAutoTransition;
        i.shortlink = QUrl(page.url).resolved(QUrl(QStringLiteral("incidents/") + i.id)).toString();
        // A maintenance whose window is still ahead only records its components: they change when the
        // window opens (the maintenance clock, or the operator moving it to in progress), as on Statuspage.
        // Subscribers still hear now that it is scheduled.
        std::vector<ComponentStatusChange> changes = input.components;
        if (input.status == IncidentStatus::Scheduled && i.scheduledFor > now) {
            for (const auto &c : changes)
                i.componentIds << c.componentId;
            changes.clear();
        }
        // Backfilled incidents are history: nobody is told.
        return apply(i, input.status, input.body, changes, input.notify && !input.backfilled, true);
    }
}

Result<IncidentChange> IncidentService::update(const QString &id, const IncidentUpdateInput &input)
{
    if (const QString err = checkUpdate(input); !err.isEmpty())
        return Error{err};
    return inTransaction(m_ctx.store, [&]() { return updateWithin(id, input); });
}

QString IncidentService::checkUpdate(const IncidentUpdateInput &input)
{
    if (!(input.allowEmptyBody && input.body.isEmpty())) {
        if (const QString err = validation::checkBody(input.body); !err.isEmpty())
            return err;
    }
    if (input.name) {
        if (const QString err = validation::checkName(*input.name, QStringLiteral("incident"));
            !err.isEmpty())
            return err;
    }
    return {};
}

Result<IncidentChange> IncidentService::updateWithin(const QString &id, const IncidentUpdateInput &input)
{
    {
        auto found = m_ctx.incident(id);
        if (!found)
            return Error{found.error()};
        if (input.name)
            found->name = input.name->trimmed();
        if (isScheduledMaintenance(found->status) != isScheduledMaintenance(input.status)) {
            const QStringList valid =
                isScheduledMaintenance(found->status)
                    ? QStringList{QStringLiteral("scheduled"), QStringLiteral("in_progress"),
                                  QStringLiteral("verifying"), QStringLiteral("completed")}
                    : QStringList{QStringLiteral("investigating"), QStringLiteral("identified"),
                                  QStringLiteral("monitoring"), QStringLiteral("resolved")};
            return Error{QStringLiteral("status \"%1\" does not fit this incident; valid values: %2")
                             .arg(toString(input.status), valid.join(QStringLiteral(", ")))};
        }
        if (found->backfilled && !input.components.empty())
            return Error{QStringLiteral("a backfilled incident affects no components")};
        if (const QString err = checkChanges(input.components, m_ctx.store); !err.isEmpty())
            return Error{err};
        Incident i = *found;
        if (input.impactOverride)
            i.impactOverride = input.impactOverride;
        return apply(i, input.status, input.body, input.components, input.notify && !i.backfilled, false);
    }
}

Result<SendPreview> IncidentService::previewCreate(const NewIncident &input)
{
    if (const QString err = checkNew(input); !err.isEmpty())
        return Error{err};
    NewIncident quiet = input;
    quiet.notify = false;
    return rehearse([&]() { return createWithin(quiet); }, input.notify && !input.backfilled);
}

Result<SendPreview> IncidentService::previewUpdate(const QString &id, const IncidentUpdateInput &input)
{
    if (const QString err = checkUpdate(input); !err.isEmpty())
        return Error{err};
    IncidentUpdateInput quiet = input;
    quiet.notify = false;
    return rehearse([&]() { return updateWithin(id, quiet); }, input.notify);
}

Result<SendPreview> IncidentService::rehearse(const std::function<Result<IncidentChange>()> &change,
                                              bool notify)
{
    // The change is made, silently, inside a transaction that is never committed: the incident, its
    // components and the page status are exactly what sending would make them, and nothing stays. The
    // audience comes from the notification rules, not from writing one message per subscriber.
    try {
        Transaction tx(m_ctx.store.db());
        Result<IncidentChange> made = change();
        if (!made)
            return Error{made.error()};
        Incident &i = made.value().incident;
        if (notify && i.backfilled)
            notify = false;
        if (!i.updates.empty())
            i.updates.front().deliverNotifications = notify; // made quietly, sent as asked
        SendPreview out;
        const auto active = m_ctx.store.subscribers.active();
        QSet<QString> everyone;
        const Page page = m_ctx.store.page.get();
        Subscriber sample;
        sample.unsubscribeToken = QStringLiteral("TOKEN");
        if (notify) {
            const auto hearIncident = notify::forIncidentUpdate(active, i.id, i.componentIds, true);
            out.incidentWebhooks = static_cast<int>(hearIncident.size());
            for (const Subscriber &s : hearIncident)
                everyone.insert(s.id);
            if (!hearIncident.empty())
                sample = hearIncident.front();
            if (!i.updates.empty()) {
                for (const AffectedComponent &a : i.updates.front().affectedComponents) {
                    if (a.oldStatus == a.newStatus)
                        continue;
                    const auto hearComponent = notify::forComponent(active, a.code);
                    out.componentWebhooks += static_cast<int>(hearComponent.size());
                    for (const Subscriber &s : hearComponent)
                        everyone.insert(s.id);
                }
            }
        }
        out.subscribers = everyone.size();
        out.sampleEndpoint = notify && out.incidentWebhooks > 0 ? sample.endpoint : QString();
        const QJsonObject event = payload::incidentEvent(page, m_ctx.currentPageStatus(), i,
                                                         m_ctx.store.components.all(), m_ctx.now());
        out.incidentBody = payload::forSubscriber(event, page, sample);
        return out; // ~Transaction rolls everything back
    } catch (const StoreError &e) {
        return Error{storeFailure(e.message())};
    }
}

Result<IncidentChange> IncidentService::apply(Incident i, IncidentStatus status, const QString &body,
                                              const std::vector<ComponentStatusChange> &changes, bool notify,
                                              bool isNew)
{
    const QDateTime now = m_ctx.now();
    const Page page = m_ctx.store.page.get();
    const IncidentStatus previousStatus = i.status;
    IncidentChange result;

    // Component changes first: the incident's impact and the page status are computed after them.
    std::vector<std::pair<Component, ComponentUpdate>> componentEvents;
    IncidentUpdate u;
    u.id = ids::newId();
    u.incidentId = i.id;
    u.status = status;
    u.body = body;
    u.createdAt = u.updatedAt = u.displayAt = now;
    u.deliverNotifications = notify;
    u.actor = m_ctx.actor;
    QStringList componentNotes; // for the audit line
    for (const auto &change : changes) {
        Component c = *m_ctx.store.components.find(change.componentId);
        if (!i.componentIds.contains(c.id))
            i.componentIds << c.id;
        u.affectedComponents.push_back({c.id, c.name, c.status, change.status});
        if (c.status == change.status)
            continue;
        ComponentUpdate cu;
        cu.id = ids::newId();
        cu.componentId = c.id;
        cu.oldStatus = c.status;
        cu.newStatus = change.status;
        cu.createdAt = now;
        cu.actor = m_ctx.actor;
        componentNotes
            << QStringLiteral("%1 %2 → %3").arg(c.name, toString(c.status), toString(change.status));
        c.status = change.status;
        c.updatedAt = now;
        m_ctx.store.components.update(c);
        m_ctx.store.components.insertUpdate(cu);
        componentEvents.emplace_back(c, cu);
    }

    i.status = status;
    i.updatedAt = now;
    if (status == IncidentStatus::Monitoring && !i.monitoringAt.isValid())
        i.monitoringAt = now;
    if (isClosed(status) && !i.resolvedAt.isValid())
        i.resolvedAt = now;
    if (!isClosed(status))
        i.resolvedAt = {};
    std::vector<ComponentStatus> affected;
    for (const QString &cid : i.componentIds) {
        if (auto c = m_ctx.store.components.find(cid))
            affected.push_back(c->status);
    }
    // The incident keeps the highest impact it reached (issue 13): resolving puts its components back to
    // operational, but it was still a major incident, and Statuspage reports it as one. An override wins.
    i.impact = i.impactOverride.value_or(
        std::max(i.impact, computeImpact(affected, isScheduledMaintenance(status))));

    if (isNew)
        m_ctx.store.incidents.insert(i);
    else
        m_ctx.store.incidents.update(i);
    m_ctx.store.incidents.insertUpdate(u);
    i.updates.insert(i.updates.begin(), u);

    result.incident = i;
    if (notify) {
        const PageStatus status_ = m_ctx.currentPageStatus();
        const auto subscribers = m_ctx.store.subscribers.active();
        const auto components = m_ctx.store.components.all();
        OutboxWriter writer(m_ctx.store, m_ctx.actor);
        const QJsonObject event = payload::incidentEvent(page, status_, i, components, now);
        result.incidentMessages = writer
                                      .enqueue(EventKind::Incident, i.id, i.name, u.id, event, page,
                                               notify::forIncidentUpdate(subscribers, i.id, i.componentIds,
                                                                         isNew || !isClosed(previousStatus)),
                                               now)
                                      .size();
        for (const auto &[component, cu] : componentEvents) {
            const QJsonObject componentEvent = payload::componentEvent(page, status_, component, cu, now);
            result.componentMessages +=
                writer
                    .enqueue(EventKind::Component, component.id, component.name, cu.id, componentEvent, page,
                             notify::forComponent(subscribers, component.id), now)
                    .size();
        }
    }

    QString detail;
    if (isNew)
        detail = QStringLiteral("Created \"%1\": %2, impact %3")
                     .arg(i.name, toString(status), toString(i.impact)) +
                 (m_fromTemplate.isEmpty() ? QString()
                                           : QStringLiteral(" from template \"%1\"").arg(m_fromTemplate));
    else if (previousStatus != status)
        detail = QStringLiteral("\"%1\": %2 → %3").arg(i.name, toString(previousStatus), toString(status));
    else
        detail = QStringLiteral("\"%1\": update posted (%2)").arg(i.name, toString(status));
    if (!componentNotes.isEmpty())
        detail += QStringLiteral("; ") + componentNotes.join(QStringLiteral(", "));
    detail += notify ? QStringLiteral("; %1 incident and %2 component webhook(s) queued")
                           .arg(result.incidentMessages)
                           .arg(result.componentMessages)
                     : QStringLiteral("; subscribers not notified");
    m_ctx.audit(isNew ? QStringLiteral("incident.create") : QStringLiteral("incident.update"),
                QStringLiteral("incident"), i.id, detail);
    return result;
}

Result<Incident>
IncidentService::changeQuietly(const QString &id, const QString &action,
                               const std::function<Result<QString>(Incident &, const QDateTime &)> &change)
{
    return inTransaction(m_ctx.store, [&]() -> Result<Incident> {
        auto found = m_ctx.incident(id);
        if (!found)
            return Error{found.error()};
        Incident i = *found;
        const QDateTime now = m_ctx.now();
        const Result<QString> detail = change(i, now);
        if (!detail)
            return Error{detail.error()};
        i.updatedAt = now;
        m_ctx.store.incidents.update(i);
        m_ctx.audit(action, QStringLiteral("incident"), i.id, *detail);
        return i;
    });
}

Result<Incident> IncidentService::setPostmortem(const QString &id, const PostmortemInput &input)
{
    if (const QString err = validation::checkText(input.body, QStringLiteral("postmortem body"));
        !err.isEmpty())
        return Error{err};
    if (input.body.size() > validation::kMaxBodyLength)
        return Error{QStringLiteral("postmortem body is %1 characters; the limit is %2")
                         .arg(input.body.size())
                         .arg(validation::kMaxBodyLength)};
    return changeQuietly(id, QStringLiteral("incident.postmortem"),
                         [&](Incident &i, const QDateTime &now) -> Result<QString> {
                             i.postmortemBody = input.body;
                             i.postmortemBodyLastUpdatedAt = now;
                             if (input.publish && !i.postmortemPublishedAt.isValid())
                                 i.postmortemPublishedAt = now;
                             return QStringLiteral("Postmortem for \"%1\" saved (%2)")
                                 .arg(i.name, i.postmortemPublishedAt.isValid() ? QStringLiteral("published")
                                                                                : QStringLiteral("draft"));
                         });
}

Result<IncidentChange> IncidentService::publishPostmortem(const QString &id, bool notifySubscribers)
{
    return inTransaction(m_ctx.store, [&]() -> Result<IncidentChange> {
        auto found = m_ctx.store.incidents.find(id);
        if (!found)
            return Error{QStringLiteral("unknown incident id \"%1\"").arg(id)};
        Incident i = *found;
        if (i.postmortemBody.isEmpty())
            return Error{
                QStringLiteral("incident %1 has no postmortem to publish; PUT its body_draft first").arg(id)};
        const QDateTime now = m_ctx.now();
        if (!i.postmortemPublishedAt.isValid())
            i.postmortemPublishedAt = now;
        if (notifySubscribers)
            i.postmortemNotifiedSubscribers = true;
        i.updatedAt = now;
        m_ctx.store.incidents.update(i);
        IncidentChange result;
        result.incident = i;
        if (notifySubscribers) {
            // As Statuspage: the incident webhook to everyone who hears this incident, the postmortem as its
            // newest update. Its subscribers of this one incident heard their last update when it resolved.
            const Page page = m_ctx.store.page.get();
            const QString eventId = ids::newId();
            const QJsonObject event = payload::postmortemEvent(
                payload::incidentEvent(page, m_ctx.currentPageStatus(), i, m_ctx.store.components.all(), now),
                eventId, i.postmortemBody, timefmt::inZone(i.postmortemPublishedAt, page.timeZone));
            result.incidentMessages =
                OutboxWriter(m_ctx.store, m_ctx.actor)
                    .enqueue(EventKind::Incident, i.id, i.name, eventId, event, page,
                             notify::forIncident(m_ctx.store.subscribers.active(), i.componentIds), now)
                    .size();
        }
        m_ctx.audit(QStringLiteral("incident.postmortem"), QStringLiteral("incident"), i.id,
                    notifySubscribers
                        ? QStringLiteral("Postmortem for \"%1\" published; %2 incident webhook(s) queued")
                              .arg(i.name)
                              .arg(result.incidentMessages)
                        : QStringLiteral("Postmortem for \"%1\" published").arg(i.name));
        return result;
    });
}

Result<Incident> IncidentService::postmortem(const QString &id, PostmortemAction action)
{
    return changeQuietly(
        id, QStringLiteral("incident.postmortem"), [&](Incident &i, const QDateTime &now) -> Result<QString> {
            QString what;
            switch (action) {
            case PostmortemAction::Publish:
                if (i.postmortemBody.isEmpty())
                    return Error{
                        QStringLiteral("incident %1 has no postmortem to publish; PUT its body_draft first")
                            .arg(id)};
                if (!i.postmortemPublishedAt.isValid())
                    i.postmortemPublishedAt = now;
                what = QStringLiteral("published");
                break;
            case PostmortemAction::Revert:
                i.postmortemPublishedAt = {};
                what = QStringLiteral("reverted to a draft");
                break;
            case PostmortemAction::Delete:
                i.postmortemBody.clear();
                i.postmortemBodyLastUpdatedAt = {};
                i.postmortemPublishedAt = {};
                what = QStringLiteral("deleted");
                break;
            }
            return QStringLiteral("Postmortem for \"%1\" %2").arg(i.name, what);
        });
}

Result<Incident> IncidentService::edit(const QString &id, const IncidentEdit &input)
{
    if (input.name) {
        if (const QString err = validation::checkName(*input.name, QStringLiteral("incident"));
            !err.isEmpty())
            return Error{err};
    }
    return changeQuietly(
        id, QStringLiteral("incident.edit"), [&](Incident &i, const QDateTime &) -> Result<QString> {
            QStringList changes;
            if (input.name && input.name->trimmed() != i.name) {
                changes << QStringLiteral("renamed \"%1\" → \"%2\"").arg(i.name, input.name->trimmed());
                i.name = input.name->trimmed();
            }
            if (input.impactOverride && input.impactOverride != i.impactOverride) {
                i.impactOverride = input.impactOverride;
                i.impact = *input.impactOverride;
                changes << QStringLiteral("impact override %1").arg(toString(*input.impactOverride));
            }
            if (input.scheduledFor.isValid())
                i.scheduledFor = input.scheduledFor;
            if (input.scheduledUntil.isValid())
                i.scheduledUntil = input.scheduledUntil;
            if (i.scheduledFor.isValid() && i.scheduledUntil.isValid() && i.scheduledUntil <= i.scheduledFor)
                return Error{QStringLiteral("scheduled_until must be after scheduled_for")};
            if (input.scheduledFor.isValid() || input.scheduledUntil.isValid())
                changes << QStringLiteral("window %1 – %2")
                               .arg(i.scheduledFor.toString(Qt::ISODate),
                                    i.scheduledUntil.toString(Qt::ISODate));
            setIfGiven(i.scheduledRemindPrior, input.scheduledRemindPrior);
            setIfGiven(i.scheduledAutoTransition, input.scheduledAutoTransition);
            return QStringLiteral("\"%1\": %2; subscribers not notified")
                .arg(i.name,
                     changes.isEmpty() ? QStringLiteral("fields saved") : changes.join(QStringLiteral(", ")));
        });
}

Result<IncidentUpdate> IncidentService::editUpdate(const QString &incidentId, const QString &updateId,
                                                   const IncidentUpdateEditInput &input)
{
    if (input.body) {
        if (const QString err = validation::checkBody(*input.body); !err.isEmpty())
            return Error{err};
    }
    return inTransaction(m_ctx.store, [&]() -> Result<IncidentUpdate> {
        auto found = m_ctx.incident(incidentId);
        if (!found)
            return Error{found.error()};
        auto it = std::find_if(found->updates.begin(), found->updates.end(),
                               [&](const IncidentUpdate &u) { return u.id == updateId; });
        if (it == found->updates.end())
            return Error{QStringLiteral("unknown incident update id \"%1\" for incident %2")
                             .arg(updateId, incidentId)};
        IncidentUpdate u = *it;
        setIfGiven(u.body, input.body);
        if (input.displayAt.isValid())
            u.displayAt = input.displayAt;
        setIfGiven(u.wantsTwitterUpdate, input.wantsTwitterUpdate);
        setIfGiven(u.deliverNotifications, input.deliverNotifications);
        u.updatedAt = m_ctx.now();
        m_ctx.store.incidents.updateUpdate(u);
        m_ctx.audit(QStringLiteral("incident.update.edit"), QStringLiteral("incident"), incidentId,
                    QStringLiteral("\"%1\": update %2 corrected; subscribers not notified again")
                        .arg(found->name, u.id));
        return u;
    });
}

Result<Incident> IncidentService::remove(const QString &id)
{
    return inTransaction(m_ctx.store, [&]() -> Result<Incident> {
        auto found = m_ctx.incident(id);
        if (!found)
            return Error{found.error()};
        m_ctx.store.incidents.remove(id);
        m_ctx.audit(QStringLiteral("incident.remove"), QStringLiteral("incident"), id,
                    QStringLiteral("Deleted incident \"%1\" with its %2 update(s)")
                        .arg(found->name)
                        .arg(found->updates.size()));
        return *found;
    });
}

Result<QByteArray> IncidentService::preview(const QString &id, const QString &subscriberId)
{
    try {
        auto incident = m_ctx.incident(id);
        if (!incident)
            return Error{incident.error()};
        Subscriber s;
        s.unsubscribeToken = QStringLiteral("TOKEN");
        if (!subscriberId.isEmpty()) {
            auto found = m_ctx.store.subscribers.find(subscriberId);
            if (!found)
                return Error{QStringLiteral("unknown subscriber id \"%1\"").arg(subscriberId)};
            s = *found;
        }
        const Page page = m_ctx.store.page.get();
        const QJsonObject event = payload::incidentEvent(page, m_ctx.currentPageStatus(), *incident,
                                                         m_ctx.store.components.all(), m_ctx.now());
        return payload::forSubscriber(event, page, s);
    } catch (const StoreError &e) {
        return Error{e.message()};
    }
}

} // namespace sd
