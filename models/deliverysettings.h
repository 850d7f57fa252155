#pragma once

#include "models/proxysetting.h"

#include <QList>

namespace sd {

class SettingsRepository;

// Delivery knobs, stored in the database so the GUI, the command line and `serve` agree.
struct DeliverySettings
{
    // Delay before each attempt after the first failure: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    QList<qint64> retryScheduleMs{0,         5'000,      300'000,    1'800'000,
                                  7'200'000, 18'000'000, 36'000'000, 36'000'000};
    double jitter = 0.2;              // ±20 % on every scheduled delay
    qint64 timeoutMs = 30'000;        // whole attempt: connect start to last byte
    qint64 minBackoffSlowMs = 60'000; // 429 and timeouts wait at least this long
    int maxInFlight = 256;
    int maxPerHost = 6;
    int quarantineFailures = 10;
    qint64 quarantineWindowMs = 3'600'000;
    qint64 purgeAfterMs = 90LL * 24 * 3'600'000;
    int maxResponseBytes = 20'000;
    // A claimed message's lease: renewed every third of it while its engine lives; a peer takes over an
    // expired one (and at once when the owner is provably gone). Longer than any attempt's deadline is not
    // needed: renewal, not the lease, covers a long attempt.
    qint64 leaseMs = 30'000;
    // Loopback and private addresses are refused as targets too (link-local, metadata, unspecified and
    // multicast always are): for a `serve` that others reach.
    bool refusePrivateTargets = false;
    // A PEM file of CA certificates trusted for HTTPS endpoints beside the system's (a private CA); empty:
    // none.
    QString caFile;
    // How webhooks reach their receivers: the system's proxy configuration (default), none, or a proxy URL.
    ProxySetting proxy;

    static DeliverySettings load(SettingsRepository &settings);
    void save(SettingsRepository &settings) const;
    // "0,5s,5m,30m,2h,5h,10h,10h" <-> milliseconds. Returns false on a malformed list.
    static bool parseSchedule(const QString &text, QList<qint64> *out);
    static QString formatSchedule(const QList<qint64> &ms);
};

} // namespace sd
