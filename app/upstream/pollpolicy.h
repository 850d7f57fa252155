#pragma once

#include "models/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

class QUrl;

// How often a followed page is read and how a failing one backs off (docs/upstream.md, "Polling limits").
namespace sd::upstream {

constexpr qint64 kDefaultIntervalMs = 60'000;
// Statuspage's public API sits behind a CDN that refreshes about once a minute; faster polling only adds
// load.
constexpr qint64 kMinIntervalMs = 30'000;
// A page on this machine (a mirror, a test `serve`) may be read every second.
constexpr qint64 kMinLoopbackIntervalMs = 1'000;
constexpr qint64 kMaxIntervalMs = 3'600'000;
constexpr qint64 kMaxBackoffMs = 1'800'000;    // a failing page is still tried every 30 minutes
constexpr qint64 kMaxRetryAfterMs = 3'600'000; // a Retry-After is honoured up to an hour
constexpr qint64 kDefaultTimeoutMs = 20'000;   // a read that has not finished by then failed (timeout)
constexpr qint64 kMaxBodyBytes = 8 * 1024 * 1024;

// The page's base URL from what a user typed: a page URL or its /api/v2[/summary.json]; http or https, no
// credentials, query or fragment. One sentence on failure.
Result<QString> normalizePageUrl(const QString &text);
bool isLoopbackUrl(const QUrl &url);
// "60s", "5m", "1h" or plain seconds, within the limits (the loopback minimum for a loopback page).
Result<qint64> parseInterval(const QString &text, const QString &pageUrl);
QString formatInterval(qint64 ms); // "60s", "5m", "1h"
// When to read again after `failures` failed reads in a row (0: the interval): the interval doubled per
// failure up to kMaxBackoffMs (never below the interval), and at least a Retry-After (capped at an hour).
qint64 nextDelayMs(qint64 intervalMs, int failures, qint64 retryAfterMs);
// A Retry-After header's delay in milliseconds (seconds or an HTTP date), -1 when absent or unreadable.
qint64 parseRetryAfter(const QByteArray &value, const QDateTime &now);

} // namespace sd::upstream
