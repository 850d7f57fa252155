#pragma once

#include "app/alerts/alertrules.h"
#include "app/readers/readthrottle.h"

#include <QObject>
#include <QThread>

namespace sd {

// Reads what the alerts look at (AlertQuery) on a thread and connection of its own, whichever process
// wrote it: new notices, maintenance windows, failing endpoints. Asked by whoever hears of a change;
// requests are coalesced to one read at a time, at most one every kMinIntervalMs.
class AlertReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertReader)

public:
    static constexpr int kMinIntervalMs = 500;

    explicit AlertReader(QString databasePath, QObject *parent = nullptr);
    ~AlertReader() override; // waits for a read under way

public Q_SLOTS:
    void requestRefresh();

Q_SIGNALS:
    void observed(const sd::AlertObservation &observation);
    void failed(const QString &error); // the store could not be read; the next request tries again

private:
    class Backend;
    void start();
    void onResult(const AlertObservation &observation, const QString &error);

    QThread m_thread;
    Backend *m_backend = nullptr; // lives in m_thread
    ReadThrottle m_throttle{kMinIntervalMs, [this] { start(); }};
};

} // namespace sd

Q_DECLARE_METATYPE(sd::AlertObservation)
