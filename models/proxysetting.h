#pragma once

#include "models/result.h"

#include <QString>
#include <QUrl>

namespace sd {

// How webhooks leave this desk (the `delivery.proxy` setting): through the system's proxy configuration
// (on Linux the https_proxy, http_proxy and no_proxy environment variables, as curl reads them), straight to
// the receiver, or through one HTTP proxy given as a URL (`http://user:password@proxy:3128`). Hosts named in
// no_proxy go straight to the receiver in the first and the last case.
struct ProxySetting
{
    enum class Kind
    {
        System,
        None,
        Url
    };
    Kind kind = Kind::System;
    QUrl url; // Kind::Url: http://[user:password@]host[:port]

    // "system", "none" or an http:// URL with a host; one sentence naming the problem otherwise.
    static Result<ProxySetting> parse(const QString &text);
    QString toString() const; // what is stored: the URL with its password
    QString redacted() const; // what is shown: the password replaced by ***
    bool operator==(const ProxySetting &o) const { return kind == o.kind && url == o.url; }
    bool operator!=(const ProxySetting &o) const { return !(*this == o); }
};

// Whether `host` is named by a no_proxy list (comma-separated; "*" names every host; an entry names the host
// and its subdomains, with or without a leading dot; an entry may end in :port, which is ignored), as curl
// and Qt's system proxy read it.
bool noProxyMatches(const QString &host, const QString &noProxyList);

} // namespace sd
