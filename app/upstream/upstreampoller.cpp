#include "app/upstream/upstreampoller.h"

#include "app/delivery/trustedcas.h"
#include "app/services/servicecontext.h"
#include "app/upstream/pagereader.h"
#include "app/upstream/pollpolicy.h"
#include "app/upstream/upstreamhttp.h"
#include "app/upstream/upstreamrecorder.h"
#include "models/deliverysettings.h"
#include "models/ids.h"
#include "models/localprocess.h"
#include "models/store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSysInfo>
#include <QTimer>

namespace sd::upstream {
namespace {

const QString kTimeoutKey = QStringLiteral("upstream.timeout_ms");

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

UpstreamPoller::UpstreamPoller(QString databasePath, QString program, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
{
    m_me.owner =
        QStringLiteral("upl_") + ids::newId() + QLatin1Char('_') + program.section(QLatin1Char(' '), -1);
    m_me.host = QSysInfo::machineHostName();
    m_me.pid = QCoreApplication::applicationPid();
}

UpstreamPoller::~UpstreamPoller() = default;

void UpstreamPoller::start()
{
    if (m_stopped)
        return;
    if (!m_store) {
        QString error;
        m_store = Store::open(m_path, &error);
        if (!m_store) {
            Q_EMIT warning(QStringLiteral("followed pages are not read: %1").arg(error));
            return;
        }
        m_http = new UpstreamHttp(this);
    }
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &UpstreamPoller::tick);
    }
    m_timer->start(1000);
    tick();
}

void UpstreamPoller::stop()
{
    m_stopped = true;
    if (m_timer)
        m_timer->stop();
    if (!m_store)
        return;
    try {
        Transaction tx(m_store->db());
        UpstreamRepository(m_store->db()).releaseLeases(m_me.owner);
        tx.commit();
    } catch (const StoreError &) {
        // They expire by themselves.
    }
    m_held.clear();
    // Reads in flight are dropped (their callbacks die with the manager); the connection closes in its
    // thread.
    delete m_http;
    m_http = nullptr;
    m_inFlight.clear();
    m_store.reset();
}

void UpstreamPoller::wake()
{
    m_lastClaimMs = 0;
    if (m_timer && m_timer->isActive())
        QTimer::singleShot(0, this, &UpstreamPoller::tick);
}

void UpstreamPoller::runOnce(bool all)
{
    start();
    if (m_timer)
        m_timer->stop();
    if (!m_store) {
        Q_EMIT passFinished(0, 0);
        return;
    }
    m_onePass = true;
    m_passRead = 0;
    m_lastClaimMs = 0;
    claim();
    readDue(all);
    checkPassDone();
}

void UpstreamPoller::tick()
{
    if (!m_store)
        return;
    if (nowMs() - m_lastClaimMs >= m_leaseMs / 3)
        claim();
    readDue(false);
}

void UpstreamPoller::claim()
{
    try {
        m_store->db().finishAll();
        const DeliverySettings settings = DeliverySettings::load(m_store->settings);
        m_leaseMs = settings.leaseMs;
        m_http->setDeliverySettings(settings);
        bool ok = false;
        const int timeout = m_store->settings.value(kTimeoutKey).toInt(&ok);
        m_http->setTimeoutMs(ok && timeout > 0 ? timeout : static_cast<int>(kDefaultTimeoutMs));
        if (!settings.caFile.isEmpty()) {
            if (auto cas = trustedcas::load(settings.caFile))
                trustedcas::trustInThisProcess(cas.value());
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Transaction tx(m_store->db());
        UpstreamRepository repo(m_store->db());
        QStringList gone;
        for (const UpstreamLeaseHolder &h : repo.otherHolders(m_me.owner)) {
            if (h.host == m_me.host && !localProcessAlive(h.pid))
                gone << h.owner;
        }
        m_held = repo.claimLeases(m_me, now, now.addMSecs(m_leaseMs), gone);
        tx.commit();
        m_lastClaimMs = nowMs();
        m_warned = false;
    } catch (const StoreError &e) {
        if (!m_warned)
            Q_EMIT warning(
                QStringLiteral("cannot take the followed pages' leases: %1; retrying").arg(e.message()));
        m_warned = true;
    }
}

void UpstreamPoller::readDue(bool all)
{
    std::vector<Upstream> due;
    try {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const Upstream &u : UpstreamRepository(m_store->db()).all()) {
            if (m_held.contains(u.id) && !m_inFlight.contains(u.id) && (all || u.nextPollAt <= now))
                due.push_back(u);
        }
        m_store->db().finishAll();
    } catch (const StoreError &e) {
        Q_EMIT warning(QStringLiteral("cannot read the followed pages: %1").arg(e.message()));
        return;
    }
    for (const Upstream &u : due) {
        m_inFlight.insert(u.id);
        const QString id = u.id;
        const QString name = u.name;
        readPage(*m_http, u, [this, id, name](const PageRead &read) {
            UpstreamRecorder recorder(ServiceContext{*m_store}, m_me.owner);
            auto outcome = recorder.record(id, read);
            m_store->db().finishAll();
            m_inFlight.remove(id);
            ++m_passRead;
            if (!outcome) {
                Q_EMIT warning(QStringLiteral("cannot record what %1 said: %2").arg(name, outcome.error()));
            } else if (!outcome->leaseLost) {
                QStringList texts;
                for (const UpstreamEvent &e : outcome->events)
                    texts << e.text;
                if (!texts.isEmpty())
                    Q_EMIT recorded(texts, static_cast<int>(outcome->messageIds.size()));
                if (outcome->leftOperational)
                    Q_EMIT leftOperational(outcome->after.name, outcome->after.description);
                Q_EMIT changed();
            }
            checkPassDone();
        });
    }
}

void UpstreamPoller::checkPassDone()
{
    if (!m_onePass || !m_inFlight.isEmpty())
        return;
    m_onePass = false;
    int elsewhere = 0;
    try {
        for (const Upstream &u : UpstreamRepository(m_store->db()).all())
            elsewhere += u.leaseOwner != m_me.owner && !u.leaseOwner.isEmpty() ? 1 : 0;
        m_store->db().finishAll();
    } catch (const StoreError &) {
    }
    Q_EMIT passFinished(m_passRead, elsewhere);
}

UpstreamController::UpstreamController(QString databasePath, QString program, QObject *parent)
    : QObject(parent)
    , m_poller(new UpstreamPoller(std::move(databasePath), std::move(program)))
{
    m_thread.setObjectName(QStringLiteral("upstream"));
    m_poller->moveToThread(&m_thread);
    connect(m_poller, &UpstreamPoller::recorded, this, &UpstreamController::recorded);
    connect(m_poller, &UpstreamPoller::leftOperational, this, &UpstreamController::leftOperational);
    connect(m_poller, &UpstreamPoller::changed, this, &UpstreamController::changed);
    connect(m_poller, &UpstreamPoller::warning, this, &UpstreamController::warning);
    connect(m_poller, &UpstreamPoller::passFinished, this, &UpstreamController::passFinished);
    m_thread.start();
}

UpstreamController::~UpstreamController()
{
    stop();
    m_thread.quit();
    m_thread.wait();
    delete m_poller;
}

void UpstreamController::start()
{
    QMetaObject::invokeMethod(m_poller, &UpstreamPoller::start, Qt::QueuedConnection);
}

void UpstreamController::stop()
{
    if (m_thread.isRunning())
        QMetaObject::invokeMethod(m_poller, &UpstreamPoller::stop, Qt::BlockingQueuedConnection);
}

void UpstreamController::runOnce(bool all)
{
    QMetaObject::invokeMethod(
        m_poller, [this, all] { m_poller->runOnce(all); }, Qt::QueuedConnection);
}

void UpstreamController::wake()
{
    QMetaObject::invokeMethod(m_poller, &UpstreamPoller::wake, Qt::QueuedConnection);
}

} // namespace sd::upstream
