#include "ui/recoverdialog.h"

#include "app/services/serviceworker.h"
#include "models/endpointurl.h"
#include "models/store.h"
#include "models/values.h"
#include "ui/session.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <utility>
#include <vector>

namespace sd {

RecoverDialog::RecoverDialog(Session &session, const QString &subscriberId, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_endpoint(new QComboBox(this))
    , m_since(new QDateTimeEdit(this))
    , m_count(new QLabel(this))
{
    setObjectName(QStringLiteral("recoverDialog"));
    setWindowTitle(tr("Recover deliveries"));
    m_endpoint->setObjectName(QStringLiteral("recoverEndpoint"));
    m_since->setObjectName(QStringLiteral("recoverSince"));
    m_count->setObjectName(QStringLiteral("recoverCount"));
    m_since->setCalendarPopup(true);
    m_since->setTimeSpec(Qt::LocalTime);
    m_since->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
    m_since->setDateTime(QDateTime::currentDateTime().addDays(-1));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_recover = buttons->addButton(tr("Recover…"), QDialogButtonBox::AcceptRole);
    m_recover->setObjectName(QStringLiteral("recoverButton"));
    m_recover->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &RecoverDialog::confirm);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout(this);
    form->addRow(new QLabel(tr("Send an endpoint's held and failed webhooks again, with the same webhook-id. "
                               "Quarantined endpoints are reactivated from the Subscribers tab instead."),
                            this));
    form->addRow(tr("&Endpoint:"), m_endpoint);
    form->addRow(tr("Created &since:"), m_since);
    form->addRow(m_count);
    form->addRow(buttons);

    connect(m_endpoint, &QComboBox::currentIndexChanged, this, &RecoverDialog::recount);
    connect(m_since, &QDateTimeEdit::dateTimeChanged, this, &RecoverDialog::recount);
    loadEndpoints(subscriberId);
}

void RecoverDialog::loadEndpoints(const QString &subscriberId)
{
    // The active subscribers are read on the worker thread (there may be 100,000); the dialog shows
    // "Loading…" until they are in, then counts for the chosen one.
    m_count->setText(tr("Loading endpoints…"));
    using Choices = std::vector<std::pair<QString, QString>>; // redacted endpoint, subscriber id
    m_session.worker().run<Choices>(
        [](ServiceWorker::Services &services) -> Result<Choices> {
            try {
                Choices out;
                for (const Subscriber &s : services.store.subscribers.list(SubscriberState::Active))
                    out.emplace_back(endpointurl::redacted(s.endpoint), s.id);
                return out;
            } catch (const StoreError &e) {
                return Error{e.message()};
            }
        },
        this,
        [this, subscriberId](const Result<Choices> &choices) {
            if (!choices)
                return m_count->setText(choices.error());
            {
                const QSignalBlocker quiet(m_endpoint); // one count, for the preselected endpoint
                for (const auto &[endpoint, id] : choices.value())
                    m_endpoint->addItem(endpoint, id);
                m_endpoint->setCurrentIndex(std::max(0, m_endpoint->findData(subscriberId)));
            }
            m_loaded = true;
            recount();
        });
}

void RecoverDialog::recount()
{
    m_known = -1;
    m_recover->setEnabled(false);
    if (!m_loaded)
        return; // the endpoints are still being read; they count when they arrive
    const QString id = m_endpoint->currentData().toString();
    if (id.isEmpty()) {
        m_count->setText(tr("No active endpoint."));
        return;
    }
    m_count->setText(tr("Counting…"));
    const QDateTime since = m_since->dateTime().toUTC();
    const int asked = ++m_asked;
    m_session.worker().run<int>(
        [id, since](ServiceWorker::Services &services) -> Result<int> {
            try {
                return services.store.outbox.countRecoverable(id, since);
            } catch (const StoreError &e) {
                return Error{e.message()};
            }
        },
        this,
        [this, asked](const Result<int> &n) {
            if (asked != m_asked)
                return; // an older choice's answer
            if (!n)
                return m_count->setText(n.error());
            m_known = n.value();
            m_count->setText(
                m_known == 1
                    ? tr("1 held or failed delivery to recover.")
                    : tr("%1 held or failed deliveries to recover.").arg(QLocale().toString(m_known)));
            m_recover->setEnabled(m_known > 0);
        });
}

void RecoverDialog::confirm()
{
    if (m_known <= 0)
        return;
    const QString id = m_endpoint->currentData().toString();
    const QDateTime since = m_since->dateTime().toUTC();
    auto *box =
        new QMessageBox(QMessageBox::Question, tr("Recover deliveries"),
                        tr("Recover %1 held or failed deliveries to %2 created since %3?")
                            .arg(QLocale().toString(m_known), m_endpoint->currentText(), m_since->text()),
                        QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("recoverConfirm"));
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, id, since] {
        if (box->clickedButton() != box->button(QMessageBox::Yes))
            return;
        m_recover->setEnabled(false);
        m_session.worker().run<int>(
            [id, since](ServiceWorker::Services &services) { return services.resend.recover(id, since); },
            this,
            [this](const Result<int> &moved) {
                if (!moved) {
                    m_count->setText(moved.error());
                    return;
                }
                Q_EMIT recovered(moved.value());
                accept();
            });
    });
    box->open();
}

} // namespace sd
