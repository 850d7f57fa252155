#pragma once

#include <QObject>

class QSocketNotifier;

namespace sd::cli {

// SIGINT and SIGTERM, turned into a Qt signal in the event loop while this object lives (one at a time per
// process): the handler only writes the signal's number to a socket pair, a QSocketNotifier reads it. So a
// command that delivers can stop the same way for both: stop claiming, let the requests on the wire finish,
// hand the rest back. Restores the default actions when destroyed.
class TerminationSignals final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TerminationSignals)

public:
    explicit TerminationSignals(QObject *parent = nullptr);
    ~TerminationSignals() override;

    bool isInstalled() const { return m_notifier != nullptr; }
    int received() const { return m_received; } // the first signal's number, or 0
    static const char *name(int signalNumber);  // "SIGTERM", "SIGINT"

Q_SIGNALS:
    void caught(int signalNumber); // once: the first one

private:
    QSocketNotifier *m_notifier = nullptr; // child
    int m_received = 0;
};

} // namespace sd::cli
