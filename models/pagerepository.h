#pragma once

#include "models/database.h"
#include "models/domain.h"

namespace sd {

// The single status page this database describes; created with defaults on first use.
class PageRepository final
{
public:
    explicit PageRepository(Database &db) : m_db(db) {}
    Page get();
    void save(const Page &page);

private:
    Database &m_db;
};

} // namespace sd
