#pragma once

#include <QString>

// Webhook endpoint URLs: one spelling per endpoint, and the form that may be shown.
namespace sd::endpointurl {

// The WHATWG-style normal form used to store and compare endpoints: scheme and host lower-cased, an
// internationalised host in ASCII (IDNA), the scheme's default port dropped, leading zeros of the port
// dropped, the fragment dropped, "/" for an empty path. Credentials, path and query are kept. Empty when
// `endpoint` is not an absolute URL with a host.
QString normalized(const QString &endpoint);

// `scheme://host:port` (the scheme's default port spelled out): the unit of the delivery engine's
// per-origin cap.
QString origin(const QString &endpoint);

// Every `scheme://user:password@` in `text` with the password replaced by ***
// (`https://user:***@host/`); a user name alone (often a token) becomes `***@`. Works on free text as well
// as on one URL, and by hand rather than through QUrl, so a URL too broken to parse never comes back with
// its password. The one redaction function: listings, tables, reports, notices and logs all use it.
QString redacted(const QString &text);

// An edit of a URL shown redacted: where `edited` still carries the redacted user info of `stored`
// (`user:***@`), the stored user info is put back, so an operator who changes only the path keeps the
// password they were never shown. Anything else (a new password, no credentials) is returned as typed.
QString withStoredCredentials(const QString &edited, const QString &stored);

// Whether `url` carries a user name or password.
bool hasCredentials(const QString &url);

} // namespace sd::endpointurl
