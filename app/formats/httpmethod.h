#pragma once

#include <QByteArray>
#include <QHttpServerRequest>

namespace sd {

// The method of a request Qt HTTP Server parsed, by name ("GET"; "UNKNOWN" for one Qt 6.4 does not name).
QByteArray httpMethodName(QHttpServerRequest::Method method);

} // namespace sd
