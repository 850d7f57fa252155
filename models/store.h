#pragma once

#include "models/auditrepository.h"
#include "models/componentrepository.h"
#include "models/database.h"
#include "models/incidentrepository.h"
#include "models/noticerepository.h"
#include "models/outboxrepository.h"
#include "models/pagerepository.h"
#include "models/settingsrepository.h"
#include "models/subscriberrepository.h"
#include "models/templaterepository.h"

#include <memory>

namespace sd {

// The repositories over one connection. Owns the Database; one Store per thread.
class Store final
{
public:
    static std::unique_ptr<Store> open(const QString &path, QString *error);
    explicit Store(std::unique_ptr<Database> db);
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    Database &db() { return *m_db; }

private:
    std::unique_ptr<Database> m_db;

public:
    PageRepository page;
    ComponentRepository components;
    IncidentRepository incidents;
    SubscriberRepository subscribers;
    OutboxRepository outbox;
    SettingsRepository settings;
    NoticeRepository notices;
    AuditRepository audit;
    TemplateRepository templates;
};

} // namespace sd
