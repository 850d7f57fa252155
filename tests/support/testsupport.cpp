#include "testsupport.h"

#include <QFile>
#include <QTest>

namespace sd::test {

TempDatabase::TempDatabase() : m_path(m_dir.filePath(QStringLiteral("test.sqlite")))
{
    reopen();
}

void TempDatabase::reopen()
{
    m_store.reset();
    QString error;
    m_store = Store::open(m_path, &error);
    if (!m_store)
        qFatal("cannot open test database: %s", qPrintable(error));
}

QString fixturePath(const QString &name)
{
    return QStringLiteral(STATUSDESK_TEST_DATA_DIR "/") + name;
}

QByteArray fixture(const QString &name)
{
    QFile f(fixturePath(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

QString cliPath() { return QStringLiteral(STATUSDESK_CLI_PATH); }

} // namespace sd::test
