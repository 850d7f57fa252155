#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

// Reading the fields of Statuspage's management API objects for the import (StatuspageImporter).
namespace sd::upstream::importfields {

extern const QString kActor; // who imported updates are recorded as made by

QString str(const QJsonObject &o, const char *key);
QDateTime when(const QJsonObject &o, const char *key); // invalid when absent or null
bool flag(const QJsonObject &o, const char *key, bool fallback = false);
int number(const QJsonObject &o, const char *key);
// Why a component or an incident is left out (no name, or a status StatusDesk does not know); empty: it is
// imported.
QString unimportable(const char *kind, const QJsonObject &o, const QString &name, bool statusKnown);
// The source's id where it is a valid id nobody here has; else a new one.
QString freeId(const QString &sourceId, const std::function<bool(const QString &)> &taken);
// Ids from a list of ids or of objects with an id, mapped to local ids; `unmapped` counts what had no local
// row.
QStringList mappedIds(const QJsonValue &list, const QHash<QString, QString> &map, int *unmapped);
// The API gives times to the second (StatusDesk's serve) or the millisecond (Statuspage). Rows listed in one
// order whose times fall in the same second keep that order here, a millisecond apart, so every listing reads
// the same as the source's. `times` in listing order; `descending`: newest first.
void keepOrder(const std::vector<QDateTime *> &times, bool descending);

} // namespace sd::upstream::importfields
