#pragma once

#include "models/database.h"
#include "models/jsoncolumns.h"

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <utility>

namespace sd {

// A field read through its own conversion (see converted(), parsed(), jsonList(), nullable(), utf8Text()).
template<class T, class Convert> struct ConvertedColumn
{
    T &field;
    Convert convert; // QVariant -> T
};

// Reads a row's columns in the order the SELECT names them: `RowReader(q) >> c.id >> c.name >> ...`.
// The field's type says how its column converts (timestamps through dateFromDb, dates as ISO text), so a
// reader reads like its column list instead of a list of indices to keep in step with it.
class RowReader final
{
public:
    explicit RowReader(const QSqlQuery &q, int firstColumn = 0)
        : m_q(q)
        , m_column(firstColumn)
    {}

    RowReader &operator>>(QString &v) { return read(v, next().toString()); }
    RowReader &operator>>(QByteArray &v) { return read(v, next().toByteArray()); } // a BLOB column
    RowReader &operator>>(qint64 &v) { return read(v, next().toLongLong()); }
    RowReader &operator>>(int &v) { return read(v, next().toInt()); }
    RowReader &operator>>(bool &v) { return read(v, next().toBool()); }
    RowReader &operator>>(QDateTime &v) { return read(v, dateFromDb(next())); }
    RowReader &operator>>(QDate &v) { return read(v, QDate::fromString(next().toString(), Qt::ISODate)); }
    template<class T, class Convert> RowReader &operator>>(ConvertedColumn<T, Convert> c)
    {
        return read(c.field, c.convert(next()));
    }

private:
    QVariant next() { return m_q.value(m_column++); }
    template<class T, class V> RowReader &read(T &field, V &&value)
    {
        field = std::forward<V>(value);
        return *this;
    }

    const QSqlQuery &m_q;
    int m_column;
};

template<class T, class Convert> ConvertedColumn<T, Convert> converted(T &field, Convert convert)
{
    return {field, std::move(convert)};
}

// An enum stored as its text; `fallback` for a text this build does not know.
template<class T, class Parse> auto parsed(T &field, Parse parse, T fallback)
{
    return converted(field,
                     [parse, fallback](const QVariant &v) { return parse(v.toString()).value_or(fallback); });
}

// A JSON text column holding a list of strings (jsoncolumns.h).
inline auto jsonList(QStringList &field)
{
    return converted(field, [](const QVariant &v) { return jsoncol::toStringList(v.toString()); });
}

// A nullable number; NULL reads as `ifNull`.
inline auto nullable(qint64 &field, qint64 ifNull)
{
    return converted(field, [ifNull](const QVariant &v) { return v.isNull() ? ifNull : v.toLongLong(); });
}

// A TEXT column kept as UTF-8 bytes (JSON bodies and snapshots).
inline auto utf8Text(QByteArray &field)
{
    return converted(field, [](const QVariant &v) { return v.toString().toUtf8(); });
}

} // namespace sd
