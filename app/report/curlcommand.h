#pragma once

#include <QByteArray>
#include <QString>

namespace sd::report {

// A shell command that replays one attempt: curl with the recorded request headers (a JSON object) and
// the exact body, every argument single-quoted for POSIX shells. An endpoint's password is never copied:
// the URL goes without its credentials and `-u 'user:PASSWORD'` carries a placeholder, with a first line
// that says to fill it in.
QString curlCommand(const QString &endpoint, const QByteArray &requestHeadersJson, const QByteArray &body);
QString shellQuote(const QString &s);

} // namespace sd::report
