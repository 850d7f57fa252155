#include "ui/subscriberdialog.h"

#include "models/endpointurl.h"
#include "models/ids.h"
#include "models/validation.h"
#include "ui/discardquestion.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QUrl>

namespace sd {
namespace {

QLabel *errorLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setStyleSheet(QStringLiteral("color:#c62828"));
    label->setWordWrap(true);
    label->setMinimumWidth(220);
    return label;
}

QWidget *withError(QWidget *field, QLabel *error, QWidget *parent)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field, 1);
    layout->addWidget(error);
    return row;
}

QStringList checkedIds(const QListWidget *list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->checkState() == Qt::Checked)
            out << list->item(i)->data(Qt::UserRole).toString();
    }
    return out;
}

} // namespace

SubscriberDialog::SubscriberDialog(const std::vector<Component> &components,
                                   const std::optional<Subscriber> &existing, QWidget *parent)
    : QDialog(parent)
    , m_endpoint(new QLineEdit(this))
    , m_endpointError(errorLabel(this, QStringLiteral("endpointError")))
    , m_email(new QLineEdit(this))
    , m_emailError(errorLabel(this, QStringLiteral("emailError")))
    , m_secret(new QLineEdit(this))
    , m_secretError(errorLabel(this, QStringLiteral("secretError")))
    , m_components(new QListWidget(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("subscriberDialog"));
    setWindowTitle(existing ? tr("Edit subscriber") : tr("Add subscriber"));
    m_endpoint->setObjectName(QStringLiteral("endpointEdit"));
    m_endpoint->setPlaceholderText(QStringLiteral("https://example.com/statuspage-webhook"));
    m_email->setObjectName(QStringLiteral("emailEdit"));
    m_email->setPlaceholderText(tr("ops@example.com (failure notices go here)"));
    m_secret->setObjectName(QStringLiteral("secretEdit"));
    m_secret->setPlaceholderText(tr("empty: deliveries are not signed"));

    auto *generate = new QPushButton(tr("Generate"), this);
    auto *copy = new QPushButton(tr("Copy"), this);
    connect(generate, &QPushButton::clicked, this, [this] { m_secret->setText(ids::newSigningSecret()); });
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_secret->text()); });
    auto *secretRow = new QWidget(this);
    auto *secretLayout = new QHBoxLayout(secretRow);
    secretLayout->setContentsMargins(0, 0, 0, 0);
    secretLayout->addWidget(m_secret, 1);
    secretLayout->addWidget(generate);
    secretLayout->addWidget(copy);

    for (const Component &c : components) {
        auto *item = new QListWidgetItem(c.name, m_components);
        item->setData(Qt::UserRole, c.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(existing && existing->componentIds.contains(c.id) ? Qt::Checked : Qt::Unchecked);
    }
    m_components->setMaximumHeight(140);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Endpoint:"), withError(m_endpoint, m_endpointError, this));
    form->addRow(tr("Email:"), withError(m_email, m_emailError, this));
    form->addRow(tr("Signing secret:"), withError(secretRow, m_secretError, this));
    form->addRow(tr("Components:"), m_components);
    form->addRow(QString(), new QLabel(tr("None ticked: the subscriber hears about every component."), this));
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    if (existing) {
        // The password is never shown: the field holds the redacted URL and endpoint() puts the stored
        // credentials back unless the operator typed new ones.
        m_storedEndpoint = existing->endpoint;
        m_endpoint->setText(endpointurl::redacted(existing->endpoint));
        if (endpointurl::hasCredentials(existing->endpoint))
            m_endpoint->setToolTip(
                tr("The stored password is shown as ***; leave it to keep it, or type a new one."));
        m_email->setText(existing->email);
        m_secret->setText(existing->secret);
    }
    m_initialComponents = componentIds();
    connect(m_endpoint, &QLineEdit::textChanged, this, &SubscriberDialog::validate);
    connect(m_email, &QLineEdit::textChanged, this, &SubscriberDialog::validate);
    connect(m_secret, &QLineEdit::textChanged, this, &SubscriberDialog::validate);
    validate();
    // Focus order follows the form; the endpoint is what the operator fills first.
    const QList<QWidget *> order{m_endpoint, m_email, m_secret, generate, copy, m_components, m_buttons};
    for (int i = 1; i < order.size(); ++i)
        setTabOrder(order[i - 1], order[i]);
    m_endpoint->setFocus();
    resize(720, sizeHint().height());
}

void SubscriberDialog::validate()
{
    // An untouched empty field is not yet an error; the Save button says it is not ready.
    const auto check = [](QLineEdit *edit, QLabel *label, const QString &error) {
        label->setText(edit->text().isEmpty() && !edit->isModified() ? QString() : error);
        return error.isEmpty();
    };
    bool ok = check(m_endpoint, m_endpointError, validation::checkEndpoint(m_endpoint->text()));
    // Allowed, but said: Basic credentials in an http:// URL cross the network readable by anyone between.
    const QUrl typed(m_endpoint->text().trimmed());
    if (ok && typed.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0 &&
        !typed.userInfo().isEmpty())
        m_endpointError->setText(tr("Warning: the user name and password in an http:// URL are sent in "
                                    "cleartext with every webhook; use https:// if the receiver has it."));
    ok = check(m_email, m_emailError, validation::checkEmail(m_email->text())) && ok;
    const QString secretError = validation::checkSigningSecret(m_secret->text());
    m_secretError->setText(secretError);
    ok = secretError.isEmpty() && ok;
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(ok);
}

bool SubscriberDialog::isDirty() const
{
    return m_endpoint->isModified() || m_email->isModified() || m_secret->isModified() ||
           componentIds() != m_initialComponents || upstreamIds() != m_initialUpstreams;
}

void SubscriberDialog::reject()
{
    if (isDirty() && !confirmDiscard(this, tr("Discard what you typed?")))
        return;
    QDialog::reject();
}

bool SubscriberDialog::canSave() const
{
    return m_buttons->button(QDialogButtonBox::Save)->isEnabled();
}

void SubscriberDialog::showEndpointError(const QString &text)
{
    m_endpointError->setText(text);
}

QString SubscriberDialog::endpoint() const
{
    return endpointurl::withStoredCredentials(m_endpoint->text().trimmed(), m_storedEndpoint);
}

QString SubscriberDialog::email() const
{
    return m_email->text().trimmed();
}

QString SubscriberDialog::secret() const
{
    return m_secret->text().trimmed();
}

QStringList SubscriberDialog::componentIds() const
{
    return checkedIds(m_components);
}

void SubscriberDialog::setFollowedPages(const std::vector<Upstream> &pages, const QStringList &hearing)
{
    if (pages.empty() || m_upstreams)
        return;
    m_upstreams = new QListWidget(this);
    m_upstreams->setObjectName(QStringLiteral("followedPages"));
    for (const Upstream &u : pages) {
        auto *item = new QListWidgetItem(u.name, m_upstreams);
        item->setData(Qt::UserRole, u.id);
        item->setToolTip(u.url);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(hearing.contains(u.id) ? Qt::Checked : Qt::Unchecked);
    }
    m_upstreams->setMaximumHeight(100);
    auto *form = qobject_cast<QFormLayout *>(layout());
    const int before = form->rowCount() - 1; // above the buttons
    form->insertRow(before, tr("Followed pages:"), m_upstreams);
    form->insertRow(
        before + 1, QString(),
        new QLabel(tr("Ticked: their changes are relayed to it too, besides your own page's."), this));
    setTabOrder(m_components, m_upstreams);
    setTabOrder(m_upstreams, m_buttons);
    m_initialUpstreams = upstreamIds();
}

QStringList SubscriberDialog::upstreamIds() const
{
    return m_upstreams ? checkedIds(m_upstreams) : QStringList();
}

} // namespace sd
