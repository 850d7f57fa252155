#pragma once

#include "models/database.h"
#include "models/domain.h"

#include <optional>
#include <vector>

namespace sd {

// Incident templates (table incident_templates).
class TemplateRepository final
{
public:
    explicit TemplateRepository(Database &db)
        : m_db(db)
    {}

    std::vector<IncidentTemplate> all(); // by name
    std::optional<IncidentTemplate> find(const QString &idOrName);
    void insert(const IncidentTemplate &t);
    void update(const IncidentTemplate &t);
    void remove(const QString &id);

private:
    Database &m_db;
};

} // namespace sd
