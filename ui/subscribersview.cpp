#include "ui/subscribersview.h"

#include "app/readers/healthreader.h"
#include "app/readers/tablereads.h"
#include "app/services/serviceworker.h"
#include "app/upstream/upstreamservice.h"
#include "models/databasefiles.h"
#include "models/endpointurl.h"
#include "models/itemmodels/modelroles.h"
#include "models/itemmodels/subscribersmodel.h"
#include "models/upstreamrepository.h"
#include "ui/emptyhint.h"
#include "ui/endpointpage.h"
#include "ui/safefiledialog.h"
#include "ui/session.h"
#include "ui/statusdelegates.h"
#include "ui/subscriberdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace sd {

SubscribersView::SubscribersView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new SubscribersModel(this))
    , m_health(new SubscriberHealthReader(session.path(), this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_search(new QLineEdit(this))
    , m_stateFilter(new QComboBox(this))
    , m_searchDelay(new QTimer(this))
{
    setObjectName(QStringLiteral("subscribersView"));
    m_health->feed(m_model); // the model asks for its endpoints' health, the reader reads it off this thread
    tablereads::subscribers(session.liveStore(), m_query, *m_model);
    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(tr("Add…"), this, &SubscribersView::addSubscriber);
    bar->addAction(tr("Edit…"), this, &SubscribersView::editSelected);
    bar->addAction(tr("Rotate secret"), this, &SubscribersView::rotateSecret);
    bar->addAction(tr("Copy secret"), this, &SubscribersView::copySecret);
    bar->addAction(tr("Reactivate"), this, &SubscribersView::reactivateSelected);
    bar->addAction(tr("Remove"), this, &SubscribersView::removeSelected);
    bar->addSeparator();
    bar->addAction(tr("Send test webhook"), this, &SubscribersView::sendTest);
    bar->addAction(tr("Import CSV…"), this, &SubscribersView::importCsv);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(roles::SortRole);
    // Sorted when a header is clicked, not re-checked on every live health update: with 100,000 rows a
    // dynamic proxy's per-signal bookkeeping stalled the UI thread for 100+ ms (bench_ui_stall).
    m_proxy->setDynamicSortFilter(false);
    m_table->setObjectName(QStringLiteral("subscribersTable"));
    m_table->setModel(m_proxy);
    new EmptyHint(m_table,
                  tr("No webhook subscribers match. Add one with Edit → Add subscriber… (Ctrl+Shift+S) or "
                     "import a CSV; each hears about status changes as a signed webhook."));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SubscribersModel::EndpointColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(SubscribersModel::EndpointColumn, 280);
    m_table->setItemDelegateForColumn(SubscribersModel::EndpointColumn, new UrlDelegate(m_table));
    m_table->setColumnWidth(SubscribersModel::EmailColumn, 180);
    m_table->setColumnWidth(SubscribersModel::ComponentsColumn, 160);
    m_table->setColumnWidth(SubscribersModel::LastResultColumn, 140);
    connect(m_table, &QTableView::doubleClicked, this, &SubscribersView::openEndpointPage);

    m_search->setObjectName(QStringLiteral("subscriberSearch"));
    m_search->setPlaceholderText(tr("Search endpoint or email"));
    m_search->setClearButtonEnabled(true);
    m_stateFilter->setObjectName(QStringLiteral("subscriberStateFilter"));
    m_stateFilter->addItem(tr("Active and quarantined"), static_cast<int>(SubscriberQuery::States::Current));
    m_stateFilter->addItem(tr("Active"), static_cast<int>(SubscriberQuery::States::Active));
    m_stateFilter->addItem(tr("Quarantined"), static_cast<int>(SubscriberQuery::States::Quarantined));
    m_stateFilter->addItem(tr("Unsubscribed"), static_cast<int>(SubscriberQuery::States::Unsubscribed));
    m_stateFilter->addItem(tr("All"), static_cast<int>(SubscriberQuery::States::All));
    // Typing reloads after a pause, not per key: each reload is a query over every subscriber.
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);
    connect(m_searchDelay, &QTimer::timeout, this, &SubscribersView::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &SubscribersView::applyFilter);
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, &SubscribersView::applyFilter);
    auto *filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(4, 0, 4, 0);
    filterRow->addWidget(m_search, 1);
    auto *stateLabel = new QLabel(tr("&State:"), this);
    stateLabel->setBuddy(m_stateFilter);
    filterRow->addWidget(stateLabel);
    filterRow->addWidget(m_stateFilter);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addLayout(filterRow);
    layout->addWidget(m_table);
}

void SubscribersView::reload()
{
    // A reload resets the model; the current subscriber stays current if it is still listed.
    const Subscriber *current = selected();
    const QString currentId = current ? current->id : QString();
    try {
        tablereads::subscribers(m_session.liveStore(), m_query, *m_model);
    } catch (const StoreError &e) {
        // The table keeps the rows it had (read before the model is reset).
        Q_EMIT statusMessage(tr("Subscribers could not be reloaded: %1").arg(e.message()));
        return;
    }
    resort();
    if (const int row = currentId.isEmpty() ? -1 : m_model->rowOf(currentId); row >= 0)
        m_table->setCurrentIndex(
            m_proxy->mapFromSource(m_model->index(row, SubscribersModel::EndpointColumn)));
}

void SubscribersView::resort()
{
    // The proxy is not dynamic (see the constructor): new rows are put in the chosen order here.
    m_proxy->sort(m_table->horizontalHeader()->sortIndicatorSection(),
                  m_table->horizontalHeader()->sortIndicatorOrder());
}

void SubscribersView::applyFilter()
{
    m_searchDelay->stop();
    SubscriberQuery query;
    query.text = m_search->text();
    query.states = static_cast<SubscriberQuery::States>(m_stateFilter->currentData().toInt());
    if (query.text.trimmed() == m_query.text.trimmed() && query.states == m_query.states)
        return;
    const Subscriber *current = selected();
    const QString currentId = current ? current->id : QString();
    try {
        tablereads::subscribers(m_session.liveStore(), query, *m_model);
        m_query = query;
    } catch (const StoreError &e) {
        Q_EMIT statusMessage(tr("Subscribers could not be filtered: %1").arg(e.message()));
        return;
    }
    resort();
    if (const int row = currentId.isEmpty() ? -1 : m_model->rowOf(currentId); row >= 0)
        m_table->setCurrentIndex(
            m_proxy->mapFromSource(m_model->index(row, SubscribersModel::EndpointColumn)));
    Q_EMIT statusMessage(tr("%n subscriber(s) shown.", nullptr, m_model->rowCount()));
}

void SubscribersView::openEndpointPage()
{
    const Subscriber *s = selected();
    if (!s)
        return;
    // Non-modal: the operator can keep several open and keep working in the console.
    auto *page = new EndpointPage(m_session, s->id, this);
    page->setAttribute(Qt::WA_DeleteOnClose);
    page->setWindowFlag(Qt::Window);
    page->show();
}

std::optional<std::vector<Component>> SubscribersView::componentsForDialog()
{
    try {
        return m_session.store().components.all();
    } catch (const StoreError &e) {
        showError(e.message());
        return std::nullopt;
    }
}

void SubscribersView::offerFollowedPages(SubscriberDialog &dialog, const QString &subscriberId)
{
    try {
        UpstreamRepository repo(m_session.store().db());
        const std::vector<Upstream> pages = repo.all();
        const QStringList hearing = subscriberId.isEmpty() ? QStringList() : repo.upstreamsOf(subscriberId);
        m_session.store().db().finishAll();
        dialog.setFollowedPages(pages, hearing);
    } catch (const StoreError &e) {
        showError(e.message());
    }
}

void SubscribersView::saveFollowedPages(const QString &subscriberId, const QStringList &upstreamIds)
{
    ServiceContext ctx{m_session.store()};
    ctx.actor = m_session.operatorName();
    if (auto set = upstream::UpstreamService(ctx).setSubscriberUpstreams(subscriberId, upstreamIds); !set)
        showError(set.error());
}

const Subscriber *SubscribersView::selected() const
{
    return m_model->subscriberAt(m_proxy->mapToSource(m_table->currentIndex()).row());
}

void SubscribersView::showError(const QString &text)
{
    QMessageBox::warning(this, tr("Subscribers"), text);
}

void SubscribersView::addSubscriber()
{
    const auto components = componentsForDialog();
    if (!components)
        return;
    // The page's switch binds the API and the subscribe form; an operator may still add one, once told.
    if (!m_session.subscribers().acceptsWebhookSubscribers() &&
        QMessageBox::question(this, tr("Add subscriber"),
                              tr("This page does not accept webhook subscriptions (File → Page and email "
                                 "settings…). Add one anyway?")) != QMessageBox::Yes)
        return;
    SubscriberDialog dialog(*components, std::nullopt, this);
    offerFollowedPages(dialog, QString());
    while (dialog.exec() == QDialog::Accepted) {
        NewSubscriber input;
        input.endpoint = dialog.endpoint();
        input.email = dialog.email();
        input.secret = dialog.secret();
        input.componentIds = dialog.componentIds();
        input.operatorOverride = true;
        auto result = m_session.subscribers().add(input);
        if (!result) {
            dialog.showEndpointError(result.error()); // stay open: the operator fixes the field
            continue;
        }
        if (!dialog.upstreamIds().isEmpty())
            saveFollowedPages(result.value().id, dialog.upstreamIds());
        m_session.afterChange();
        reload();
        Q_EMIT statusMessage(tr("Subscriber %1 added.").arg(endpointurl::redacted(result.value().endpoint)));
        return;
    }
}

void SubscribersView::editSelected()
{
    const Subscriber *s = selected();
    if (!s)
        return;
    const Subscriber current = *s;
    const auto components = componentsForDialog();
    if (!components)
        return;
    SubscriberDialog dialog(*components, current, this);
    offerFollowedPages(dialog, current.id);
    const QStringList hearing = dialog.upstreamIds();
    while (dialog.exec() == QDialog::Accepted) {
        SubscriberPatch patch;
        if (dialog.endpoint() != current.endpoint)
            patch.endpoint = dialog.endpoint();
        if (dialog.email() != current.email)
            patch.email = dialog.email();
        if (dialog.secret() != current.secret)
            patch.secret = dialog.secret();
        if (dialog.componentIds() != current.componentIds)
            patch.componentIds = dialog.componentIds();
        auto result = m_session.subscribers().edit(current.id, patch);
        if (!result) {
            dialog.showEndpointError(result.error());
            continue;
        }
        if (dialog.upstreamIds() != hearing)
            saveFollowedPages(current.id, dialog.upstreamIds());
        m_session.afterChange();
        reload();
        return;
    }
}

void SubscribersView::rotateSecret()
{
    const Subscriber *s = selected();
    if (!s)
        return;
    auto result = m_session.subscribers().rotateSecret(s->id);
    if (!result)
        return showError(result.error());
    QApplication::clipboard()->setText(result.value().secret);
    reload();
    Q_EMIT statusMessage(tr("New signing secret copied; the old one keeps signing for 24 hours."));
}

void SubscribersView::copySecret()
{
    const Subscriber *s = selected();
    if (!s || s->secret.isEmpty())
        return;
    QApplication::clipboard()->setText(s->secret);
    Q_EMIT statusMessage(tr("Signing secret copied."));
}

void SubscribersView::reactivateSelected()
{
    const Subscriber *s = selected();
    if (!s)
        return;
    auto result = m_session.subscribers().reactivate(s->id);
    if (!result)
        return showError(result.error());
    m_session.afterChange(result.value());
    reload();
    Q_EMIT statusMessage(
        tr("Subscriber reactivated; %n held delivery(ies) released.", nullptr, result.value()));
}

void SubscribersView::removeSelected()
{
    const Subscriber *s = selected();
    if (!s)
        return;
    if (QMessageBox::question(this, tr("Remove subscriber"),
                              tr("Stop sending to %1? Pending deliveries are cancelled; history stays.")
                                  .arg(endpointurl::redacted(s->endpoint))) != QMessageBox::Yes)
        return;
    auto result = m_session.subscribers().remove(s->id);
    if (!result)
        return showError(result.error());
    m_session.afterChange();
    reload();
}

void SubscribersView::sendTest()
{
    const Subscriber *s = selected();
    if (!s)
        return;
    auto result = m_session.subscribers().sendTest(s->id);
    if (!result)
        return showError(result.error());
    m_session.afterChange(1);
    Q_EMIT statusMessage(tr("Test webhook queued (webhook-id %1).").arg(result.value()));
}

void SubscribersView::importCsv()
{
    const QString path = SafeFileDialog::getOpenFileName(this, tr("Import subscribers"), {},
                                                         tr("CSV files (*.csv);;All files (*)"));
    if (!path.isEmpty())
        importCsvFile(path);
}

void SubscribersView::importCsvFile(const QString &path)
{
    // Reading the database or its WAL as CSV would drop SQLite's locks when the file is closed.
    if (const QString refusal = DatabaseFiles::refusal(path); !refusal.isEmpty())
        return showError(refusal);
    // Reading the file and writing thousands of rows both happen on the session's worker thread.
    Q_EMIT statusMessage(tr("Importing %1…").arg(path));
    m_session.worker().run<ImportReport>(
        [path](ServiceWorker::Services &services) -> Result<ImportReport> {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                return Error{QObject::tr("Could not read %1: %2").arg(path, f.errorString())};
            return services.subscribers.importCsv(f.readAll());
        },
        this, [this](const Result<ImportReport> &result) { showImportResult(result); });
}

void SubscribersView::showImportResult(const Result<ImportReport> &result)
{
    if (!result)
        return showError(result.error());
    const ImportReport &report = result.value();
    m_session.afterChange();
    reload();
    if (report.errors.empty() && report.warnings.empty()) {
        Q_EMIT statusMessage(
            tr("%n subscriber(s) imported.", nullptr, static_cast<int>(report.added.size())));
        return;
    }
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("importErrors"));
    dialog.setWindowTitle(tr("CSV import"));
    auto *list = new QListWidget(&dialog);
    for (const ImportRowError &e : report.errors)
        list->addItem(tr("Line %1: %2").arg(e.line).arg(e.message));
    for (const ImportRowError &w : report.warnings)
        list->addItem(tr("Line %1 (imported): %2").arg(w.line).arg(w.message));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    const QString summary =
        report.warnings.empty()
            ? tr("%1 imported, %2 row(s) rejected:").arg(report.added.size()).arg(report.errors.size())
            : tr("%1 imported (%3 with a warning), %2 row(s) rejected:")
                  .arg(report.added.size())
                  .arg(report.errors.size())
                  .arg(report.warnings.size());
    layout->addWidget(new QLabel(summary, &dialog));
    layout->addWidget(list);
    layout->addWidget(buttons);
    dialog.resize(600, 320);
    dialog.exec();
}

} // namespace sd
