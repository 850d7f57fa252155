#include "ui/upstreamdialogs.h"

#include "app/upstream/pagereader.h"
#include "app/upstream/pollpolicy.h"
#include "app/upstream/upstreamhttp.h"
#include "models/deliverysettings.h"
#include "models/endpointurl.h"
#include "models/values.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace sd {

FollowPageDialog::FollowPageDialog(const DeliverySettings &settings, QWidget *parent)
    : QDialog(parent)
    , m_url(new QLineEdit(this))
    , m_name(new QLineEdit(this))
    , m_every(new QComboBox(this))
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_http(new upstream::UpstreamHttp(this))
{
    setWindowTitle(tr("Follow a status page"));
    m_http->setDeliverySettings(settings);
    m_url->setObjectName(QStringLiteral("followUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://www.githubstatus.com"));
    m_name->setPlaceholderText(tr("the page's own name"));
    for (const auto &[label, ms] :
         {std::pair{tr("every 30 s"), qint64(30'000)}, std::pair{tr("every minute"), qint64(60'000)},
          std::pair{tr("every 2 minutes"), qint64(120'000)},
          std::pair{tr("every 5 minutes"), qint64(300'000)},
          std::pair{tr("every 15 minutes"), qint64(900'000)}})
        m_every->addItem(label, ms);
    m_every->setCurrentIndex(1);
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("followMessage"));
    auto *form = new QFormLayout;
    form->addRow(tr("Page &address:"), m_url);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Read:"), m_every);
    auto *hint =
        new QLabel(tr("A public Statuspage page (its /api/v2/summary.json is read). Its changes are shown "
                      "in the Upstream tab and relayed to the subscribers you choose."),
                   this);
    hint->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &FollowPageDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(520, sizeHint().height());
}

FollowPageDialog::~FollowPageDialog() = default;

QString FollowPageDialog::url() const
{
    auto normal = upstream::normalizePageUrl(m_url->text());
    return normal ? normal.value() : m_url->text().trimmed();
}

QString FollowPageDialog::name() const
{
    return m_name->text().trimmed();
}

qint64 FollowPageDialog::intervalMs() const
{
    return m_every->currentData().toLongLong();
}

void FollowPageDialog::accept()
{
    if (m_checking)
        return;
    auto normal = upstream::normalizePageUrl(m_url->text());
    if (!normal) {
        m_message->setText(normal.error());
        m_url->setFocus();
        return;
    }
    if (m_checkedUrl == normal.value()) { // checked and failed: the operator follows it anyway
        QDialog::accept();
        return;
    }
    m_checking = true;
    m_message->setText(tr("Reading %1 …").arg(normal.value() + QStringLiteral("/api/v2/summary.json")));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    Upstream probe;
    probe.url = normal.value();
    upstream::readPage(*m_http, probe, [this, url = normal.value()](const upstream::PageRead &read) {
        m_checking = false;
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
        if (read.outcome == upstream::PageRead::Outcome::Fresh) {
            if (auto summary = upstream::parseSummary(read.body))
                m_pageName = summary->pageName;
            QDialog::accept();
            return;
        }
        m_checkedUrl = url;
        m_message->setText(
            tr("%1\nOK follows it anyway (it shows as stale until it answers).").arg(read.error));
    });
}

RelaySubscribersDialog::RelaySubscribersDialog(const Upstream &page,
                                               const std::vector<Subscriber> &subscribers,
                                               const QStringList &hearing, QWidget *parent)
    : QDialog(parent)
    , m_list(new QListWidget(this))
{
    setWindowTitle(tr("Relay %1").arg(page.name));
    auto *label =
        new QLabel(tr("Subscribers that receive %1's changes as webhooks (they keep receiving your own "
                      "page's):")
                       .arg(page.name.toHtmlEscaped()),
                   this);
    label->setWordWrap(true);
    m_list->setObjectName(QStringLiteral("relaySubscribers"));
    for (const Subscriber &s : subscribers) {
        if (s.state == SubscriberState::Unsubscribed)
            continue;
        auto *item = new QListWidgetItem(
            QStringLiteral("%1  (%2)%3")
                .arg(endpointurl::redacted(s.endpoint), s.email,
                     s.state == SubscriberState::Quarantined ? tr(" · quarantined") : QString()),
            m_list);
        item->setData(Qt::UserRole, s.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(hearing.contains(s.id) ? Qt::Checked : Qt::Unchecked);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(560, 420);
}

QStringList RelaySubscribersDialog::chosen() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->checkState() == Qt::Checked)
            out << m_list->item(i)->data(Qt::UserRole).toString();
    }
    return out;
}

LinkIncidentDialog::LinkIncidentDialog(const QString &upstreamName, const QString &upstreamIncident,
                                       const std::vector<Incident> &local, QWidget *parent)
    : QDialog(parent)
    , m_incidents(new QComboBox(this))
{
    setWindowTitle(tr("Link to a local incident"));
    auto *label = new QLabel(tr("Which of your incidents was caused by %1: %2?")
                                 .arg(upstreamName.toHtmlEscaped(), upstreamIncident.toHtmlEscaped()),
                             this);
    label->setWordWrap(true);
    m_incidents->setObjectName(QStringLiteral("linkIncident"));
    for (const Incident &i : local)
        m_incidents->addItem(QStringLiteral("%1 (%2)").arg(i.name, incidentStatusLabel(i.status)), i.id);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(!local.empty());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addWidget(m_incidents);
    if (local.empty())
        layout->addWidget(
            new QLabel(tr("There are no local incidents yet: open one in the Incidents tab first."), this));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString LinkIncidentDialog::incidentId() const
{
    return m_incidents->currentData().toString();
}

} // namespace sd
