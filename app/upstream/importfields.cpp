#include "app/upstream/importfields.h"

#include "models/ids.h"
#include "models/timeformat.h"

#include <QJsonArray>
#include <algorithm>

namespace sd::upstream::importfields {

const QString kActor = QStringLiteral("import:statuspage");

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QDateTime when(const QJsonObject &o, const char *key)
{
    const QString s = str(o, key);
    return s.isEmpty() ? QDateTime() : timefmt::parseIso(s);
}

bool flag(const QJsonObject &o, const char *key, bool fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isBool() ? v.toBool() : fallback;
}

QString unimportable(const char *kind, const QJsonObject &o, const QString &name, bool statusKnown)
{
    if (statusKnown && !name.isEmpty())
        return {};
    return QStringLiteral("%1 %2 has no name or an unknown status \"%3\"; not imported")
        .arg(QLatin1String(kind), str(o, "id"), str(o, "status"));
}

int number(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toVariant().toInt();
}

QString freeId(const QString &sourceId, const std::function<bool(const QString &)> &taken)
{
    if (ids::isValidId(sourceId) && !taken(sourceId))
        return sourceId;
    QString id;
    do {
        id = ids::newId();
    } while (taken(id));
    return id;
}

QStringList mappedIds(const QJsonValue &list, const QHash<QString, QString> &map, int *unmapped)
{
    QStringList out;
    for (const QJsonValue &v : list.toArray()) {
        const QString id = v.isObject() ? v.toObject().value(QLatin1String("id")).toString() : v.toString();
        if (map.contains(id))
            out << map.value(id);
        else if (!id.isEmpty())
            ++*unmapped;
    }
    return out;
}

void keepOrder(const std::vector<QDateTime *> &times, bool descending)
{
    // Runs of rows listed one after the other within one second: left alone when their times already keep the
    // listing's order, else spread over that second's milliseconds in listing order (the second stays).
    size_t start = 0;
    while (start < times.size()) {
        size_t end = start + 1;
        const bool valid = times[start]->isValid();
        const qint64 second = valid ? times[start]->toSecsSinceEpoch() : -1;
        while (end < times.size() && valid && times[end]->isValid() &&
               times[end]->toSecsSinceEpoch() == second)
            ++end;
        bool ordered = true;
        for (size_t i = start + 1; i < end; ++i)
            ordered = ordered && (descending ? *times[i] < *times[i - 1] : *times[i - 1] < *times[i]);
        if (!ordered) {
            const size_t n = std::min<size_t>(end - start, 1000);
            for (size_t i = 0; i < n; ++i) {
                const qint64 ms = qint64(descending ? n - 1 - i : i);
                *times[start + i] = QDateTime::fromMSecsSinceEpoch(second * 1000 + ms, Qt::UTC);
            }
        }
        start = end;
    }
}

} // namespace sd::upstream::importfields
