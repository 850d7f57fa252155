#include "models/store.h"

namespace sd {

std::unique_ptr<Store> Store::open(const QString &path, QString *error)
{
    auto db = Database::open(path, error);
    if (!db)
        return nullptr;
    return std::make_unique<Store>(std::move(db));
}

Store::Store(std::unique_ptr<Database> db)
    : m_db(std::move(db))
    , page(*m_db)
    , components(*m_db)
    , incidents(*m_db)
    , subscribers(*m_db)
    , outbox(*m_db)
    , settings(*m_db)
    , notices(*m_db)
    , audit(*m_db)
    , templates(*m_db)
{}

} // namespace sd
