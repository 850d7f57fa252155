#include "ui/noticesdialog.h"

#include "models/endpointurl.h"
#include "models/smtpsettings.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"
#include "ui/windowsize.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sd {
namespace {

QString emailColumn(Store &store, const Notice &n)
{
    static const QRegularExpression id(QStringLiteral("\\b(msg_[a-z0-9]{20})\\b"));
    const auto match = id.match(n.text);
    if (!match.hasMatch())
        return {};
    const auto m = store.outbox.find(match.captured(1));
    if (!m || m->channel != Channel::Email)
        return {};
    if (m->state == DeliveryState::Delivered)
        return NoticesDialog::tr("sent to %1 at %2").arg(m->recipient, timefmt::display(m->updatedAt));
    if (m->state == DeliveryState::Failed || m->state == DeliveryState::Cancelled)
        return NoticesDialog::tr("%1 to %2: %3").arg(toString(m->state), m->recipient, m->lastError);
    return m->attempts > 0 ? NoticesDialog::tr("queued for %1 (attempt %2 failed: %3)")
                                 .arg(m->recipient)
                                 .arg(m->attempts)
                                 .arg(m->lastErrorClass)
                           : NoticesDialog::tr("queued for %1").arg(m->recipient);
}

} // namespace

NoticesDialog::NoticesDialog(Store &store, QWidget *parent)
    : QDialog(parent)
    , m_table(new QTableWidget(this))
{
    setWindowTitle(tr("Notices"));
    resizeWithinScreen(this, {900, 420});
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("Time"), tr("Kind"), tr("Notice"), tr("Email")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(true);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    auto *layout = new QVBoxLayout(this);
    try {
        const auto notices = store.notices.recent(100);
        m_table->setRowCount(static_cast<int>(notices.size()));
        int row = 0;
        for (const Notice &n : notices) {
            auto *when = new QTableWidgetItem(timefmt::display(n.createdAt));
            when->setToolTip(timefmt::isoUtc(n.createdAt)); // the console's one format: ISO 8601 in tooltips
            m_table->setItem(row, 0, when);
            m_table->setItem(row, 1, new QTableWidgetItem(n.kind));
            m_table->setItem(row, 2, new QTableWidgetItem(endpointurl::redacted(n.text)));
            m_table->setItem(row, 3, new QTableWidgetItem(emailColumn(store, n)));
            ++row;
        }
        if (!SmtpSettings::load(store.settings).configured()) {
            auto *hint = new QLabel(tr("No SMTP server is set, so quarantined subscribers are not emailed: "
                                       "File → Page and email settings…"),
                                    this);
            hint->setObjectName(QStringLiteral("smtpHint"));
            hint->setWordWrap(true);
            layout->addWidget(hint);
        }
    } catch (const StoreError &e) {
        layout->addWidget(new QLabel(tr("Cannot read the notices: %1").arg(e.message()), this));
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
}

} // namespace sd
