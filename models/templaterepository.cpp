#include "models/templaterepository.h"

#include "models/rowreader.h"
#include "models/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sd {
namespace {

const QString kColumns = QStringLiteral("id, name, title, body, group_id, update_status, should_tweet, "
                                        "should_send_notifications, components, created_at, updated_at");

QString componentsToJson(const std::vector<TemplateComponent> &list)
{
    QJsonArray a;
    for (const TemplateComponent &c : list)
        a.append(QJsonObject{
            {QStringLiteral("id"), c.componentId},
            {QStringLiteral("status"), c.status ? QJsonValue(toString(*c.status)) : QJsonValue()}});
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

std::vector<TemplateComponent> componentsFromJson(const QString &text)
{
    std::vector<TemplateComponent> out;
    const QJsonArray a = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &v : a) {
        const QJsonObject o = v.toObject();
        out.push_back({o.value(QLatin1String("id")).toString(),
                       parseComponentStatus(o.value(QLatin1String("status")).toString())});
    }
    return out;
}

IncidentTemplate read(const QSqlQuery &q)
{
    IncidentTemplate t;
    RowReader(q) >> t.id >> t.name >> t.title >> t.body >> t.groupId >>
        parsed(t.updateStatus, parseIncidentStatus, IncidentStatus::Investigating) >> t.shouldTweet >>
        t.shouldSendNotifications >>
        converted(t.components, [](const QVariant &v) { return componentsFromJson(v.toString()); }) >>
        t.createdAt >> t.updatedAt;
    return t;
}

QVariantList binds(const IncidentTemplate &t)
{
    return {t.name,
            t.title,
            t.body,
            nullIfEmpty(t.groupId),
            toString(t.updateStatus),
            t.shouldTweet ? 1 : 0,
            t.shouldSendNotifications ? 1 : 0,
            componentsToJson(t.components),
            toDb(t.updatedAt),
            t.id};
}

} // namespace

std::vector<IncidentTemplate> TemplateRepository::all()
{
    QSqlQuery &q = m_db.run(QStringLiteral("SELECT ") + kColumns +
                            QStringLiteral(" FROM incident_templates ORDER BY name, id"));
    std::vector<IncidentTemplate> out;
    while (q.next())
        out.push_back(read(q));
    return out;
}

std::optional<IncidentTemplate> TemplateRepository::find(const QString &idOrName)
{
    QSqlQuery &q =
        m_db.run(QStringLiteral("SELECT ") + kColumns +
                     QStringLiteral(" FROM incident_templates WHERE id = ? OR name = ? ORDER BY id = ? DESC"),
                 {idOrName, idOrName, idOrName});
    if (!q.next())
        return std::nullopt;
    return read(q);
}

void TemplateRepository::insert(const IncidentTemplate &t)
{
    QVariantList b = binds(t);
    b << toDb(t.createdAt);
    m_db.run(QStringLiteral(
                 "INSERT INTO incident_templates (name, title, body, group_id, update_status, should_tweet, "
                 "should_send_notifications, components, updated_at, id, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             b);
}

void TemplateRepository::update(const IncidentTemplate &t)
{
    m_db.run(
        QStringLiteral("UPDATE incident_templates SET name = ?, title = ?, body = ?, group_id = ?, "
                       "update_status = ?, should_tweet = ?, should_send_notifications = ?, components = ?, "
                       "updated_at = ? WHERE id = ?"),
        binds(t));
}

void TemplateRepository::remove(const QString &id)
{
    m_db.run(QStringLiteral("DELETE FROM incident_templates WHERE id = ?"), {id});
}

} // namespace sd
