#include "models/sqliterows.h"

#include <QSqlDriver>
#include <sqlite3.h>

namespace sd {
namespace {

sqlite3 *handleOf(Database &db)
{
    if (db.isPostgres())
        return nullptr;
    const QVariant v = db.connection().driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.constData());
}

} // namespace

bool SqliteRows::available(Database &db)
{
    return handleOf(db) != nullptr;
}

SqliteRows::SqliteRows(ReadSnapshot &snapshot, const QString &sql, const QVariantList &binds)
{
    sqlite3 *db = handleOf(snapshot.db());
    if (!db)
        throw StoreError(QStringLiteral("not an SQLite connection"));
    const QByteArray text = sql.toUtf8();
    if (sqlite3_prepare_v2(db, text.constData(), static_cast<int>(text.size()), &m_stmt, nullptr) !=
        SQLITE_OK)
        throw StoreError(QString::fromUtf8(sqlite3_errmsg(db)));
    for (int i = 0; i < binds.size(); ++i) {
        const QVariant &v = binds.at(i);
        int rc = SQLITE_OK;
        if (v.isNull()) {
            rc = sqlite3_bind_null(m_stmt, i + 1);
        } else if (v.typeId() == QMetaType::QString) {
            const QByteArray utf8 = v.toString().toUtf8();
            rc = sqlite3_bind_text(m_stmt, i + 1, utf8.constData(), static_cast<int>(utf8.size()),
                                   SQLITE_TRANSIENT);
        } else if (v.typeId() == QMetaType::QByteArray) {
            const QByteArray bytes = v.toByteArray();
            rc = sqlite3_bind_blob(m_stmt, i + 1, bytes.constData(), static_cast<int>(bytes.size()),
                                   SQLITE_TRANSIENT);
        } else if (v.typeId() == QMetaType::Double) {
            rc = sqlite3_bind_double(m_stmt, i + 1, v.toDouble());
        } else {
            rc = sqlite3_bind_int64(m_stmt, i + 1, v.toLongLong());
        }
        if (rc != SQLITE_OK) {
            const QString error = QString::fromUtf8(sqlite3_errmsg(db));
            sqlite3_finalize(m_stmt);
            m_stmt = nullptr;
            throw StoreError(error);
        }
    }
}

SqliteRows::~SqliteRows()
{
    sqlite3_finalize(m_stmt);
}

bool SqliteRows::next()
{
    if (!m_stmt)
        return false;
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        return false;
    }
    const QString error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_stmt)));
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    throw StoreError(error);
}

bool SqliteRows::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

qint64 SqliteRows::integer(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

QString SqliteRows::text(int column) const
{
    const auto *utf8 = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return utf8 ? QString::fromUtf8(utf8, sqlite3_column_bytes(m_stmt, column)) : QString();
}

} // namespace sd
