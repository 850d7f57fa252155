#include "ui/deliveriesview.h"

#include "app/delivery/deliverycontroller.h"
#include "app/readers/deliveriesreader.h"
#include "app/report/curlcommand.h"
#include "app/services/serviceworker.h"
#include "models/endpointurl.h"
#include "models/itemmodels/deliveriesmodel.h"
#include "models/itemmodels/modelroles.h"
#include "models/values.h"
#include "ui/deliverydetail.h"
#include "ui/emptyhint.h"
#include "ui/recoverdialog.h"
#include "ui/reportexporter.h"
#include "ui/session.h"
#include "ui/statusdelegates.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace sd {

DeliveriesView::DeliveriesView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_reader(new DeliveriesReader(session.path(), this))
    , m_model(new DeliveriesModel(m_reader->modelReader(), this))
    , m_count(new QLabel(this))
    , m_countDelay(new QTimer(this))
    , m_state(new QComboBox(this))
    , m_kind(new QComboBox(this))
    , m_endpoint(new QLineEdit(this))
    , m_search(new QLineEdit(this))
    , m_filterDelay(new QTimer(this))
    , m_table(new QTableView(this))
    , m_detail(new DeliveryDetail(session.path(), this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    setObjectName(QStringLiteral("deliveriesView"));
    m_state->setObjectName(QStringLiteral("stateFilter"));
    m_state->addItem(tr("All states"));
    for (const QString &name : deliveryStateNames())
        m_state->addItem(deliveryStateLabel(*parseDeliveryState(name)), name);
    m_kind->setObjectName(QStringLiteral("kindFilter"));
    m_kind->addItem(tr("All events"));
    m_kind->addItem(tr("Component"), toString(EventKind::Component));
    m_kind->addItem(tr("Incident"), toString(EventKind::Incident));
    m_kind->addItem(tr("Test"), toString(EventKind::Test));
    m_kind->addItem(tr("Email"), toString(EventKind::Email));
    m_endpoint->setObjectName(QStringLiteral("endpointFilter"));
    m_endpoint->setPlaceholderText(tr("Endpoint contains…"));
    m_endpoint->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("searchFilter"));
    m_search->setPlaceholderText(tr("Search event, endpoint, error or id…"));
    m_search->setClearButtonEnabled(true);

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Filter:"), this));
    filters->addWidget(m_state);
    filters->addWidget(m_kind);
    filters->addWidget(m_endpoint, 1);
    filters->addWidget(m_search, 2);
    m_count->setObjectName(QStringLiteral("deliveriesCount"));
    filters->addWidget(m_count);

    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(tr("Resend selected"), this, &DeliveriesView::resendSelected)
        ->setObjectName(QStringLiteral("resendSelected"));
    bar->addAction(tr("Resend failing in filter"), this, &DeliveriesView::resendFailing)
        ->setObjectName(QStringLiteral("resendFailing"));
    bar->actions().constLast()->setToolTip(
        tr("Failed and retrying deliveries the filter shows: sent now; a retrying one keeps its schedule "
           "should it fail again"));
    bar->addAction(tr("Recover…"), this, &DeliveriesView::recoverDeliveries)
        ->setToolTip(tr("Send an endpoint's held and failed deliveries since a time again"));
    bar->addAction(tr("Copy as curl"), this, &DeliveriesView::copyAsCurl);
    bar->addSeparator();
    bar->addAction(tr("Export report…"), this, &DeliveriesView::exportReport);
    // The same actions on the rows themselves (right click).
    for (QAction *action : bar->actions()) {
        if (!action->isSeparator() && action->text() != tr("Export report…"))
            m_table->addAction(action);
    }
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_table->setObjectName(QStringLiteral("deliveriesTable"));
    // No proxy: a header click calls DeliveriesModel::sort, which orders the database query.
    m_table->setModel(m_model);
    new EmptyHint(m_table,
                  tr("No deliveries here yet. They appear as soon as a status change or an incident update "
                     "notifies subscribers (or the filter above matches none)."));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(DeliveriesModel::TimeColumn, Qt::DescendingOrder);
    m_table->setItemDelegateForColumn(DeliveriesModel::StateColumn, new DeliveryStateDelegate(m_table));
    m_table->setItemDelegateForColumn(DeliveriesModel::EndpointColumn, new UrlDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures rows, which keeps live updates cheap.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    m_table->installEventFilter(this);
    // The time from the font (a fixed 150 px cut "2026-12-07 12:48:48 +00:00" even at 1600 px); the
    // others as wide as their headers and states: at 1024 px beside the Notices panel most show, Error
    // scrolls.
    const QFontMetrics fm = m_table->fontMetrics();
    const int timeWidth = fm.horizontalAdvance(QStringLiteral("2026-12-07 12:48:48 +00:00")) + 16;
    const int em = fm.horizontalAdvance(QLatin1Char('M'));
    const int header = fm.horizontalAdvance(QStringLiteral("Attempts")) + 2 * em; // its sort arrow too
    const int widths[] = {timeWidth, 10 * em, 15 * em, 9 * em, header, 5 * em, header};
    for (int c = 0; c < static_cast<int>(std::size(widths)); ++c)
        m_table->setColumnWidth(c, widths[c]);

    m_splitter->setObjectName(QStringLiteral("deliveriesSplitter"));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addLayout(filters);
    layout->addWidget(m_splitter, 1);

    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(250); // typing: one query when the operator pauses, not one per key
    connect(m_filterDelay, &QTimer::timeout, this, &DeliveriesView::applyFilter);
    connect(m_state, &QComboBox::currentIndexChanged, this, &DeliveriesView::applyFilter);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &DeliveriesView::applyFilter);
    connect(m_endpoint, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DeliveriesView::showDetail);

    connect(&session.delivery(), &DeliveryController::messagesChanged, m_model,
            &DeliveriesModel::noteChanged);
    connect(&session, &Session::messagesQueued, m_model, &DeliveriesModel::noteNewMessages);
    // The open detail follows its message as new attempts land, and goes when its row does.
    connect(m_model, &DeliveriesModel::updatesApplied, this, [this] {
        if (!m_detail->messageId().isEmpty() && m_model->rowOf(m_detail->messageId()) < 0)
            clearDetail();
        else if (!m_detail->messageId().isEmpty())
            showDetail();
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_detail->messageId().isEmpty() && m_model->rowOf(m_detail->messageId()) < 0)
            clearDetail();
    });
    // A reset (filter, sort, jump, refresh) keeps the selection by id when the rows are still shown.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        if (m_model->rowCount() == 0)
            return; // a second reset before the first one's rows came: keep what the first one kept
        m_keepSelected = selectedIds();
        const QString current = m_model->idsInRows({m_table->currentIndex().row()}).value(0);
        if (!current.isEmpty()) {
            m_keepSelected.removeAll(current);
            m_keepSelected.prepend(current);
        }
    });
    connect(m_model, &DeliveriesModel::reloaded, this, &DeliveriesView::afterReload);
    connect(m_model, &DeliveriesModel::reloaded, this, &DeliveriesView::scheduleCount);
    // Scrolling up in the tail window reads the rows before it; the view stays on the row it showed.
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (value == m_table->verticalScrollBar()->minimum() && m_model->canFetchOlder())
            m_model->fetchOlder();
    });
    // A scroll to either end while another read was in flight was refused: ask again now. The rows' own
    // positions say where the viewport is (the header follows inserts at once; the scroll bar only after
    // the delayed layout).
    connect(m_model, &DeliveriesModel::readFinished, this, [this] {
        const int rows = m_model->rowCount();
        if (rows == 0 || !m_table->isVisible())
            return;
        const int bottom = m_table->rowAt(m_table->viewport()->height() - 1);
        if (bottom == rows - 1 && m_model->canFetchMore({}))
            m_model->fetchMore({});
        else if (m_table->rowAt(0) == 0 && m_model->canFetchOlder())
            m_model->fetchOlder();
    });
    connect(m_model, &DeliveriesModel::olderRowsInserted, this, [this](int added) {
        if (added > 0)
            m_table->scrollTo(m_model->index(added, 0), QAbstractItemView::PositionAtTop);
    });

    // The row count: counted on the reader thread, at most a few times a second.
    m_countDelay->setSingleShot(true);
    m_countDelay->setInterval(300);
    connect(m_countDelay, &QTimer::timeout, this, &DeliveriesView::countNow);
    connect(&session.delivery(), &DeliveryController::messagesChanged, this, &DeliveriesView::scheduleCount);
    connect(&session, &Session::messagesQueued, this, &DeliveriesView::scheduleCount);
    scheduleCount();
}

QString DeliveriesView::detailId() const
{
    return m_detail->messageId();
}

bool DeliveriesView::eventFilter(QObject *watched, QEvent *event)
{
    // After the view has laid out its viewport (filters see the resize first).
    if (watched == m_table && event->type() == QEvent::Resize)
        QMetaObject::invokeMethod(this, &DeliveriesView::widenIntoSpareRoom, Qt::QueuedConnection);
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const bool extend = key->modifiers().testFlag(Qt::ShiftModifier);
        if (key->key() == Qt::Key_End && !extend) {
            jumpToEnd();
            return true;
        }
        if (key->key() == Qt::Key_Home && !extend && m_model->showsTail()) {
            jumpToStart();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void DeliveriesView::widenIntoSpareRoom()
{
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    int used = 0;
    for (int c = 0; c < DeliveriesModel::ErrorColumn; ++c)
        used += m_table->columnWidth(c);
    // Error keeps room for a sentence; the rest goes three parts to Endpoint, two to Event, each up to what
    // a long URL or change name needs.
    const int spare = m_table->viewport()->width() - used - 40 * em;
    if (spare <= 0)
        return;
    const auto grow = [this](int column, int by, int cap) {
        const int now = m_table->columnWidth(column);
        if (now < cap)
            m_table->setColumnWidth(column, std::min(cap, now + by));
    };
    grow(DeliveriesModel::EndpointColumn, spare * 3 / 5, 42 * em);
    grow(DeliveriesModel::EventColumn, spare * 2 / 5, 26 * em);
}

void DeliveriesView::jumpToEnd()
{
    // The view's own End would stop at the last loaded row; the tail window is the query's real end. Its
    // rows arrive from the worker: the last one becomes current then (afterReload).
    if (!m_model->isComplete()) {
        m_jump = Jump::ToEnd;
        m_model->jumpToEnd();
        return;
    }
    m_jump = Jump::None;
    selectEdge(Jump::ToEnd);
}

void DeliveriesView::jumpToStart()
{
    m_jump = Jump::ToStart;
    m_model->reload();
}

void DeliveriesView::selectEdge(Jump edge)
{
    const int row = edge == Jump::ToEnd ? m_model->rowCount() - 1 : 0;
    if (row < 0 || row >= m_model->rowCount())
        return;
    const int column = std::max(0, m_table->currentIndex().column());
    m_table->selectionModel()->setCurrentIndex(
        m_model->index(row, column), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (edge == Jump::ToEnd)
        m_table->scrollToBottom();
    else
        m_table->scrollToTop();
}

void DeliveriesView::afterReload()
{
    restoreSelection();
    // A jump asked for before these rows were read lands on them now.
    if (const Jump jump = std::exchange(m_jump, Jump::None); jump != Jump::None)
        selectEdge(jump);
}

void DeliveriesView::restoreSelection()
{
    const QStringList keep = std::exchange(m_keepSelected, {});
    QItemSelection selection;
    int current = -1;
    for (const QString &id : keep) {
        const int row = m_model->rowOf(id);
        if (row < 0)
            continue;
        selection.select(m_model->index(row, 0), m_model->index(row, DeliveriesModel::ColumnCount - 1));
        if (current < 0)
            current = row;
    }
    if (current >= 0) {
        m_table->selectionModel()->setCurrentIndex(m_model->index(current, 0), QItemSelectionModel::NoUpdate);
        m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    }
    // The detail pane never shows a delivery the table no longer does.
    if (!m_detail->messageId().isEmpty() && m_model->rowOf(m_detail->messageId()) < 0)
        clearDetail();
}

void DeliveriesView::clearDetail()
{
    m_detail->clearMessage();
}

void DeliveriesView::scheduleCount()
{
    if (!m_countDelay->isActive())
        m_countDelay->start();
}

void DeliveriesView::countNow()
{
    if (m_counting) {
        m_countAgain = true; // one count at a time; the newest filter is counted when this one is back
        return;
    }
    m_counting = true;
    const MessageFilter f = currentFilter();
    const bool filtered = f.state || f.kind || !f.endpointContains.isEmpty() || !f.text.isEmpty();
    m_reader->count(f, filtered, this, [this, filtered](const DeliveriesReader::Counts &result) {
        m_counting = false;
        if (result) {
            const auto [matching, total] = *result;
            const QLocale locale;
            m_count->setText(
                filtered ? tr("%1 of %2 deliveries").arg(locale.toString(matching), locale.toString(total))
                : matching == 1 ? tr("1 delivery")
                                : tr("%1 deliveries").arg(locale.toString(matching)));
        }
        if (std::exchange(m_countAgain, false))
            countNow();
    });
}

MessageFilter DeliveriesView::currentFilter() const
{
    MessageFilter f;
    if (m_state->currentIndex() > 0)
        f.state = parseDeliveryState(m_state->currentData().toString());
    if (m_kind->currentIndex() > 0)
        f.kind = parseEventKind(m_kind->currentData().toString());
    f.endpointContains = m_endpoint->text().trimmed();
    f.text = m_search->text().trimmed();
    return f;
}

void DeliveriesView::applyFilter()
{
    m_filterDelay->stop();
    m_jump = Jump::None; // a jump asked for under the old filter does not carry over
    m_model->setFilter(currentFilter());
    countNow();
}

QStringList DeliveriesView::selectedIds() const
{
    QList<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows << i.row();
    return m_model->idsInRows(rows);
}

void DeliveriesView::showDetail()
{
    if (const Message *m = m_model->messageAt(m_table->currentIndex().row()))
        m_detail->showMessage(*m);
    else
        m_detail->clearMessage();
}

void DeliveriesView::resend(const QStringList &ids)
{
    if (ids.isEmpty()) {
        Q_EMIT statusMessage(tr("Nothing to resend."));
        return;
    }
    // A held delivery waits behind its endpoint's quarantine: ask which ones first (on the worker).
    m_session.worker().run<std::vector<Subscriber>>(
        [ids](ServiceWorker::Services &services) { return services.resend.quarantinedAmong(ids); }, this,
        [this, ids](const Result<std::vector<Subscriber>> &quarantined) {
            if (!quarantined)
                return void(QMessageBox::warning(this, tr("Resend"), quarantined.error()));
            if (quarantined.value().empty())
                return sendNow(ids);
            offerReactivation(ids, quarantined.value());
        });
}

void DeliveriesView::sendNow(const QStringList &ids)
{
    // Resending many rows writes many; the worker thread does it.
    m_session.worker().run<int>(
        [ids](ServiceWorker::Services &services) { return services.resend.resend(ids); }, this,
        [this, ids](const Result<int> &result) {
            if (!result)
                return void(QMessageBox::warning(this, tr("Resend"), result.error()));
            m_session.afterChange(result.value());
            m_model->noteChanged(ids);
            Q_EMIT statusMessage(tr("%n delivery(ies) queued for resend.", nullptr, result.value()));
        });
}

void DeliveriesView::offerReactivation(const QStringList &ids, const std::vector<Subscriber> &quarantined)
{
    QStringList endpoints;
    QStringList subscriberIds;
    for (const Subscriber &s : quarantined) {
        endpoints << endpointurl::redacted(s.endpoint);
        subscriberIds << s.id;
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Resend deliveries"),
                                quarantined.size() == 1
                                    ? tr("%1 is quarantined, so its deliveries are held. Reactivate it and "
                                         "resend?")
                                          .arg(endpoints.first())
                                    : tr("%n endpoint(s) are quarantined, so their deliveries are held. "
                                         "Reactivate them and resend?",
                                         nullptr, int(quarantined.size())),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("reactivateAndResend"));
    box->setDetailedText(endpoints.join(QLatin1Char('\n')));
    QPushButton *go = box->addButton(tr("Reactivate and resend"), QMessageBox::AcceptRole);
    go->setObjectName(QStringLiteral("reactivateAndResendButton"));
    box->setDefaultButton(go);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, go, ids, subscriberIds] {
        if (box->clickedButton() != go)
            return;
        // Reactivating releases the held ones back to the queue; the resend then marks them manual.
        m_session.worker().run<int>(
            [ids, subscriberIds](ServiceWorker::Services &services) -> Result<int> {
                if (auto r = services.subscribers.reactivateMany(subscriberIds); !r)
                    return Error{r.error()};
                return services.resend.resend(ids);
            },
            this,
            [this, ids, n = int(subscriberIds.size())](const Result<int> &result) {
                if (!result)
                    return void(QMessageBox::warning(this, tr("Resend"), result.error()));
                m_session.afterChange(result.value());
                m_model->noteChanged(ids);
                Q_EMIT statusMessage(tr("%1 endpoint(s) reactivated; %2 delivery(ies) queued for resend.")
                                         .arg(n)
                                         .arg(result.value()));
            });
    });
    box->open();
}

void DeliveriesView::confirmResend(const QString &question, const std::function<void()> &go)
{
    // Window-modal and asynchronous: live updates keep flowing while the operator reads the count.
    auto *box = new QMessageBox(QMessageBox::Question, tr("Resend deliveries"), question,
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("resendConfirm"));
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [box, go] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            go();
    });
    box->open();
}

void DeliveriesView::resendSelected()
{
    const QStringList ids = selectedIds();
    if (ids.size() <= 1)
        return resend(ids);
    QSet<QString> endpoints;
    for (const QString &id : ids) {
        if (const Message *m = m_model->messageAt(m_model->rowOf(id)))
            endpoints.insert(m->endpoint);
    }
    const QLocale locale;
    confirmResend(tr("Resend %1 selected deliveries to %2 endpoint(s)?")
                      .arg(locale.toString(ids.size()), locale.toString(endpoints.size())),
                  [this, ids] { resend(ids); });
}

void DeliveriesView::resendFailing()
{
    MessageFilter f = currentFilter();
    if (f.state && *f.state != DeliveryState::Failed && *f.state != DeliveryState::Retrying) {
        Q_EMIT statusMessage(tr("The current filter shows no failing deliveries (failed or retrying)."));
        return;
    }
    // The count is the database's (every failing delivery the filter matches), not the loaded rows'.
    m_session.worker().run<MatchCount>(
        [f](ServiceWorker::Services &services) -> Result<MatchCount> {
            try {
                return services.store.outbox.countFailingResendable(f);
            } catch (const StoreError &e) {
                return Error{e.message()};
            }
        },
        this,
        [this, f](const Result<MatchCount> &count) {
            if (!count)
                return void(QMessageBox::warning(this, tr("Resend"), count.error()));
            const MatchCount c = count.value();
            if (c.deliveries == 0)
                return void(
                    Q_EMIT statusMessage(tr("No failing delivery in the current filter can be resent.")));
            const QLocale locale;
            QString question = c.deliveries == 1
                                   ? tr("Resend 1 failing delivery to 1 endpoint?")
                                   : tr("Resend %1 failing deliveries to %2 endpoint(s)?")
                                         .arg(locale.toString(c.deliveries), locale.toString(c.endpoints));
            if (c.retrying > 0)
                question += QLatin1Char('\n') +
                            tr("%1 failed, %2 retrying: sent now; a retrying one keeps its schedule if it "
                               "fails again.")
                                .arg(locale.toString(c.deliveries - c.retrying), locale.toString(c.retrying));
            confirmResend(question, [this, f] {
                m_session.worker().run<int>(
                    [f](ServiceWorker::Services &services) {
                        return services.resend.resendFailingMatching(f);
                    },
                    this,
                    [this](const Result<int> &result) {
                        if (!result)
                            return void(QMessageBox::warning(this, tr("Resend"), result.error()));
                        m_session.afterChange(result.value());
                        m_model->reload();
                        Q_EMIT statusMessage(tr("%1 delivery(ies) queued for resend.")
                                                 .arg(QLocale().toString(result.value())));
                    });
            });
        });
}

void DeliveriesView::recoverDeliveries()
{
    QString subscriberId;
    if (const Message *m = m_model->messageAt(m_table->currentIndex().row()))
        subscriberId = m->subscriberId;
    auto *dialog = new RecoverDialog(m_session, subscriberId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RecoverDialog::recovered, this, [this](int moved) {
        m_session.afterChange(moved);
        m_model->reload();
        Q_EMIT statusMessage(tr("%1 delivery(ies) recovered.").arg(QLocale().toString(moved)));
    });
    dialog->open();
}

void DeliveriesView::copyAsCurl()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    try {
        const auto m = m_session.store().outbox.find(ids.first());
        if (!m)
            return;
        if (m->channel == Channel::Email) {
            Q_EMIT statusMessage(tr("That delivery is an email; there is no curl command for it."));
            return;
        }
        const auto attempts = m_session.liveStore().outbox.attempts(m->id);
        const QByteArray headers = attempts.empty() ? QByteArray() : attempts.back().requestHeaders;
        QApplication::clipboard()->setText(report::curlCommand(m->endpoint, headers, m->body));
        Q_EMIT statusMessage(tr("curl command copied."));
    } catch (const StoreError &e) {
        QMessageBox::warning(this, tr("Copy as curl"), e.message());
    }
}

void DeliveriesView::exportReport()
{
    ReportExporter::run(this, m_session.liveStore(), currentFilter());
}

} // namespace sd
