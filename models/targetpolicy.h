#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>

// Where webhooks may go. Never to link-local addresses (169.254.0.0/16, fe80::/10: cloud metadata services
// answer there), cloud metadata host names, the unspecified address (0.0.0.0, ::) or broadcast and
// multicast addresses. Loopback and private ranges are allowed unless `refusePrivate` (the
// delivery.refuse_private_targets setting, for a `serve` that others reach). Each check returns an empty
// string when the target is allowed, else one sentence saying why not.
namespace sd::targetpolicy {

// One address, as resolved or written.
QString checkAddress(const QHostAddress &address, bool refusePrivate);
// The host as written in the endpoint: a metadata name, or an IP literal (also the short and numeric IPv4
// forms the resolver accepts, such as 2852039166). A host name that passes still needs its addresses checked.
QString checkHost(const QString &host, bool refusePrivate);
// The host and every address it resolved to: one forbidden address refuses the target, so a name that also
// resolves to a metadata address (DNS rebinding) is not sent to.
QString checkResolved(const QString &host, const QList<QHostAddress> &addresses, bool refusePrivate);
// checkHost() on an endpoint URL's host.
QString checkEndpoint(const QString &endpoint, bool refusePrivate);
// The literal address of `host` when it is one (including the numeric IPv4 forms); null otherwise.
QHostAddress literalAddress(const QString &host);

// The strict policy for endpoints that arrive anonymously (the public subscribe form), whatever the
// operator's own setting: only globally routable unicast addresses. Refused besides the above: loopback,
// private (10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10), CGNAT (100.64/10), the IETF, documentation,
// benchmark and reserved ranges, and IPv6 forms that carry one of those IPv4 addresses (IPv4-mapped,
// IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) or hide one (Teredo); in every spelling the resolver
// takes, and the names localhost and *.localhost. Sentences say only that the target is not public: a visitor
// learns nothing about the operator's network.
QString checkPublicAddress(const QHostAddress &address);
QString checkPublicHost(const QString &host);
QString checkPublicResolved(const QString &host, const QList<QHostAddress> &addresses);

} // namespace sd::targetpolicy
