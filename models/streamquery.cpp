#include "models/streamquery.h"

#include <QAtomicInteger>
#include <QHash>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>

namespace sd {
namespace {

QAtomicInteger<int> g_cursorCounter;

StoreError queryError(const QSqlQuery &q)
{
    QString text = q.lastError().databaseText().trimmed();
    if (text.isEmpty())
        text = q.lastError().text().trimmed();
    const qsizetype nl = text.indexOf(QLatin1Char('\n'));
    if (nl > 0)
        text.truncate(nl);
    return StoreError(text.simplified());
}

// DECLARE takes no parameters, so the values are written into the statement by the driver's own quoting
// (the same QSqlDriver::formatValue that QPSQL uses for every prepared EXECUTE).
QString inlineBinds(const QSqlDriver *driver, const QString &sql, const QVariantList &binds)
{
    QString out;
    out.reserve(sql.size() + 32 * binds.size());
    qsizetype next = 0;
    QChar quote;
    for (const QChar c : sql) {
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            out += c;
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
            out += c;
        } else if (c == QLatin1Char('?') && next < binds.size()) {
            QVariant v = binds.at(next++);
            if (v.typeId() == QMetaType::Bool)
                v = v.toBool() ? 1 : 0;
            QSqlField field(QString(), v.metaType());
            if (v.isNull())
                field.clear();
            else
                field.setValue(v);
            out += driver->formatValue(field);
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

// Open snapshots per connection: an inner one (a report built while another is being read) shares the
// outer transaction. Each Database belongs to one thread, so the count is per thread.
thread_local QHash<const Database *, int> t_openSnapshots;

ReadSnapshot::ReadSnapshot(Database &db)
    : m_db(db)
{
    if (t_openSnapshots.value(&m_db) == 0) {
        m_db.finishAll();
        m_db.exec(m_db.isPostgres() ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                                    : QStringLiteral("BEGIN"));
    }
    ++t_openSnapshots[&m_db];
}

ReadSnapshot::~ReadSnapshot()
{
    if (--t_openSnapshots[&m_db] > 0)
        return;
    t_openSnapshots.remove(&m_db);
    try {
        m_db.finishAll();
        m_db.exec(QStringLiteral("COMMIT"));
    } catch (const StoreError &) {
        // Nothing was written, so there is nothing to undo.
    }
}

StreamQuery::StreamQuery(ReadSnapshot &snapshot, const QString &sql, const QVariantList &binds, int pageSize)
    : m_db(snapshot.db())
    , m_query(m_db.connection())
    , m_pageSize(std::max(1, pageSize))
{
    m_query.setForwardOnly(true);
    if (!m_db.isPostgres()) {
        if (!m_query.prepare(sql))
            throw queryError(m_query);
        for (int i = 0; i < binds.size(); ++i) {
            const QVariant &v = binds.at(i);
            m_query.bindValue(i, v.typeId() == QMetaType::Bool ? QVariant(v.toBool() ? 1 : 0) : v);
        }
        if (!m_query.exec())
            throw queryError(m_query);
        m_pages = 1;
        return;
    }
    m_cursor = QStringLiteral("sd_stream_%1").arg(g_cursorCounter.fetchAndAddRelaxed(1) + 1);
    QSqlQuery declare(m_db.connection());
    if (!declare.exec(QStringLiteral("DECLARE %1 NO SCROLL CURSOR FOR ").arg(m_cursor) +
                      inlineBinds(m_db.connection().driver(), sql, binds)))
        throw queryError(declare);
    fetchPage();
}

StreamQuery::~StreamQuery()
{
    m_query.finish();
    if (!m_cursor.isEmpty() && !m_done) {
        QSqlQuery close(m_db.connection());
        close.exec(QStringLiteral("CLOSE ") + m_cursor);
    }
}

void StreamQuery::fetchPage()
{
    if (!m_query.exec(QStringLiteral("FETCH FORWARD %1 FROM %2").arg(m_pageSize).arg(m_cursor)))
        throw queryError(m_query);
    ++m_pages;
    m_rowsInPage = 0;
}

bool StreamQuery::next()
{
    if (m_done)
        return false;
    while (!m_query.next()) {
        if (m_query.lastError().isValid())
            throw queryError(m_query);
        // SQLite's one statement has ended, or a short FETCH was the cursor's last.
        if (m_cursor.isEmpty() || m_rowsInPage < m_pageSize) {
            m_done = true;
            m_query.finish();
            if (!m_cursor.isEmpty()) {
                QSqlQuery close(m_db.connection());
                close.exec(QStringLiteral("CLOSE ") + m_cursor);
            }
            return false;
        }
        fetchPage();
    }
    ++m_rowsInPage;
    ++m_rows;
    return true;
}

} // namespace sd
