#include "ui/incidentsview.h"

#include "app/readers/fanoutprogress.h"
#include "app/readers/tablereads.h"
#include "app/services/serviceworker.h"
#include "models/endpointurl.h"
#include "models/itemmodels/incidentsmodel.h"
#include "models/timeformat.h"
#include "models/upstreamrepository.h"
#include "models/values.h"
#include "ui/emptyhint.h"
#include "ui/incidentdialog.h"
#include "ui/postmortemdialog.h"
#include "ui/session.h"
#include "ui/statusbarwidgets.h"
#include "ui/templatepicker.h"
#include "ui/windowsize.h"

#include <QAction>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QKeySequence>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

namespace sd {

IncidentsView::IncidentsView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new IncidentsModel(this))
    , m_table(new QTableView(this))
    , m_history(new QTextBrowser(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
{
    setObjectName(QStringLiteral("incidentsView"));
    tablereads::incidents(session.store(), *m_model);
    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(tr("New incident…"), this, &IncidentsView::createIncident);
    auto *fromTemplate = bar->addAction(tr("New from template…"), this, &IncidentsView::createFromTemplate);
    fromTemplate->setObjectName(QStringLiteral("newFromTemplateAction"));
    fromTemplate->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    fromTemplate->setShortcutContext(Qt::WindowShortcut);
    bar->addAction(tr("Schedule maintenance…"), this, &IncidentsView::scheduleMaintenance);
    bar->addAction(tr("Post update…"), this, &IncidentsView::postUpdate);
    bar->addAction(tr("Resolve…"), this, &IncidentsView::resolveSelected);
    bar->addAction(tr("Postmortem…"), this, &IncidentsView::editPostmortem);
    bar->addSeparator();
    bar->addAction(tr("Preview webhook JSON"), this, &IncidentsView::previewSelected);

    m_table->setObjectName(QStringLiteral("incidentsTable"));
    m_table->setModel(m_model);
    new EmptyHint(m_table,
                  tr("No incidents. Edit → New incident… (Ctrl+I) opens one, or schedules maintenance."));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false); // one line per incident; a narrow column elides
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(IncidentsModel::NameColumn, 240);
    m_history->setObjectName(QStringLiteral("incidentHistory"));
    m_splitter->setObjectName(QStringLiteral("incidentsSplitter"));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_history);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(m_splitter, 1);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &IncidentsView::showHistory);
    connect(m_model, &QAbstractItemModel::modelReset, this, &IncidentsView::showHistory);
}

void IncidentsView::reload()
{
    const Incident *i = selected();
    const QString id = i ? i->id : QString();
    try {
        tablereads::incidents(m_session.store(), *m_model);
    } catch (const StoreError &e) {
        // The table keeps the rows it had (read before the model is reset).
        Q_EMIT statusMessage(tr("Incidents could not be reloaded: %1").arg(e.message()));
        return;
    }
    if (!id.isEmpty())
        selectIncident(id);
}

template<typename Read>
auto IncidentsView::readOrWarn(const QString &title, Read read) -> std::optional<decltype(read())>
{
    try {
        return read();
    } catch (const StoreError &e) {
        QMessageBox::warning(this, title, e.message());
        return std::nullopt;
    }
}

const Incident *IncidentsView::selected() const
{
    return m_model->incidentAt(m_table->currentIndex().row());
}

void IncidentsView::setFanoutProgress(FanoutProgressMonitor *monitor)
{
    m_fanout = monitor;
    if (monitor)
        connect(monitor, &FanoutProgressMonitor::updated, this, &IncidentsView::onFanoutUpdated);
    showHistory();
}

QString IncidentsView::fanoutLine(const QString &eventId) const
{
    const FanoutSnapshot *s = m_fanout ? m_fanout->watchedEvent(eventId) : nullptr;
    if (!s)
        return {};
    return tr("Webhooks: %1").arg(FanoutProgressLabel::progressText(*s));
}

void IncidentsView::onFanoutUpdated()
{
    const Incident *i = selected();
    if (!i)
        return;
    QStringList lines;
    for (const IncidentUpdate &u : i->updates)
        lines << fanoutLine(u.id);
    if (lines == m_fanoutShown)
        return;
    // Redrawn only when a figure moved, keeping the reader's scroll position.
    const int scroll = m_history->verticalScrollBar()->value();
    showHistory();
    m_history->verticalScrollBar()->setValue(scroll);
}

void IncidentsView::selectIncident(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row >= 0) {
        m_table->setCurrentIndex(m_model->index(row, 0));
        m_table->selectRow(row);
    }
    showHistory();
}

void IncidentsView::showHistory()
{
    const Incident *i = selected();
    m_fanoutShown.clear();
    if (!i) {
        if (m_fanout)
            m_fanout->setWatchedEvents({});
        m_history->clear();
        return;
    }
    if (m_fanout) {
        QStringList ids;
        for (const IncidentUpdate &u : i->updates)
            ids << u.id;
        m_fanout->setWatchedEvents(ids);
    }
    QString html =
        QStringLiteral("<h3>%1</h3><p>%2 · impact %3%4</p>")
            .arg(i->name.toHtmlEscaped(), incidentStatusLabel(i->status), impactLabel(i->impact).toLower(),
                 i->impactOverride ? tr(" (override)") : QString());
    if (i->scheduledFor.isValid())
        html += tr("<p>Window: %1 – %2</p>")
                    .arg(timefmt::display(i->scheduledFor), timefmt::display(i->scheduledUntil));
    try { // linked from the Upstream tab (issue 23)
        for (const UpstreamLink &l : UpstreamRepository(m_session.store().db()).links(i->id))
            html += tr("<p><b>Caused by %1: %2</b> <small>linked %3%4</small></p>")
                        .arg(l.upstreamName.toHtmlEscaped(), l.upstreamIncidentName.toHtmlEscaped(),
                             timefmt::display(l.linkedAt),
                             l.linkedBy.isEmpty() ? QString() : tr(" by %1").arg(l.linkedBy.toHtmlEscaped()));
        m_session.store().db().finishAll();
    } catch (const StoreError &) {
        // The timeline shows what it has.
    }
    for (const IncidentUpdate &u : i->updates) { // newest first, as stored
        html += QStringLiteral("<hr><p><b>%1</b> <small>%2%3%4</small><br>%5</p>")
                    .arg(incidentStatusLabel(u.status), timefmt::display(u.createdAt),
                         u.actor.isEmpty() ? QString() : tr(" · by %1").arg(u.actor.toHtmlEscaped()),
                         u.deliverNotifications ? QString() : tr(" · not notified"),
                         u.body.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
        const QString progress = fanoutLine(u.id);
        m_fanoutShown << progress;
        if (!progress.isEmpty())
            html += QStringLiteral("<small class=\"fanout\">%1</small><br>").arg(progress.toHtmlEscaped());
        for (const AffectedComponent &a : u.affectedComponents) {
            if (a.oldStatus == a.newStatus)
                continue; // named in the update but not changed: no "Degraded → Degraded" row
            html += QStringLiteral("<small>%1: %2 → %3</small><br>")
                        .arg(a.name.toHtmlEscaped(), componentStatusLabel(a.oldStatus),
                             componentStatusLabel(a.newStatus));
        }
    }
    html += incidentSubscribersHtml(i->id);
    if (!i->postmortemBody.isEmpty())
        html +=
            QStringLiteral("<hr><h4>%1%2</h4><p>%3</p>")
                .arg(tr("Postmortem"),
                     i->postmortemPublishedAt.isValid() ? tr(" (published)") : tr(" (draft)"),
                     i->postmortemBody.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    m_history->setHtml(html);
}

QString IncidentsView::incidentSubscribersHtml(const QString &incidentId)
{
    // The subscribers of this one incident (issue 22) and how each of their deliveries went. A few rows:
    // read here, as the rest of the timeline is.
    std::vector<Subscriber> subs;
    try {
        subs = m_session.store().subscribers.forIncident(incidentId);
    } catch (const StoreError &) {
        return {};
    }
    if (subs.empty())
        return {};
    QString html = QStringLiteral("<hr><h4>%1</h4>").arg(tr("Subscribers of this incident"));
    for (const Subscriber &s : subs) {
        MessageFilter f;
        f.subscriberId = s.id;
        f.ascending = true;
        QStringList results;
        for (const Message &m : m_session.store().outbox.list(f)) {
            const QString result = m.state == DeliveryState::Delivered ? tr("HTTP %1").arg(m.lastHttpStatus)
                                   : m.lastErrorClass.isEmpty()        ? QString()
                                                                       : m.lastErrorClass;
            results << (result.isEmpty()
                            ? toString(m.state)
                            : toString(m.state) + QStringLiteral(" (") + result + QLatin1Char(')'));
        }
        html +=
            QStringLiteral(
                "<p class=\"incidentSubscriber\"><b>%1</b> <small>%2 · %3</small><br><small>%4</small></p>")
                .arg(endpointurl::redacted(s.endpoint).toHtmlEscaped(), toString(s.state),
                     s.email.toHtmlEscaped(),
                     results.isEmpty()
                         ? tr("nothing sent yet")
                         : tr("deliveries: %1").arg(results.join(QStringLiteral(", ")).toHtmlEscaped()));
    }
    return html;
}

void IncidentsView::createIncident()
{
    createThroughDialog(false, nullptr);
}

void IncidentsView::createFromTemplate()
{
    TemplatePicker picker(m_session, this);
    if (picker.exec() != QDialog::Accepted)
        return;
    if (const auto chosen = picker.chosen())
        createThroughDialog(false, &*chosen);
}

void IncidentsView::scheduleMaintenance()
{
    createThroughDialog(true, nullptr);
}

void IncidentsView::createThroughDialog(bool maintenance, const IncidentTemplate *fromTemplate)
{
    const QString title = maintenance ? tr("Schedule maintenance") : tr("New incident");
    const auto components = readOrWarn(title, [this] { return m_session.store().components.all(); });
    if (!components)
        return;
    IncidentDialog dialog(maintenance ? IncidentDialog::Mode::Maintenance : IncidentDialog::Mode::Create,
                          *components, nullptr, this);
    if (maintenance) {
        if (const auto page = m_session.pages().get())
            dialog.setTimeZone(page->timeZone); // the window is entered in the page's time zone
    }
    dialog.setPreviewSource(IncidentDialog::previewThrough(m_session.worker(), {}));
    if (fromTemplate)
        dialog.applyTemplate(*fromTemplate);
    if (dialog.exec() != QDialog::Accepted)
        return;
    createOnWorker(dialog.newIncident(), title);
}

void IncidentsView::createOnWorker(const NewIncident &input, const QString &title)
{
    // Creating notifies every subscriber: the write and its fan-out run on the session's worker thread.
    Q_EMIT statusMessage(tr("Saving…"));
    m_session.worker().run<IncidentChange>(
        [input](ServiceWorker::Services &services) { return services.incidents.create(input); }, this,
        [this, title](const Result<IncidentChange> &result) {
            if (!result)
                return void(QMessageBox::warning(this, title, result.error()));
            const int queued = result.value().incidentMessages + result.value().componentMessages;
            m_session.afterChange(queued);
            reload();
            selectIncident(result.value().incident.id);
            Q_EMIT statusMessage(tr("Incident saved; %n webhook(s) queued.", nullptr, queued));
        });
}

void IncidentsView::postUpdateWith(bool resolve)
{
    const Incident *i = selected();
    if (!i)
        return;
    const Incident current = *i;
    const auto components =
        readOrWarn(tr("Post update"), [this] { return m_session.store().components.all(); });
    if (!components)
        return;
    IncidentDialog dialog(IncidentDialog::Mode::Update, *components, &current, this);
    if (resolve)
        dialog.presetResolve();
    dialog.setPreviewSource(IncidentDialog::previewThrough(m_session.worker(), current.id));
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString id = current.id;
    const IncidentUpdateInput input = dialog.updateInput();
    Q_EMIT statusMessage(tr("Posting update…"));
    m_session.worker().run<IncidentChange>(
        [id, input](ServiceWorker::Services &services) { return services.incidents.update(id, input); }, this,
        [this, id](const Result<IncidentChange> &result) {
            if (!result)
                return void(QMessageBox::warning(this, tr("Post update"), result.error()));
            const int queued = result.value().incidentMessages + result.value().componentMessages;
            m_session.afterChange(queued);
            reload();
            selectIncident(id);
            Q_EMIT statusMessage(tr("Update posted; %n webhook(s) queued.", nullptr, queued));
        });
}

void IncidentsView::postUpdate()
{
    postUpdateWith(false);
}

void IncidentsView::resolveSelected()
{
    postUpdateWith(true);
}

void IncidentsView::editPostmortem()
{
    const Incident *i = selected();
    if (!i)
        return;
    const QString id = i->id;
    PostmortemDialog dialog(i->name, i->postmortemBody, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    PostmortemInput input;
    input.body = dialog.body();
    input.publish = dialog.publish();
    auto result = m_session.incidents().setPostmortem(id, input);
    if (!result)
        return void(QMessageBox::warning(this, tr("Postmortem"), result.error()));
    if (dialog.notifySubscribers()) {
        // The webhooks fan out: written on the worker, as every change that notifies.
        m_session.worker().run<IncidentChange>(
            [id](ServiceWorker::Services &services) {
                return services.incidents.publishPostmortem(id, true);
            },
            this,
            [this](const Result<IncidentChange> &r) {
                if (!r)
                    return void(QMessageBox::warning(this, tr("Postmortem"), r.error()));
                m_session.afterChange(r->incidentMessages);
                reload();
                Q_EMIT statusMessage(
                    tr("Postmortem published; %n webhook(s) queued.", nullptr, r->incidentMessages));
            });
        return;
    }
    m_session.afterChange();
    reload();
}

QString IncidentsView::previewText()
{
    const Incident *i = selected();
    if (!i)
        return {};
    std::vector<Subscriber> subscribers;
    try {
        subscribers = m_session.store().subscribers.active();
    } catch (const StoreError &e) {
        return e.message();
    }
    const QString subscriberId = subscribers.empty() ? QString() : subscribers.front().id;
    auto result = m_session.incidents().preview(i->id, subscriberId);
    return result ? QString::fromUtf8(result.value()) : result.error();
}

void IncidentsView::previewSelected()
{
    const Incident *i = selected();
    if (!i)
        return;
    const auto active = readOrWarn(tr("Preview"), [this] { return m_session.store().subscribers.active(); });
    if (!active)
        return;
    const std::vector<Subscriber> &subscribers = *active;
    QString subscriberId;
    if (subscribers.size() > 1) {
        QStringList endpoints;
        for (const Subscriber &s : subscribers)
            endpoints << endpointurl::redacted(s.endpoint);
        bool ok = false;
        const QString chosen =
            QInputDialog::getItem(this, tr("Preview"), tr("As received by:"), endpoints, 0, false, &ok);
        if (!ok)
            return;
        subscriberId = subscribers[static_cast<size_t>(endpoints.indexOf(chosen))].id;
    } else if (!subscribers.empty()) {
        subscriberId = subscribers.front().id;
    }
    auto result = m_session.incidents().preview(i->id, subscriberId);
    if (!result)
        return void(QMessageBox::warning(this, tr("Preview"), result.error()));
    const QByteArray exact = result.value();

    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("previewDialog"));
    dialog.setWindowTitle(tr("Webhook body for %1").arg(i->name));
    auto *text = new QPlainTextEdit(&dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *pretty = new QCheckBox(tr("Indent (the wire bytes are compact)"), &dialog);
    auto show = [text, exact](bool indent) {
        text->setPlainText(
            indent ? QString::fromUtf8(QJsonDocument::fromJson(exact).toJson(QJsonDocument::Indented))
                   : QString::fromUtf8(exact));
    };
    connect(pretty, &QCheckBox::toggled, &dialog, show);
    pretty->setChecked(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(text);
    layout->addWidget(pretty);
    layout->addWidget(buttons);
    resizeWithinScreen(&dialog, {720, 640});
    dialog.exec();
}

} // namespace sd
