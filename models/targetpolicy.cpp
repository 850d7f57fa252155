#include "models/targetpolicy.h"

#include <QUrl>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#endif

namespace sd::targetpolicy {
namespace {

const char *const kMetadataNames[] = {"metadata",
                                      "metadata.google.internal",
                                      "metadata.goog",
                                      "instance-data",
                                      "instance-data.ec2.internal",
                                      "metadata.azure.internal",
                                      "metadata.tencentyun.com",
                                      "metadata.platformequinix.com"};

// Metadata services that live outside the link-local ranges (Alibaba Cloud, AWS over IPv6).
bool isMetadataAddress(const QHostAddress &a)
{
    return a == QHostAddress(QStringLiteral("100.100.100.200")) ||
           a == QHostAddress(QStringLiteral("fd00:ec2::254"));
}

bool in(const QHostAddress &a, const char *subnet)
{
    return a.isInSubnet(QHostAddress::parseSubnet(QString::fromLatin1(subnet)));
}

// What is wrong with an address, as a phrase ("a link-local address (...)"); empty when allowed.
QString problem(QHostAddress a, bool refusePrivate)
{
    bool mapped = false;
    const quint32 v4 = a.toIPv4Address(&mapped); // ::ffff:a.b.c.d is checked as a.b.c.d
    if (mapped)
        a = QHostAddress(v4);
    if (isMetadataAddress(a))
        return QStringLiteral("a cloud metadata address");
    if (a.protocol() == QAbstractSocket::IPv4Protocol) {
        if (in(a, "169.254.0.0/16"))
            return QStringLiteral(
                "a link-local address (169.254.0.0/16, where cloud metadata services answer)");
        if (in(a, "0.0.0.0/8"))
            return QStringLiteral("the unspecified address (0.0.0.0/8), which names no receiver");
        if (in(a, "224.0.0.0/4") || a == QHostAddress::Broadcast)
            return QStringLiteral("a multicast or broadcast address, which names no single receiver");
        if (refusePrivate) {
            if (a.isLoopback())
                return QStringLiteral("a loopback address, and this desk refuses private targets");
            if (in(a, "10.0.0.0/8") || in(a, "172.16.0.0/12") || in(a, "192.168.0.0/16") ||
                in(a, "100.64.0.0/10"))
                return QStringLiteral("a private address, and this desk refuses private targets");
        }
        return {};
    }
    if (a.protocol() != QAbstractSocket::IPv6Protocol)
        return QStringLiteral("not an IP address");
    if (in(a, "fe80::/10"))
        return QStringLiteral("a link-local address (fe80::/10, where cloud metadata services answer)");
    if (a == QHostAddress(QHostAddress::AnyIPv6))
        return QStringLiteral("the unspecified address (::), which names no receiver");
    if (in(a, "ff00::/8"))
        return QStringLiteral("a multicast address, which names no single receiver");
    if (refusePrivate) {
        if (a.isLoopback())
            return QStringLiteral("a loopback address, and this desk refuses private targets");
        if (in(a, "fc00::/7") || in(a, "fec0::/10"))
            return QStringLiteral("a private address, and this desk refuses private targets");
    }
    return {};
}

QString hint(bool refusePrivate, const QString &what)
{
    return refusePrivate && what.contains(QLatin1String("refuses private targets"))
               ? QStringLiteral(" (statusdesk-cli settings --refuse-private-targets off allows them)")
               : QStringLiteral("; StatusDesk never delivers there");
}

QString bareHost(const QString &host)
{
    QString h = host.trimmed().toLower();
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    while (h.endsWith(QLatin1Char('.')))
        h.chop(1);
    return h;
}

} // namespace

QHostAddress literalAddress(const QString &host)
{
    const QString h = bareHost(host);
    QHostAddress a;
    if (a.setAddress(h))
        return a;
#ifdef Q_OS_UNIX
    // The resolver also takes 2852039166, 0xA9FEA9FE, 169.254.43518 and 0251.0376.0251.0376 as IPv4.
    struct in_addr addr;
    const QByteArray latin1 = h.toLatin1();
    bool plausible = !h.isEmpty();
    for (const QChar c : h)
        plausible = plausible && (c.isDigit() || c == QLatin1Char('.') || c == QLatin1Char('x') ||
                                  (c >= QLatin1Char('a') && c <= QLatin1Char('f')));
    if (plausible && ::inet_aton(latin1.constData(), &addr) != 0)
        return QHostAddress(ntohl(addr.s_addr));
#endif
    return {};
}

namespace {

// Why an address is not a public unicast one, as a phrase; empty when it is.
QString notPublic(QHostAddress a)
{
    if (const QString what = problem(a, true); !what.isEmpty())
        return what;
    bool mapped = false;
    const quint32 mappedV4 = a.toIPv4Address(&mapped);
    if (mapped)
        a = QHostAddress(mappedV4);
    if (a.protocol() == QAbstractSocket::IPv4Protocol) {
        for (const char *range : {"192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
                                  "203.0.113.0/24", "240.0.0.0/4"})
            if (in(a, range))
                return QStringLiteral("a reserved address");
        return {};
    }
    if (a.protocol() != QAbstractSocket::IPv6Protocol)
        return QStringLiteral("not an IP address");
    const Q_IPV6ADDR b = a.toIPv6Address();
    const auto v4At = [&b](int i) {
        return QHostAddress((quint32(b[i]) << 24) | (quint32(b[i + 1]) << 16) | (quint32(b[i + 2]) << 8) |
                            quint32(b[i + 3]));
    };
    // IPv6 forms that reach an IPv4 address: checked as that address.
    if (in(a, "::/96") || in(a, "64:ff9b::/96") || in(a, "64:ff9b:1::/48"))
        return notPublic(v4At(12));
    if (in(a, "2002::/16"))
        return notPublic(v4At(2));
    for (const char *range : {"2001::/32", "2001:db8::/32", "100::/64", "2001:10::/28", "2001:20::/28"})
        if (in(a, range))
            return QStringLiteral("a reserved address");
    if (!in(a, "2000::/3")) // everything globally routable lives here
        return QStringLiteral("not a public address");
    return {};
}

QString publicRefusal(const QString &host)
{
    return QStringLiteral("the endpoint %1 is not on the public internet; the subscribe form only accepts "
                          "public endpoints")
        .arg(host);
}

} // namespace

QString checkPublicAddress(const QHostAddress &address)
{
    return notPublic(address).isEmpty() ? QString() : publicRefusal(address.toString());
}

QString checkPublicHost(const QString &host)
{
    const QString h = bareHost(host);
    if (h.isEmpty())
        return publicRefusal(QStringLiteral("host"));
    if (!checkHost(h, true).isEmpty() || h == QLatin1String("localhost") ||
        h.endsWith(QLatin1String(".localhost")) || h == QLatin1String("localhost.localdomain"))
        return publicRefusal(h);
    const QHostAddress literal = literalAddress(h);
    if (!literal.isNull())
        return checkPublicAddress(literal).isEmpty() ? QString() : publicRefusal(h);
    // A bare word ("intranet") is a name only a local resolver knows.
    if (!h.contains(QLatin1Char('.')))
        return publicRefusal(h);
    return {};
}

QString checkPublicResolved(const QString &host, const QList<QHostAddress> &addresses)
{
    if (const QString err = checkPublicHost(host); !err.isEmpty())
        return err;
    for (const QHostAddress &a : addresses) {
        if (!notPublic(a).isEmpty())
            return publicRefusal(bareHost(host)); // never which address: the operator's network stays unseen
    }
    return {};
}

QString checkAddress(const QHostAddress &address, bool refusePrivate)
{
    const QString what = problem(address, refusePrivate);
    if (what.isEmpty())
        return {};
    return QStringLiteral("endpoint address %1 is %2%3")
        .arg(address.toString(), what, hint(refusePrivate, what));
}

QString checkHost(const QString &host, bool refusePrivate)
{
    const QString h = bareHost(host);
    for (const char *name : kMetadataNames) {
        if (h == QLatin1String(name))
            return QStringLiteral(
                       "endpoint host %1 is a cloud metadata service; StatusDesk never delivers there")
                .arg(h);
    }
    const QHostAddress literal = literalAddress(h);
    if (literal.isNull())
        return {};
    const QString what = problem(literal, refusePrivate);
    if (what.isEmpty())
        return {};
    return QStringLiteral("endpoint host %1 is %2%3").arg(h, what, hint(refusePrivate, what));
}

QString checkResolved(const QString &host, const QList<QHostAddress> &addresses, bool refusePrivate)
{
    if (const QString err = checkHost(host, refusePrivate); !err.isEmpty())
        return err;
    for (const QHostAddress &a : addresses) {
        const QString what = problem(a, refusePrivate);
        if (!what.isEmpty())
            return QStringLiteral("endpoint host %1 resolves to %2, %3%4")
                .arg(bareHost(host), a.toString(), what, hint(refusePrivate, what));
    }
    return {};
}

QString checkEndpoint(const QString &endpoint, bool refusePrivate)
{
    const QUrl url(endpoint.trimmed());
    if (url.host().isEmpty())
        return {};
    return checkHost(url.host(), refusePrivate);
}

} // namespace sd::targetpolicy
