#pragma once

#include "models/domain.h"
#include "models/uptime.h"

#include <QDialog>
#include <optional>
#include <vector>

class QLabel;
class QTableWidget;

namespace sd {

class Session;
class Store;
class UptimeStrip;

// What a component's page shows, read in one go on the session's worker thread.
struct ComponentSnapshot
{
    std::optional<Component> component;
    std::vector<uptime::Day> days;        // the last 90 days of the page's time zone
    uptime::Figures figures;              // over those days
    std::vector<ComponentUpdate> history; // newest first
    QString timeZone;
};

// One component: its status now, the 90-day strip and uptime figure the public page shows (Statuspage's
// rules: major outage in full, partial outage at 30 %), and its status changes with who made them.
class ComponentPage final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ComponentPage)

public:
    static constexpr int kDays = 90;

    ComponentPage(Session &session, QString componentId, QWidget *parent = nullptr);

    void refresh();
    static ComponentSnapshot read(Store &store, const QString &componentId, const QDateTime &now);
    void display(const ComponentSnapshot &snapshot);
    UptimeStrip *strip() const { return m_strip; }

Q_SIGNALS:
    void loaded();

private:
    Session &m_session;
    QString m_id;
    QLabel *m_title = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_uptime = nullptr;
    UptimeStrip *m_strip = nullptr;
    QTableWidget *m_history = nullptr;
};

} // namespace sd

Q_DECLARE_METATYPE(sd::ComponentSnapshot)
