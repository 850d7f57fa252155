#include "ui/noticesdock.h"

#include "models/endpointurl.h"
#include "models/store.h"
#include "models/timeformat.h"

#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace sd {
namespace {
constexpr int kShown = 50;
}

NoticesDock::NoticesDock(QWidget *parent)
    : QDockWidget(tr("Notices"), parent)
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("noticesDock"));
    m_list->setObjectName(QStringLiteral("noticesList"));
    m_list->setWordWrap(true);
    m_list->setAlternatingRowColors(true);
    auto *details = new QPushButton(tr("Details and emails…"), this);
    connect(details, &QPushButton::clicked, this, &NoticesDock::detailsRequested);
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
    try {
        notices = m_store->notices.recent(kShown);
    } catch (const StoreError &e) {
        m_list->insertItem(0, tr("Notices could not be read: %1").arg(e.message()));
        return;
    }
    m_list->clear();
    for (const Notice &n : notices) {
        auto *item = new QListWidgetItem(
            QStringLiteral("%1 · %2\n%3")
                .arg(timefmt::display(n.createdAt), n.kind, endpointurl::redacted(n.text)),
            m_list);
        item->setToolTip(endpointurl::redacted(n.text));
    }
    if (notices.empty())
        m_list->addItem(tr("Nothing needs you."));
    setWindowTitle(notices.empty() ? tr("Notices") : tr("Notices (%1)").arg(notices.size()));
}

} // namespace sd
