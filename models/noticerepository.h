#pragma once

#include "models/database.h"
#include "models/domain.h"

#include <vector>

namespace sd {

// Operator-visible notices, e.g. "subscriber X was quarantined; tell ops@example.com".
class NoticeRepository final
{
public:
    explicit NoticeRepository(Database &db) : m_db(db) {}
    void add(const Notice &n);
    std::vector<Notice> recent(int limit = 100);
    void acknowledge(qint64 id);

private:
    Database &m_db;
};

} // namespace sd
