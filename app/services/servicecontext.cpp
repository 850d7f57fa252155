#include "app/services/servicecontext.h"

#include "models/endpointurl.h"

namespace sd {

PageStatus ServiceContext::currentPageStatus()
{
    std::vector<ComponentStatus> statuses;
    for (const Component &c : store.components.all())
        statuses.push_back(c.status);
    return pageStatus(statuses, store.incidents.open());
}

Result<Incident> ServiceContext::incident(const QString &id)
{
    auto found = store.incidents.find(id);
    if (!found)
        return Error{QStringLiteral("unknown incident id \"%1\"").arg(id)};
    return std::move(*found);
}

Result<Subscriber> ServiceContext::liveSubscriber(const QString &id)
{
    auto found = store.subscribers.find(id);
    if (!found || found->state == SubscriberState::Unsubscribed)
        return Error{QStringLiteral("unknown subscriber id \"%1\"").arg(id)};
    return std::move(*found);
}

void ServiceContext::audit(const QString &action, const QString &subjectKind, const QString &subjectId,
                           const QString &detail)
{
    AuditEntry e;
    e.at = now();
    e.actor = actor;
    e.action = action;
    e.subjectKind = subjectKind;
    e.subjectId = subjectId;
    e.detail = endpointurl::redacted(detail); // the audit log is shown and exported: never a password
    store.audit.add(e);
}

QString storeFailure(const QString &message, const QString &location)
{
    // On a full file system SQLite may say "disk I/O error" (the -shm or the WAL could not grow) rather than
    // SQLITE_FULL: still the full disk, never damage.
    if (message.contains(QLatin1String("I/O error"), Qt::CaseInsensitive) && !location.isEmpty()) {
        if (const QString free = Database::fullVolume(location); !free.isEmpty())
            return QStringLiteral("the disk is full: %1 (%2); nothing was written").arg(message, free);
    }
    // SQLITE_FULL reads "database or disk is full"; PostgreSQL says "No space left on device".
    if (message.contains(QLatin1String("database or disk is full"), Qt::CaseInsensitive) ||
        message.contains(QLatin1String("No space left on device"), Qt::CaseInsensitive))
        return QStringLiteral("the disk is full: %1; nothing was written").arg(message);
    // SQLITE_READONLY: the file (or its folder) cannot be written, and the database was opened read-only.
    if (message.contains(QLatin1String(Database::kReadOnlyError), Qt::CaseInsensitive))
        return QStringLiteral(
            "the database is read-only here (its file or folder cannot be written); nothing "
            "was changed");
    return QStringLiteral("database error: %1").arg(message);
}

} // namespace sd
