#include "app/delivery/deliverycontroller.h"

#include "app/delivery/deliveryengine.h"
#include "app/delivery/deliveryjournal.h"
#include "models/changewatcher.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>
#include <algorithm>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace sd {
namespace {

// Every request in flight holds a socket; with the global cap raised to thousands, a desktop session's
// usual soft limit of 1,024 descriptors would turn into "too many open files". Raise the soft limit towards
// the hard one, once.
void raiseOpenFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    const rlim_t wanted =
        limit.rlim_max == RLIM_INFINITY ? rlim_t(65536) : std::min<rlim_t>(limit.rlim_max, 65536);
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        limit.rlim_cur = wanted;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
#endif
}

} // namespace

DeliveryController::DeliveryController(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
{
    qRegisterMetaType<sd::DeliveryProgress>();
    qRegisterMetaType<sd::AttemptResult>();
    qRegisterMetaType<sd::JournalBatch>();
    qRegisterMetaType<sd::JournalOutcome>();
    m_thread.setObjectName(QStringLiteral("delivery"));
    m_journalThread.setObjectName(QStringLiteral("delivery-db"));
}

DeliveryController::~DeliveryController()
{
    stop();
}

bool DeliveryController::isRunning() const
{
    return m_engine != nullptr;
}

void DeliveryController::start()
{
    if (m_engine)
        return;
    raiseOpenFileLimit();
    const EngineIdentity identity =
        EngineIdentity::forThisProcess(m_program.isEmpty() ? QCoreApplication::applicationName() : m_program);
    m_journal = new DeliveryJournal(m_path, identity);
    m_journal->moveToThread(&m_journalThread);
    // Direct in the new thread, before its event loop takes the engine's first batch.
    connect(&m_journalThread, &QThread::started, m_journal, &DeliveryJournal::initialize);
    m_journalThread.start();
    m_engine = new DeliveryEngine(m_path, identity.id, m_journal);
    m_engine->moveToThread(&m_thread);
    connect(&m_thread, &QThread::started, m_engine, &DeliveryEngine::initialize);
    connect(this, &DeliveryController::wakeRequested, m_engine, &DeliveryEngine::wake);
    connect(m_engine, &DeliveryEngine::progress, this, &DeliveryController::progress);
    connect(m_engine, &DeliveryEngine::messagesChanged, this, &DeliveryController::messagesChanged);
    connect(m_engine, &DeliveryEngine::idle, this, &DeliveryController::idle);
    connect(m_engine, &DeliveryEngine::noticeAdded, this, &DeliveryController::noticeAdded);
    connect(m_engine, &DeliveryEngine::engineError, this, &DeliveryController::engineError);
    connect(m_engine, &DeliveryEngine::engineWarning, this, &DeliveryController::engineWarning);
    connect(m_engine, &DeliveryEngine::maintenanceMoved, this, &DeliveryController::maintenanceMoved);
    connect(m_engine, &DeliveryEngine::settingsReloaded, this, &DeliveryController::settingsReloaded);
    m_thread.start();
}

bool DeliveryController::drainAndStop(int deadlineMs)
{
    if (!m_engine)
        return true;
    QEventLoop loop;
    bool drained = false;
    connect(m_engine, &DeliveryEngine::drained, &loop, [&loop, &drained]() {
        drained = true;
        loop.quit();
    });
    QTimer::singleShot(deadlineMs, &loop, &QEventLoop::quit);
    QMetaObject::invokeMethod(m_engine, &DeliveryEngine::drain, Qt::QueuedConnection);
    loop.exec();
    stop();
    return drained;
}

void DeliveryController::stop()
{
    if (!m_engine)
        return;
    // Flush results and close the worker's database connection in its own thread, then end the thread.
    QMetaObject::invokeMethod(m_engine, &DeliveryEngine::shutdown, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_tally = m_engine->tally(); // its thread has ended
    delete m_engine;
    m_engine = nullptr;
    // The engine's last batch is written by now (shutdown waits for it); then the journal closes its
    // connection.
    QMetaObject::invokeMethod(m_journal, &DeliveryJournal::shutdown, Qt::BlockingQueuedConnection);
    m_journalThread.quit();
    m_journalThread.wait();
    delete m_journal;
    m_journal = nullptr;
}

void DeliveryController::wake()
{
    Q_EMIT wakeRequested();
}

void DeliveryController::reloadSettings()
{
    if (m_engine)
        QMetaObject::invokeMethod(m_engine, &DeliveryEngine::reloadSettings, Qt::QueuedConnection);
}

void DeliveryController::followChanges(ChangeWatcher *watcher)
{
    connect(watcher, &ChangeWatcher::changed, this, [this](const QStringList &kinds) {
        if (kinds.contains(QLatin1String("settings")))
            reloadSettings();
    });
}

} // namespace sd
