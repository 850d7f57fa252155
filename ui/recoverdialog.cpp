#include "recoverdialog.h"

#include "endpointurl.h"
#include "serviceworker.h"
#include "session.h"
#include "store.h"
#include "values.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

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
    try {
        for (const Subscriber &s : session.liveStore().subscribers.list(SubscriberState::Active))
            m_endpoint->addItem(endpointurl::redacted(s.endpoint), s.id);
    } catch (const StoreError &e) {
        m_count->setText(e.message());
    }
    m_endpoint->setCurrentIndex(std::max(0, m_endpoint->findData(subscriberId)));
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
    recount();
}

void RecoverDialog::recount()
{
    m_known = -1;
    m_recover->setEnabled(false);
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
