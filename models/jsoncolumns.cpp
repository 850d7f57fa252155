#include "models/jsoncolumns.h"

#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sd::jsoncol {

QString fromStringList(const QStringList &list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList toStringList(const QString &json)
{
    QStringList out;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : array)
        out << v.toString();
    return out;
}

QString fromAffected(const std::vector<AffectedComponent> &list)
{
    QJsonArray array;
    for (const AffectedComponent &a : list) {
        array.append(QJsonObject{{QStringLiteral("code"), a.code},
                                 {QStringLiteral("name"), a.name},
                                 {QStringLiteral("old_status"), toString(a.oldStatus)},
                                 {QStringLiteral("new_status"), toString(a.newStatus)}});
    }
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

std::vector<AffectedComponent> toAffected(const QString &json)
{
    std::vector<AffectedComponent> out;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        AffectedComponent a;
        a.code = o.value(QLatin1String("code")).toString();
        a.name = o.value(QLatin1String("name")).toString();
        a.oldStatus = parseComponentStatus(o.value(QLatin1String("old_status")).toString())
                          .value_or(ComponentStatus::Operational);
        a.newStatus = parseComponentStatus(o.value(QLatin1String("new_status")).toString())
                          .value_or(ComponentStatus::Operational);
        out.push_back(a);
    }
    return out;
}

} // namespace sd::jsoncol
