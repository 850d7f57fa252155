#include "ui/noticesdock.h"

#include "models/endpointurl.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "ui/elidedlabel.h"

#include <QHBoxLayout>
#include <QHash>
#include <QListWidget>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

namespace sd {
namespace {
constexpr int kShown = 50;

QString kindLabel(const QString &kind)
{
    if (kind == QLatin1String("quarantined"))
        return NoticesDock::tr("Quarantined");
    if (kind == QLatin1String("reactivated"))
        return NoticesDock::tr("Reactivated");
    if (kind == QLatin1String("purged"))
        return NoticesDock::tr("Purged");
    return kind;
}

// The first sentence: the line stays one line, the rest is one hover or one click away.
QString firstSentence(const QString &text)
{
    const qsizetype end = text.indexOf(QLatin1String(". "));
    return end < 0 ? text : text.left(end + 1);
}
} // namespace

NoticesDock::NoticesDock(QWidget *parent)
    : QDockWidget(tr("Notices"), parent)
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("noticesDock"));
    m_list->setObjectName(QStringLiteral("noticesList"));
    m_list->setWordWrap(false);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // one line each, elided
    m_list->setUniformItemSizes(false);
    m_list->setAlternatingRowColors(true);
    auto *details = new QPushButton(tr("Details and emails…"), this);
    connect(details, &QPushButton::clicked, this, &NoticesDock::detailsRequested);
    connect(m_list, &QListWidget::itemActivated, this, &NoticesDock::detailsRequested);
    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_list);
    layout->addWidget(details);
    setWidget(body);
}

void NoticesDock::setStore(Store *store)
{
    m_store = store;
    reload();
}

void NoticesDock::reload()
{
    if (!m_store) {
        m_list->clear();
        return;
    }
    std::vector<Notice> notices;
    QHash<QString, QString> stillQuarantined; // subscriber id -> its endpoint, redacted
    try {
        notices = m_store->notices.recent(kShown);
        QSet<QString> asked;
        for (const Notice &n : notices) {
            if (n.kind != QLatin1String("quarantined") || n.subscriberId.isEmpty() ||
                asked.contains(n.subscriberId))
                continue;
            asked.insert(n.subscriberId);
            const auto s = m_store->subscribers.find(n.subscriberId);
            if (s && s->state == SubscriberState::Quarantined)
                stillQuarantined.insert(s->id, endpointurl::redacted(s->endpoint));
        }
    } catch (const StoreError &e) {
        m_list->insertItem(0, tr("Notices could not be read: %1").arg(e.message()));
        return;
    }
    m_list->clear();
    QSet<QString> shownQuarantine; // one row per quarantined endpoint, the newest notice
    int shown = 0;
    for (const Notice &n : notices) {
        const bool quarantine = n.kind == QLatin1String("quarantined");
        // Resolved: the endpoint was reactivated, removed or purged since. The dialog keeps the history.
        if (quarantine &&
            (!stillQuarantined.contains(n.subscriberId) || shownQuarantine.contains(n.subscriberId)))
            continue;
        const QString text = endpointurl::redacted(n.text);
        // What and who first: in a narrow panel the time (the end) is what gets cut.
        const QString line = QStringLiteral("%1 · %2 · %3")
                                 .arg(kindLabel(n.kind), firstSentence(text), timefmt::display(n.createdAt));
        ++shown;
        if (quarantine) {
            shownQuarantine.insert(n.subscriberId);
            // The endpoint, which a responder knows, rather than the subscriber's id the text starts with.
            addQuarantineRow(n, tr("Quarantined: %1").arg(stillQuarantined.value(n.subscriberId)));
            continue;
        }
        auto *item = new QListWidgetItem(line, m_list);
        item->setToolTip(timefmt::isoUtc(n.createdAt) + QLatin1Char('\n') + text);
        item->setData(Qt::UserRole, n.id);
    }
    if (shown == 0)
        m_list->addItem(tr("Nothing needs you."));
    setWindowTitle(shown == 0 ? tr("Notices") : tr("Notices (%1)").arg(shown));
}

void NoticesDock::addQuarantineRow(const Notice &n, const QString &line)
{
    auto *item = new QListWidgetItem(m_list);
    item->setData(Qt::UserRole, n.id);
    item->setToolTip(timefmt::isoUtc(n.createdAt) + QLatin1Char('\n') + endpointurl::redacted(n.text));
    auto *row = new QWidget(m_list);
    row->setObjectName(QStringLiteral("quarantineNotice"));
    // The line above its buttons: beside them, in the panel's width at 1024 px, it read "Quaran…".
    auto *layout = new QVBoxLayout(row);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    auto *label = new ElidedLabel(row); // a QLabel would widen the list past the dock
    label->setText(line);
    label->setElideMode(Qt::ElideMiddle); // the URL's end tells endpoints on one host apart
    label->setDetail(item->toolTip());
    label->setMinimumWidth(24);
    auto *reactivate = new QPushButton(tr("Reactivate"), row);
    reactivate->setObjectName(QStringLiteral("noticeReactivate"));
    auto *open = new QPushButton(tr("Open endpoint"), row);
    open->setObjectName(QStringLiteral("noticeOpenEndpoint"));
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(reactivate);
    buttons->addWidget(open);
    layout->addWidget(label);
    layout->addLayout(buttons);
    const QString id = n.subscriberId;
    connect(reactivate, &QPushButton::clicked, this, [this, id] { Q_EMIT reactivateRequested(id); });
    connect(open, &QPushButton::clicked, this, [this, id] { Q_EMIT openEndpointRequested(id); });
    // As wide as the list, not as the whole line: the label elides and the buttons stay in view.
    item->setSizeHint(QSize(1, row->sizeHint().height()));
    m_list->setItemWidget(item, row);
}

} // namespace sd
