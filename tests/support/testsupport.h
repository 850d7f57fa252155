#pragma once

#include "servicecontext.h"
#include "store.h"

#include <QByteArray>
#include <QTemporaryDir>

#include <memory>

namespace sd::test {

// A fresh SQLite file in a temporary folder, opened through the real Store.
class TempDatabase final
{
public:
    TempDatabase();
    QString path() const { return m_path; }
    Store &store() { return *m_store; }
    ServiceContext context() { return ServiceContext{*m_store}; }
    void reopen(); // close and open again (e.g. after another process wrote)
    void close() { m_store.reset(); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Store> m_store;
};

QByteArray fixture(const QString &name); // tests/data/<name>
QString fixturePath(const QString &name);
QString cliPath();

} // namespace sd::test
