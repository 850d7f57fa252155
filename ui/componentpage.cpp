#include "ui/componentpage.h"

#include "app/services/serviceworker.h"
#include "app/services/uptimereport.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"
#include "ui/session.h"
#include "ui/uptimestrip.h"
#include "ui/windowsize.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sd {

ComponentPage::ComponentPage(Session &session, QString componentId, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_id(std::move(componentId))
    , m_title(new QLabel(this))
    , m_status(new QLabel(this))
    , m_uptime(new QLabel(this))
    , m_strip(new UptimeStrip(this))
    , m_history(new QTableWidget(0, 4, this))
{
    qRegisterMetaType<ComponentSnapshot>();
    setObjectName(QStringLiteral("componentPage"));
    setWindowTitle(tr("Component"));
    m_title->setObjectName(QStringLiteral("componentTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_title->setFont(big);
    m_status->setObjectName(QStringLiteral("componentStatus"));
    m_uptime->setObjectName(QStringLiteral("componentUptime"));
    m_history->setObjectName(QStringLiteral("componentHistoryTable"));
    m_history->setHorizontalHeaderLabels({tr("When"), tr("From"), tr("To"), tr("By")});
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->verticalHeader()->hide();
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);

    auto *legend = new QHBoxLayout;
    legend->addWidget(new QLabel(tr("%1 days ago").arg(kDays), this));
    legend->addStretch();
    legend->addWidget(m_uptime);
    legend->addStretch();
    legend->addWidget(new QLabel(tr("Today"), this));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *refreshButton = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
    connect(refreshButton, &QPushButton::clicked, this, &ComponentPage::refresh);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_status);
    layout->addWidget(new QLabel(
        tr("<b>Past %1 days</b> (the page's days; hover a day for its minutes)").arg(kDays), this));
    layout->addWidget(m_strip);
    layout->addLayout(legend);
    layout->addWidget(new QLabel(tr("<b>Status changes</b>"), this));
    layout->addWidget(m_history, 1);
    layout->addWidget(buttons);
    resizeWithinScreen(this, {760, 520});
    m_title->setText(tr("Loading…"));
    refresh();
}

ComponentSnapshot ComponentPage::read(Store &store, const QString &componentId, const QDateTime &now)
{
    ComponentSnapshot s;
    s.component = store.components.find(componentId);
    s.timeZone = store.page.get().timeZone;
    if (!s.component)
        return s;
    UptimeReporter reporter(store, [now]() { return now; });
    s.days = reporter.componentDays(*s.component, kDays);
    s.figures = reporter.componentFigures(*s.component, kDays);
    s.history = store.components.updatesFor(componentId);
    return s;
}

void ComponentPage::refresh()
{
    const QString id = m_id;
    m_session.worker().run<ComponentSnapshot>(
        [id](ServiceWorker::Services &services) -> Result<ComponentSnapshot> {
            try {
                return read(services.store, id, QDateTime::currentDateTimeUtc());
            } catch (const StoreError &e) {
                return Error{tr("The component could not be read: %1").arg(e.message())};
            }
        },
        this,
        [this](const Result<ComponentSnapshot> &r) {
            if (!r) {
                m_status->setText(r.error());
                return;
            }
            display(r.value());
        });
}

void ComponentPage::display(const ComponentSnapshot &s)
{
    if (!s.component) {
        m_title->setText(tr("This component no longer exists."));
        Q_EMIT loaded();
        return;
    }
    m_title->setText(s.component->name);
    setWindowTitle(tr("Component %1").arg(s.component->name));
    m_status->setText(tr("Status now: %1 · days in %2").arg(toString(s.component->status), s.timeZone));
    m_strip->setDays(s.days);
    const uptime::Figures &f = s.figures;
    m_uptime->setText(tr("%1 % uptime").arg(QString::number(f.percentage(), 'f', 2)));
    m_uptime->setToolTip(
        tr("Major outage %1, partial outage %2 (counted at 30 %), degraded %3, maintenance %4 "
           "(not counted)")
            .arg(uptime::durationText(f.majorOutageSeconds), uptime::durationText(f.partialOutageSeconds),
                 uptime::durationText(f.degradedSeconds), uptime::durationText(f.maintenanceSeconds)));
    m_history->setRowCount(int(s.history.size()));
    for (int row = 0; row < int(s.history.size()); ++row) {
        const ComponentUpdate &u = s.history[size_t(row)];
        const QStringList cells{timefmt::display(u.createdAt), toString(u.oldStatus), toString(u.newStatus),
                                u.actor};
        for (int col = 0; col < cells.size(); ++col)
            m_history->setItem(row, col, new QTableWidgetItem(cells.at(col)));
        m_history->item(row, 0)->setToolTip(timefmt::isoUtc(u.createdAt)); // ISO 8601 in tooltips
    }
    m_history->resizeColumnsToContents();
    Q_EMIT loaded();
}

} // namespace sd
