#pragma once

#include "models/domain.h"

#include <QString>
#include <QStringList>
#include <vector>

// JSON text columns: small lists that are always read and written whole.
namespace sd::jsoncol {

QString fromStringList(const QStringList &list);
QStringList toStringList(const QString &json);
QString fromAffected(const std::vector<AffectedComponent> &list);
std::vector<AffectedComponent> toAffected(const QString &json);

} // namespace sd::jsoncol
