#pragma once

#include "models/result.h"

#include <QList>
#include <QSslCertificate>
#include <QString>

namespace sd {

// Extra certificate authorities for HTTPS endpoints: receivers on an internal network often carry
// certificates from a private CA that the system store does not hold.
namespace trustedcas {

// The CA certificates in a PEM file, or one sentence naming what is wrong with it.
Result<QList<QSslCertificate>> load(const QString &path);

// Makes `extra` trusted for every TLS connection this process opens from now on, beside the system's CAs,
// in place of any list given before (an empty one goes back to the system's CAs alone).
// Process-wide on purpose: Qt's connection pool shares TLS sessions across managers, so a per-request trust
// list could reuse a connection verified under another list.
void trustInThisProcess(const QList<QSslCertificate> &extra);

} // namespace trustedcas
} // namespace sd
