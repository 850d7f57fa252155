#include "app/services/notificationrules.h"

namespace sd::notify {

bool hearsAboutComponent(const Subscriber &s, const QString &componentId)
{
    if (s.state != SubscriberState::Active || !s.incidentId.isEmpty())
        return false;
    return s.componentIds.isEmpty() || s.componentIds.contains(componentId);
}

bool hearsAboutIncident(const Subscriber &s, const QStringList &incidentComponentIds)
{
    if (s.state != SubscriberState::Active || !s.incidentId.isEmpty())
        return false;
    if (s.componentIds.isEmpty())
        return true;
    for (const QString &id : incidentComponentIds) {
        if (s.componentIds.contains(id))
            return true;
    }
    return false;
}

std::vector<Subscriber> forComponent(const std::vector<Subscriber> &subscribers, const QString &componentId)
{
    std::vector<Subscriber> out;
    for (const Subscriber &s : subscribers) {
        if (hearsAboutComponent(s, componentId))
            out.push_back(s);
    }
    return out;
}

std::vector<Subscriber> forIncident(const std::vector<Subscriber> &subscribers,
                                    const QStringList &componentIds)
{
    std::vector<Subscriber> out;
    for (const Subscriber &s : subscribers) {
        if (hearsAboutIncident(s, componentIds))
            out.push_back(s);
    }
    return out;
}

std::vector<Subscriber> forIncidentUpdate(const std::vector<Subscriber> &subscribers,
                                          const QString &incidentId, const QStringList &componentIds,
                                          bool openBefore)
{
    std::vector<Subscriber> out;
    for (const Subscriber &s : subscribers) {
        const bool ownIncident =
            openBefore && s.state == SubscriberState::Active && s.incidentId == incidentId;
        if (ownIncident || hearsAboutIncident(s, componentIds))
            out.push_back(s);
    }
    return out;
}

} // namespace sd::notify
