#include "ui/upstreamview.h"

#include "app/services/serviceworker.h"
#include "app/upstream/upstreampoller.h"
#include "app/upstream/upstreamservice.h"
#include "models/deliverysettings.h"
#include "models/itemmodels/modelroles.h"
#include "models/itemmodels/upstreammodels.h"
#include "models/timeformat.h"
#include "models/upstreamrepository.h"
#include "ui/session.h"
#include "ui/statuspalette.h"
#include "ui/upstreamdialogs.h"

#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>
#include <utility>

namespace sd {
namespace {

// What the tab shows, read in one go on the worker.
struct UpstreamTabRows
{
    std::vector<Upstream> pages;
    QHash<QString, int> hearers;
    std::vector<UpstreamEvent> events;
};

constexpr int kTimelineRows = 200;

// A coloured dot before a status: a page's indicator (a string) or a component's status (an int).
class StatusDotDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QVariant status = index.data(roles::StatusRole);
        QColor color;
        if (status.typeId() == QMetaType::QString && !status.toString().isEmpty())
            color = palette::pageIndicator(status.toString());
        else if (status.typeId() == QMetaType::Int && status.toInt() >= 0)
            color = palette::componentStatus(static_cast<ComponentStatus>(status.toInt()));
        if (!color.isValid())
            return;
        option->icon = palette::dot(color);
        option->features |= QStyleOptionViewItem::HasDecoration;
    }
};

// Runs an upstream change on the worker with this console's operator; `done` gets the error ("" on success).
template<typename T, typename Job>
void onWorker(Session &session, QObject *context, Job job, std::function<void(const QString &)> done)
{
    const QString actor = session.operatorName();
    session.worker().run<T>(
        [job, actor](ServiceWorker::Services &s) {
            ServiceContext ctx{s.store};
            ctx.actor = actor;
            return job(upstream::UpstreamService(ctx), s.store);
        },
        context, [done](const Result<T> &r) { done(r.ok() ? QString() : r.error()); });
}

} // namespace

UpstreamView::UpstreamView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_pages(new UpstreamsModel(this))
    , m_components(new UpstreamComponentsModel(this))
    , m_incidents(new UpstreamIncidentsModel(this))
    , m_events(new UpstreamEventsModel(this))
    , m_pagesTable(new QTableView(this))
    , m_componentsTree(new QTreeView(this))
    , m_incidentsTree(new QTreeView(this))
    , m_eventsTable(new QTableView(this))
    , m_header(new QLabel(this))
    , m_refresh(new QTimer(this))
{
    setObjectName(QStringLiteral("upstreamView"));
    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(tr("Follow a page…"), this, &UpstreamView::followPage);
    bar->addAction(tr("Read now"), this, &UpstreamView::readNow);
    bar->addAction(tr("Relay to subscribers…"), this, &UpstreamView::chooseSubscribers);
    bar->addAction(tr("Link to local incident…"), this, &UpstreamView::linkToIncident);
    bar->addSeparator();
    bar->addAction(tr("Stop following…"), this, &UpstreamView::unfollowSelected);

    auto *dots = new StatusDotDelegate(this);
    auto table = [dots](QTableView *t, const char *name, QAbstractItemModel *model) {
        t->setObjectName(QLatin1String(name));
        t->setModel(model);
        t->setSelectionBehavior(QAbstractItemView::SelectRows);
        t->setSelectionMode(QAbstractItemView::SingleSelection);
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->verticalHeader()->hide();
        t->setWordWrap(false);
        t->horizontalHeader()->setStretchLastSection(true);
        t->setItemDelegate(dots);
    };
    table(m_pagesTable, "upstreamPages", m_pages);
    table(m_eventsTable, "upstreamTimeline", m_events);
    // Times are shown whole ("2026-12-07 16:45:45 +00:00"); the freshness (with its "stale since") takes the
    // rest.
    m_pagesTable->setColumnWidth(UpstreamsModel::NameColumn, 170);
    m_pagesTable->setColumnWidth(UpstreamsModel::StatusColumn, 200);
    m_pagesTable->setColumnWidth(UpstreamsModel::CheckedColumn, 215);
    m_pagesTable->setColumnWidth(UpstreamsModel::EveryColumn, 70);
    m_pagesTable->horizontalHeader()->setStretchLastSection(false);
    m_pagesTable->horizontalHeader()->setSectionResizeMode(UpstreamsModel::FreshnessColumn,
                                                           QHeaderView::Stretch);
    m_eventsTable->setColumnWidth(UpstreamEventsModel::TimeColumn, 215);
    m_eventsTable->setColumnWidth(UpstreamEventsModel::PageColumn, 140);
    m_eventsTable->horizontalHeader()->setSectionResizeMode(UpstreamEventsModel::ChangeColumn,
                                                            QHeaderView::Stretch);
    m_eventsTable->horizontalHeader()->setStretchLastSection(false);
    for (auto [tree, name, model] :
         {std::tuple{m_componentsTree, "upstreamComponents", static_cast<QAbstractItemModel *>(m_components)},
          std::tuple{m_incidentsTree, "upstreamIncidents", static_cast<QAbstractItemModel *>(m_incidents)}}) {
        tree->setObjectName(QLatin1String(name));
        tree->setModel(model);
        tree->setItemDelegate(dots);
        tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
        tree->setUniformRowHeights(true);
    }
    m_componentsTree->setColumnWidth(UpstreamComponentsModel::NameColumn, 220);
    m_incidentsTree->setColumnWidth(UpstreamIncidentsModel::NameColumn, 380);
    m_incidentsTree->setColumnWidth(UpstreamIncidentsModel::StatusColumn, 110);
    m_header->setObjectName(QStringLiteral("upstreamHeader"));
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::RichText);
    m_header->setMargin(4);

    auto *pageTrees = new QSplitter(Qt::Horizontal, this);
    pageTrees->addWidget(m_componentsTree);
    pageTrees->addWidget(m_incidentsTree);
    pageTrees->setStretchFactor(0, 2);
    pageTrees->setStretchFactor(1, 3);
    auto *page = new QWidget(this);
    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    pageLayout->addWidget(m_header);
    pageLayout->addWidget(pageTrees, 1);
    auto *timeline = new QWidget(this);
    auto *timelineLayout = new QVBoxLayout(timeline);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->addWidget(new QLabel(tr("<b>Timeline</b> — what changed on the followed pages"), this));
    timelineLayout->addWidget(m_eventsTable, 1);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("upstreamSplitter"));
    splitter->addWidget(m_pagesTable);
    splitter->addWidget(page);
    splitter->addWidget(timeline);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 4);
    splitter->setStretchFactor(2, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(splitter, 1);

    connect(m_pagesTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &UpstreamView::showSelected);
    connect(m_refresh, &QTimer::timeout, this, [this] {
        if (isVisible())
            reload();
    });
    m_refresh->start(5000);
    if (upstream::UpstreamController *poller = m_session.upstreams())
        connect(poller, &upstream::UpstreamController::changed, this, &UpstreamView::reload);
    reload();
}

void UpstreamView::reload()
{
    if (m_reloading) {
        m_reloadAgain = true;
        return;
    }
    m_reloading = true;
    m_session.worker().run<UpstreamTabRows>(
        [](ServiceWorker::Services &s) -> Result<UpstreamTabRows> {
            try {
                UpstreamRepository repo(s.store.db());
                UpstreamTabRows rows;
                rows.pages = repo.all();
                for (const Upstream &u : rows.pages)
                    rows.hearers.insert(u.id, int(repo.subscribersOf(u.id).size()));
                rows.events = repo.events(QString(), kTimelineRows);
                s.store.db().finishAll();
                return rows;
            } catch (const StoreError &e) {
                return Error{e.message()};
            }
        },
        this,
        [this](const Result<UpstreamTabRows> &r) {
            m_reloading = false;
            if (!r) {
                Q_EMIT statusMessage(tr("Followed pages could not be read: %1").arg(r.error()));
            } else {
                const Upstream *current = selected();
                const QString keep = !m_wantedPage.isEmpty() ? m_wantedPage
                                     : current               ? current->id
                                                             : QString();
                QHash<QString, QString> names;
                for (const Upstream &u : r->pages)
                    names.insert(u.id, u.name);
                m_pages->setRows(r->pages, r->hearers);
                m_events->setRows(r->events, names);
                selectPage(keep.isEmpty() && !r->pages.empty() ? r->pages.front().id : keep);
                showSelected();
            }
            Q_EMIT loaded();
            if (std::exchange(m_reloadAgain, false))
                reload();
        });
}

void UpstreamView::selectPage(const QString &id)
{
    const int row = m_pages->rowOf(id);
    m_wantedPage = row < 0 ? id : QString(); // selected when the next read brings it
    if (row >= 0 && m_pagesTable->currentIndex().row() != row)
        m_pagesTable->setCurrentIndex(m_pages->index(row, 0));
}

const Upstream *UpstreamView::selected() const
{
    return m_pages->upstreamAt(m_pagesTable->currentIndex().row());
}

std::optional<Upstream> UpstreamView::selectedCopy() const
{
    const Upstream *u = selected();
    return u ? std::optional<Upstream>(*u) : std::nullopt;
}

void UpstreamView::showSelected()
{
    const Upstream *u = selected();
    if (!u) {
        m_header->setText(tr("No followed pages yet. <b>Follow a page…</b> adds a public Statuspage page "
                             "(your cloud, your payment processor) by its address."));
        m_components->setSummary({});
        m_incidents->setSummary({});
        m_shownSnapshotOf.clear();
        return;
    }
    QString text = QStringLiteral("<b>%1</b> &nbsp; <a href=\"%2\">%2</a><br>")
                       .arg(u->name.toHtmlEscaped(), u->url.toHtmlEscaped());
    text += u->description.isEmpty() ? tr("not read yet") : u->description.toHtmlEscaped();
    text += tr(" · last checked %1")
                .arg(u->lastCheckedAt.isValid() ? timefmt::display(u->lastCheckedAt) : tr("never"));
    if (u->isStale())
        text += QStringLiteral(" · <span style=\"color:#b3261e\"><b>%1</b></span><br><small>%2</small>")
                    .arg(UpstreamsModel::freshness(*u).toHtmlEscaped(), u->lastError.toHtmlEscaped());
    m_header->setText(text);
    const QString shown = u->id + QLatin1Char('@') + QString::number(u->snapshotVersion);
    if (shown == m_shownSnapshotOf)
        return;
    m_shownSnapshotOf = shown;
    auto summary = upstream::parseSummary(u->snapshot);
    m_components->setSummary(summary ? summary.value() : upstream::Summary{});
    m_incidents->setSummary(summary ? summary.value() : upstream::Summary{});
    m_componentsTree->expandAll();
    m_incidentsTree->expandAll();
}

void UpstreamView::afterWrite(const QString &done, const QString &error)
{
    if (!error.isEmpty()) {
        QMessageBox::warning(this, tr("Followed pages"), error);
        return;
    }
    Q_EMIT statusMessage(done);
    if (upstream::UpstreamController *poller = m_session.upstreams())
        poller->wake();
    reload();
}

void UpstreamView::followPage()
{
    DeliverySettings settings;
    try {
        settings = DeliverySettings::load(m_session.store().settings);
        m_session.store().db().finishAll();
    } catch (const StoreError &) {
        // The defaults stand (the system's proxy, private targets allowed); the poller reads it the same.
    }
    FollowPageDialog dialog(settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    upstream::NewUpstream input;
    input.url = dialog.url();
    input.name = dialog.name();
    input.pageName = dialog.pageName();
    input.intervalMs = dialog.intervalMs();
    onWorker<Upstream>(
        m_session, this,
        [input](upstream::UpstreamService service, Store &) { return service.follow(input); },
        [this, url = input.url](const QString &error) { afterWrite(tr("Following %1").arg(url), error); });
}

void UpstreamView::readNow()
{
    const Upstream *u = selected();
    if (!u)
        return;
    onWorker<Ok>(
        m_session, this,
        [id = u->id](upstream::UpstreamService, Store &store) -> Result<Ok> {
            try {
                UpstreamRepository(store.db()).setNextPoll(id, QDateTime::currentDateTimeUtc());
                return Ok{};
            } catch (const StoreError &e) {
                return Error{e.message()};
            }
        },
        [this, name = u->name](const QString &error) { afterWrite(tr("Reading %1 now").arg(name), error); });
}

void UpstreamView::unfollowSelected()
{
    const std::optional<Upstream> u = selectedCopy();
    if (!u)
        return;
    if (QMessageBox::question(
            this, tr("Stop following"),
            tr("Stop following %1? Its timeline goes, and its subscribers stop receiving its changes; "
               "links from your incidents stay.")
                .arg(u->name)) != QMessageBox::Yes)
        return;
    onWorker<Upstream>(
        m_session, this,
        [id = u->id](upstream::UpstreamService service, Store &) { return service.unfollow(id); },
        [this, name = u->name](const QString &error) {
            afterWrite(tr("No longer following %1").arg(name), error);
        });
}

void UpstreamView::chooseSubscribers()
{
    const std::optional<Upstream> u = selectedCopy();
    if (!u)
        return;
    std::vector<Subscriber> subscribers;
    QStringList hearing;
    try {
        subscribers = m_session.store().subscribers.list();
        hearing = UpstreamRepository(m_session.store().db()).subscribersOf(u->id);
        m_session.store().db().finishAll();
    } catch (const StoreError &e) {
        QMessageBox::warning(this, tr("Relay to subscribers"), e.message());
        return;
    }
    RelaySubscribersDialog dialog(*u, subscribers, hearing, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QStringList chosen = dialog.chosen();
    QStringList touched = chosen;
    for (const QString &id : hearing) {
        if (!touched.contains(id))
            touched << id;
    }
    onWorker<Ok>(
        m_session, this,
        [id = u->id, chosen, touched](upstream::UpstreamService service, Store &store) -> Result<Ok> {
            for (const QString &subscriber : touched) {
                QStringList pages = UpstreamRepository(store.db()).upstreamsOf(subscriber);
                pages.removeAll(id);
                if (chosen.contains(subscriber))
                    pages << id;
                if (auto set = service.setSubscriberUpstreams(subscriber, pages); !set)
                    return Error{set.error()};
            }
            return Ok{};
        },
        [this, name = u->name, n = chosen.size()](const QString &error) {
            afterWrite(tr("%1 is relayed to %n subscriber(s)", nullptr, int(n)).arg(name), error);
        });
}

void UpstreamView::linkToIncident()
{
    const std::optional<Upstream> u = selectedCopy();
    const upstream::SummaryIncident *selectedIncident =
        m_incidents->incidentAt(m_incidentsTree->currentIndex());
    if (!u || !selectedIncident) {
        Q_EMIT statusMessage(tr("Select one of the page's incidents first"));
        return;
    }
    std::vector<Incident> local;
    try {
        local = m_session.store().incidents.all();
    } catch (const StoreError &e) {
        QMessageBox::warning(this, tr("Link to a local incident"), e.message());
        return;
    }
    // A copy: the rows are read again while the dialog is open (every read of the page), which replaces them.
    const upstream::SummaryIncident incident = *selectedIncident;
    LinkIncidentDialog dialog(u->name, incident.name, local, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    onWorker<UpstreamLink>(
        m_session, this,
        [localId = dialog.incidentId(), id = u->id,
         upstreamIncident = incident.id](upstream::UpstreamService service, Store &) {
            return service.link(localId, id, upstreamIncident);
        },
        [this, name = incident.name](const QString &error) {
            afterWrite(tr("Linked: caused by %1").arg(name), error);
            if (error.isEmpty())
                m_session.afterChange(); // the incident's timeline shows the link
        });
}

} // namespace sd
