#include "ui/importdialog.h"

#include "app/services/serviceworker.h"
#include "app/upstream/statuspageclient.h"
#include "app/upstream/statuspageimport.h"
#include "app/upstream/upstreamhttp.h"
#include "models/deliverysettings.h"
#include "ui/session.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sd {
namespace {

QString countsLine(const QString &what, const upstream::ImportCounts &c)
{
    return QObject::tr("%1: %2 created, %3 updated, %4 unchanged, %5 skipped")
        .arg(what)
        .arg(c.created)
        .arg(c.updated)
        .arg(c.unchanged)
        .arg(c.skipped);
}

QString reportText(const upstream::ImportReport &r)
{
    QStringList lines{r.pageChanged ? QObject::tr("Page settings: taken from Statuspage")
                                    : QObject::tr("Page settings: unchanged"),
                      countsLine(QObject::tr("Component groups"), r.groups),
                      countsLine(QObject::tr("Components"), r.components),
                      countsLine(QObject::tr("Incidents"), r.incidents),
                      countsLine(QObject::tr("Webhook subscribers"), r.subscribers)};
    for (const QString &c : r.conflicts)
        lines << QObject::tr("Conflict (kept as it is here): %1").arg(c);
    for (const QString &n : r.notes)
        lines << QObject::tr("Note: %1").arg(n);
    lines << (r.changed()
                  ? QObject::tr("Imported; nobody was notified.")
                  : QObject::tr("Nothing changed: this desk already holds the page as Statuspage has it."));
    if (!r.conflicts.isEmpty())
        lines << QObject::tr("Tick \"Replace\" and import again to take Statuspage's side of the conflicts.");
    return lines.join(QLatin1Char('\n'));
}

} // namespace

ImportDialog::ImportDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_page(new QLineEdit(this))
    , m_key(new QLineEdit(this))
    , m_api(new QLineEdit(QString::fromLatin1(upstream::StatuspageClient::kDefaultApiUrl), this))
    , m_replace(new QCheckBox(tr("&Replace what differs here with Statuspage's"), this))
    , m_report(new QPlainTextEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Close, this))
    , m_http(new upstream::UpstreamHttp(this))
{
    setWindowTitle(tr("Import from Statuspage"));
    m_page->setObjectName(QStringLiteral("importPage"));
    m_key->setObjectName(QStringLiteral("importKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("used for this import only; never stored"));
    m_api->setObjectName(QStringLiteral("importApi"));
    m_report->setObjectName(QStringLiteral("importReport"));
    m_report->setReadOnly(true);
    m_report->setPlaceholderText(
        tr("Page settings, component groups, components, incidents with their updates and "
           "webhook subscribers are read through Statuspage's management API and written "
           "here without notifying anyone. Importing again changes only what changed."));
    auto *form = new QFormLayout;
    form->addRow(tr("&Page id:"), m_page);
    form->addRow(tr("API &key:"), m_key);
    form->addRow(tr("API &address:"), m_api);
    form->addRow(QString(), m_replace);
    auto *import = m_buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    import->setObjectName(QStringLiteral("importButton"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_report, 1);
    layout->addWidget(m_buttons);
    connect(import, &QPushButton::clicked, this, &ImportDialog::start);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(640, 420);
}

ImportDialog::~ImportDialog() = default;

void ImportDialog::setBusy(bool busy)
{
    for (QWidget *w : {static_cast<QWidget *>(m_page), static_cast<QWidget *>(m_key),
                       static_cast<QWidget *>(m_api), static_cast<QWidget *>(m_replace)})
        w->setEnabled(!busy);
    for (QAbstractButton *b : m_buttons->buttons()) {
        if (m_buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(!busy);
    }
}

void ImportDialog::start()
{
    const QString page = m_page->text().trimmed();
    const QString key = m_key->text().trimmed();
    if (page.isEmpty() || key.isEmpty()) {
        m_report->setPlainText(tr("Give the page id and its API key (Statuspage: your avatar → API info)."));
        return;
    }
    setBusy(true);
    m_report->setPlainText(tr("Reading %1 from %2 …").arg(page, m_api->text().trimmed()));
    try {
        m_http->setDeliverySettings(DeliverySettings::load(m_session.store().settings));
    } catch (const StoreError &) {
        // The default (private targets allowed) stands; the poller and the engine say the same.
    }
    m_http->setTimeoutMs(60'000);
    m_client = std::make_unique<upstream::StatuspageClient>(*m_http, m_api->text().trimmed(), page, key);
    connect(m_client.get(), &upstream::StatuspageClient::progress, this,
            [this](const QString &list, int items) {
                m_report->setPlainText(tr("Read %1 %2 …").arg(items).arg(list));
            });
    const bool replace = m_replace->isChecked();
    const QString actor = m_session.operatorName();
    m_client->fetch([this, replace, actor](const Result<upstream::StatuspageExport> &fetched) {
        m_key->clear(); // the key lives no longer than the import
        if (!fetched) {
            setBusy(false);
            m_report->setPlainText(fetched.error());
            Q_EMIT importFinished(false);
            return;
        }
        m_report->setPlainText(tr("Writing …"));
        const upstream::StatuspageExport source = fetched.value();
        m_session.worker().run<upstream::ImportReport>(
            [source, replace, actor](ServiceWorker::Services &s) {
                ServiceContext ctx{s.store};
                ctx.actor = actor;
                return upstream::StatuspageImporter(ctx, replace).apply(source);
            },
            this,
            [this](const Result<upstream::ImportReport> &r) {
                setBusy(false);
                m_report->setPlainText(r ? reportText(r.value()) : r.error());
                if (r && r->changed())
                    m_session.afterChange();
                Q_EMIT importFinished(r && r->changed());
            });
    });
}

} // namespace sd
