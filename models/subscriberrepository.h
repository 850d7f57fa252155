#pragma once

#include "models/database.h"
#include "models/domain.h"
#include "models/streamquery.h"

#include <functional>
#include <optional>
#include <vector>

namespace sd {

// What the console's Subscribers tab asks for: a state filter and a substring of the endpoint or email.
struct SubscriberQuery
{
    enum class States
    {
        Current, // active and quarantined: everyone who has not unsubscribed
        Active,
        Quarantined,
        Unsubscribed,
        All
    };
    States states = States::Current;
    QString text; // case-insensitive substring of the endpoint or the email; empty: any
};

class SubscriberRepository final
{
public:
    explicit SubscriberRepository(Database &db)
        : m_db(db)
    {}

    // state empty: every subscriber that has not unsubscribed.
    std::vector<Subscriber> list(std::optional<SubscriberState> state = std::nullopt, int limit = -1,
                                 int offset = 0);
    std::vector<Subscriber> all();                                // including unsubscribed
    std::vector<Subscriber> search(const SubscriberQuery &query); // filtered in SQL, in list() order
    std::vector<Subscriber> active(); // page-wide and incident subscribers (notificationrules.h tells apart)
    std::vector<Subscriber> forIncident(const QString &incidentId); // one incident's, every state
    std::optional<Subscriber> find(const QString &id);
    std::optional<Subscriber> findByToken(const QString &token);
    std::optional<Subscriber> findLiveByEndpoint(const QString &endpoint);
    void insert(const Subscriber &s);
    void update(const Subscriber &s);
    // Quarantines an active subscriber; false when it was not active (another engine got there first, or
    // the operator removed it), so a quarantine is written once.
    bool quarantine(const QString &id, const QDateTime &at, const QDateTime &purgeAt);
    void purge(const QString &id); // deletes the subscriber with its messages and attempts
    // list() one row at a time (same rows, same order) inside `snapshot`: bounded memory at any size.
    void forEach(ReadSnapshot &snapshot, std::optional<SubscriberState> state,
                 const std::function<void(const Subscriber &)> &visit);

private:
    std::vector<Subscriber> select(const QString &where, const QVariantList &binds);
    Database &m_db;
};

} // namespace sd
