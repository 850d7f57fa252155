#include "app/readers/healthreader.h"

#include "models/itemmodels/subscribersmodel.h"
#include "models/store.h"

#include <QElapsedTimer>
#include <QPointer>
#include <algorithm>

namespace sd {

SubscriberHealthReader::SubscriberHealthReader(QString databaseLocation, QObject *parent)
    : QObject(parent)
    , m_thread(QStringLiteral("subscriber health reader"), std::move(databaseLocation),
               StoreThread::Priority::Background)
{}

SubscriberHealthReader::~SubscriberHealthReader()
{
    m_cancel->store(true); // the pass under way stops after its page; m_thread then finishes
}

void SubscriberHealthReader::readPass(QObject *context, Deliver deliver)
{
    QPointer<QObject> guard(context);
    // Each page goes through this object: dropped once the reader is gone (m_thread stops first), and by
    // `guard` once the asker is.
    auto handOver = [this, guard, deliver = std::move(deliver)](std::vector<EndpointHealth> page, bool last) {
        QMetaObject::invokeMethod(
            this,
            [guard, deliver, page = std::move(page), last]() mutable {
                if (guard)
                    deliver(std::move(page), last);
            },
            Qt::QueuedConnection);
    };
    m_thread.post([cancel = m_cancel, handOver = std::move(handOver)](Store *store, const QString &) {
        if (!store)
            return handOver({}, true); // nothing to read: the pass ends with the numbers shown
        HealthRepository health(store->db());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QString cursor;
        QElapsedTimer pageClock;
        while (!cancel->load()) {
            pageClock.start();
            std::vector<EndpointHealth> page;
            try {
                page = health.page(cursor, kPageSize, now);
            } catch (const StoreError &) {
                return handOver({}, true); // the next pass starts over
            }
            const bool last = static_cast<int>(page.size()) < kPageSize;
            if (!page.empty())
                cursor = page.back().subscriberId;
            handOver(std::move(page), last);
            if (last)
                return;
            // Half the time at most: a pass over 100,000 endpoints flat out took a core from the delivery
            // engines on a two-core machine (bench_ui_stall's fan-out ran at half speed).
            QThread::msleep(static_cast<unsigned long>(std::max<qint64>(1, pageClock.elapsed())));
        }
    });
}

void SubscriberHealthReader::feed(SubscribersModel *model)
{
    connect(model, &SubscribersModel::healthPassWanted, this, [this, model] {
        readPass(model, [model](std::vector<EndpointHealth> page, bool last) {
            model->addHealthPage(std::move(page), last);
        });
    });
}

} // namespace sd
